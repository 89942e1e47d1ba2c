// Convolution, on (batch, channels, height, width) tensors as in PyTorch and Nielsen's network3.
// conv2d is im2col and one matrix product (autodiff/conv_kernels.hpp); its backward is two ops
// of their own, each one matrix product too, whose derivatives are again these three ops, so
// the backward can be differentiated again (gradgradcheck).
//
// Shapes that do not fit throw tg::shape_error naming the op, both shapes and what disagrees:
// "conv2d: x (64,1,28,28) and w (20,3,5,5): 1 input channel, the kernel expects 3".
#pragma once

#include <cstddef>

#include "autodiff/variable.hpp"

namespace tg {

// y[n,f,i,j] = b[f] + Σ_c Σ_a Σ_a' w[f,c,a,a'] · x[n, c, i·s + a − p, j·s + a' − p]   (0 outside x)
// x (N,C,H,W), w (F,C,K,K'), b (F) -> (N,F,H',W'),  H' = (H + 2p − K)/s + 1,  W' = (W + 2p − K')/s + 1
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, std::size_t stride = 1,
                std::size_t padding = 0);
// The same without a bias.
Variable conv2d(const Variable& x, const Variable& w, std::size_t stride = 1, std::size_t padding = 0);

// ∂C/∂x of y = conv2d(x, w) given gy = ∂C/∂y: the "full" convolution of gy with the flipped
// kernel, computed as col2im(Wᵀ · Δ).        gy (N,F,H',W'), w (F,C,K,K') -> x_shape (N,C,H,W)
// (x's shape is needed: with a stride, several heights give the same H'.)
Variable conv2d_input_grad(const Variable& gy, const Variable& w, const Shape& x_shape,
                           std::size_t stride = 1, std::size_t padding = 0);

// ∂C/∂w of y = conv2d(x, w) given gy = ∂C/∂y: the correlation of x with gy, Δ · colsᵀ:
//   ∂C/∂w[f,c,a,a'] = Σ_n Σ_i Σ_j gy[n,f,i,j] · x[n, c, i·s + a − p, j·s + a' − p]
//                                             x (N,C,H,W), gy (N,F,H',W') -> w_shape (F,C,K,K')
Variable conv2d_weight_grad(const Variable& x, const Variable& gy, const Shape& w_shape,
                            std::size_t stride = 1, std::size_t padding = 0);

}  // namespace tg
