// Backpropagation through a convolutional layer, written as direct loops over the indices of
// the equations: the simple reference that nn/conv_backprop.cpp's im2col + gemm version is
// tested against (tests/nn/test_conv_backprop.cpp). Slow, and meant to be read.
//
// Layout (batch n, channel c, row y, column x), row-major. A layer l maps a^{l−1} (N, C, H, W)
// with F kernels w (F, C, K, K') and biases b (F), stride s and zero padding p, to
//   z^l[n,f,i,j] = b_f + Σ_{c,u,v} w[f,c,u,v] a^{l−1}[n, c, i·s + u − p, j·s + v − p]
// (a^{l−1} outside the image reads 0), an (N, F, H', W') map with H' = (H + 2p − K)/s + 1.
#pragma once

#include <cstddef>

#include "autodiff/tensor.hpp"

namespace tg::nn::reference {

// (The forward sum itself, by its definition, is tg::conv2d_direct in autodiff/conv_kernels.hpp.)

// (BP2-conv) ∂C/∂a^{l−1}: the full convolution of δ^l with the flipped kernel,
//   ∂C/∂a^{l−1}[n,c,y,x] = Σ_{f,u',v'} δ^l[n, f, (y + p − K+1 + u')/s, (x + p − K'+1 + v')/s] · w[f, c, K−1−u', K'−1−v']
// (terms whose δ index is not a whole number in range are 0). The caller multiplies by σ′(z^{l−1}).
// delta (N,F,H',W'), w (F,C,K,K') -> a_shape (N,C,H,W)
Tensor conv_backward_input(const Tensor& delta, const Tensor& w, const Shape& a_shape, std::size_t stride,
                           std::size_t padding);

// (BP4-conv) ∂C/∂w[f,c,u,v] = Σ_{n,i,j} δ^l[n,f,i,j] a^{l−1}[n, c, i·s + u − p, j·s + v − p]:
// the correlation of a^{l−1} with δ^l.        a (N,C,H,W), delta (N,F,H',W') -> w_shape (F,C,K,K')
Tensor conv_backward_weights(const Tensor& a, const Tensor& delta, const Shape& w_shape, std::size_t stride,
                             std::size_t padding);

}  // namespace tg::nn::reference
