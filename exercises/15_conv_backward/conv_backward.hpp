// Exercise 15: the convolution's backward to its input, (BP2-conv). The declaration; you write
// the body in exercise.cpp.
#pragma once

#include <cstddef>

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// y = conv2d(x, w) with stride 1 and a zero padding of p on every side (autodiff/ops/conv.hpp):
//   y[n,f,i,j] = Σ_c Σ_u Σ_v w[f,c,u,v] · x[n, c, i + u − p, j + v − p]      (x read as 0 outside)
// x (N,C,H,W), w (F,C,K,K'), y (N,F,H',W') with H' = H + 2p − K + 1, W' = W + 2p − K' + 1.
// Given δ = ∂C/∂y, returns ∂C/∂x (x_shape), the full convolution of δ with the flipped kernel:
//   ∂C/∂x[n,c,y,x] = Σ_f Σ_u' Σ_v' δ[n, f, y + p − K + 1 + u', x + p − K' + 1 + v'] · w[f, c, K−1−u', K'−1−v']
// (δ read as 0 outside its H' × W').
Tensor conv_input_grad(const Tensor& delta, const Tensor& w, const Shape& x_shape, std::size_t padding);

}  // namespace tg::exercises
