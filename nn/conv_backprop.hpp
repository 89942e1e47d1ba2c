// Backpropagation through a convolutional layer by hand: (BP2-conv), (BP3-conv), (BP4-conv) on
// plain tensors, with no autodiff, each written as im2col + one gemm (the shared kernels of
// autodiff/conv_kernels.hpp). nn/conv_reference.hpp has the same equations as direct loops;
// docs/conv.md derives them.
//
// With A = im2col(a^{l−1}), (C·K·K', N·H'·W'), and w read as a (F, C·K·K') matrix:
//   z^l        = w A + b                    (one column per output position, one row per map)
//   (BP2-conv) ∂C/∂a^{l−1} = col2im(wᵀ δ^l)  the full convolution of δ^l with the flipped kernel
//   (BP3-conv) ∂C/∂b_f     = Σ_{n,i,j} δ^l[n,f,i,j]
//   (BP4-conv) ∂C/∂w       = δ^l Aᵀ          the correlation of a^{l−1} with δ^l
// where δ^l is read as an (F, N·H'·W') matrix. σ′(z^{l−1}) is the caller's (nn::Network).
#pragma once

#include <cstddef>

#include "autodiff/conv_kernels.hpp"
#include "autodiff/tensor.hpp"

namespace tg::nn {

// z^l = w ⋆ a^{l−1} + b.           a (N,C,H,W), w (F,C,K,K'), b (F) -> (N,F,H',W')
Tensor conv_forward(const Tensor& a, const Tensor& w, const Tensor& b, std::size_t stride,
                    std::size_t padding);
// (BP2-conv) before ⊙ σ′(z^{l−1}).  delta (N,F,H',W'), w (F,C,K,K') -> (N,C,H,W) as g says
Tensor conv_backward_input(const Tensor& delta, const Tensor& w, const ConvGeometry& g);
// (BP3-conv)                        delta (N,F,H',W') -> (F)
Tensor conv_backward_bias(const Tensor& delta);
// (BP4-conv)                        a (N,C,H,W), delta (N,F,H',W') -> (F,C,K,K')
Tensor conv_backward_weights(const Tensor& a, const Tensor& delta, const ConvGeometry& g);

}  // namespace tg::nn
