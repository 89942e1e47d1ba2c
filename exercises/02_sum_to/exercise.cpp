// Exercise 02: sum_to, the backward of broadcasting.                  <-- YOUR FILE: edit it
//
// THE TASK
//   When x of shape (3, 1) is added to a (3, 4) tensor, x is broadcast: each x[i, 0] is used 4
//   times. In backward its gradient is the sum of the 4 gradients of its copies. Write
//   sum_to_shape(g, shape): g (the gradient of the broadcast result) summed back to x's `shape`.
//     shape (3, 1) from g (3, 4):     out[i, 0] = Σ_j g[i, j]
//     shape (4) from g (2, 3, 4):     out[k] = Σ_i Σ_j g[i, j, k]       (missing leading axes)
//     shape () from g (2, 3):         out = Σ g
//
// HINTS
//   - Shapes line up from the right: g has lead = g.dimension() − shape.size() extra axes in front.
//   - One loop over g's elements: the element of out it belongs to has g's index with the
//     leading axes dropped and 0 on each axis where shape has extent 1. Add, do not assign.
//   - g.data()[flat] is g's element at row-major position flat; tg::filled(shape, 0.0) gives
//     zeros; tg::shape_of(g) gives g's shape as a Shape.
//   - Follows docs/derivatives.md (broadcasting); about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 02
#include <stdexcept>

#include "sum_to.hpp"

namespace tg::exercises {

Tensor sum_to_shape([[maybe_unused]] const Tensor& g, [[maybe_unused]] const Shape& shape) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/02_sum_to/exercise.cpp)");
}

}  // namespace tg::exercises
