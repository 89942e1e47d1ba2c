// NumPy broadcasting on Tensors, and its undoing: sum_to.
//
// Broadcasting lines two shapes up from the right; each pair of extents must be equal or one
// of them 1, and the result takes the larger. (2,3)+(3) -> (2,3); (3,1)+(1,4) -> (3,4).
// In backward, a gradient of the broadcast shape is summed back to each input's shape:
// an input that was repeated along an axis receives the sum of the gradients of its copies.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg {

// The shape NumPy gives a op b; throws tg::shape_error naming `op` and both shapes otherwise.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Can a tensor of shape `from` be broadcast to shape `to`?
bool broadcastable_to(const Shape& from, const Shape& to);

// x repeated along the broadcast axes to `shape`.   x: from, shape: to (from broadcasts to to,
// or tg::shape_error naming both shapes)
Tensor broadcast_to(const Tensor& x, const Shape& shape);

// Sum of x over the axes that broadcasting `shape` to x's shape would have repeated:
// the adjoint of broadcast_to.   x: to, shape: from  ->  from   (shape must broadcast to x's
// shape, or tg::shape_error naming both)
Tensor sum_to(const Tensor& x, const Shape& shape);

// The three below take an axis 0 ≤ axis < rank (tg::shape_error otherwise, naming the function).

// Max over one axis, kept as an axis of extent 1.   x: (..., n, ...) -> (..., 1, ...)
// The axis must not be empty (n ≥ 1): tg::shape_error.
Tensor max_keepdims(const Tensor& x, std::size_t axis);

// 1 at the first maximum along `axis` of each slice of x, 0 elsewhere (x's shape): the
// derivative of max, which routes the gradient to the element that won.
Tensor argmax_mask(const Tensor& x, std::size_t axis);

// x's shape with the extent of `axis` set to 1.
Shape keepdims_shape(const Shape& shape, std::size_t axis);

}  // namespace tg
