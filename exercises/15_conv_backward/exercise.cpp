// Exercise 15: the convolution's backward to its input, (BP2-conv).   <-- YOUR FILE: edit it
//
// THE TASK
//   y = conv2d(x, w), stride 1, zero padding p: y[n,f,i,j] = Σ_{c,u,v} w[f,c,u,v] x[n,c,i+u−p,j+v−p].
//   Given δ = ∂C/∂y (N,F,H',W'), write conv_input_grad, ∂C/∂x (N,C,H,W):
//
//     ∂C/∂x[n,c,y,x] = Σ_f Σ_u' Σ_v' δ[n, f, y + p − K + 1 + u', x + p − K' + 1 + v'] · w[f, c, K−1−u', K'−1−v']
//
//   with δ read as 0 outside its H' × W': the "full" convolution of δ with the kernel flipped.
//
// HINTS
//   - Where it comes from: x[n,c,y,x] meets w[f,c,u,v] in y[n,f,y−u+p,x−v+p], so
//     ∂C/∂x[n,c,y,x] = Σ_{f,u,v} δ[n,f,y−u+p,x−v+p] · w[f,c,u,v]; put u = K−1−u' to get the
//     line above. The index of δ runs up as the kernel's runs down: the flip.
//   - Check the shapes: K = w.shape()[2], K' = w.shape()[3]; the kernels are not square.
//   - Mind the signed indices: y + p − K + 1 + u' can be negative (use long, then test the range).
//   - delta(n, f, i, j) and w(f, c, u, v) read an element; Tensor::from_shape(x_shape) makes the result.
//   - Follows docs/conv.md, §4 "The input: (BP2-conv)"; nn/conv_reference.cpp has the same loops
//     (try first). About three quarters of an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 15
#include <stdexcept>

#include "conv_backward.hpp"

namespace tg::exercises {

Tensor conv_input_grad([[maybe_unused]] const Tensor& delta, [[maybe_unused]] const Tensor& w,
                       [[maybe_unused]] const Shape& x_shape, [[maybe_unused]] std::size_t padding) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/15_conv_backward/exercise.cpp)");
}

}  // namespace tg::exercises
