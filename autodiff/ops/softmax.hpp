// softmax and log_softmax along an axis, stable for inputs of any size (±1000 included).
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

// Both take an axis in [−rank, rank) whose extent is at least 1; otherwise tg::shape_error
// naming the op, the axis and the shape.

// y_i = e^{x_i} / Σ_k e^{x_k} along `axis` (−1 is the last axis).
Variable softmax(const Variable& x, int axis);
// The values of softmax along axis `axis` (0 ≤ axis < rank, extent ≥ 1, else tg::shape_error)
// of a plain tensor, nothing recorded: what the op computes, and what nn's hand-written forward
// pass uses.
Tensor softmax_values(const Tensor& x, std::size_t axis);
// y_i = x_i − ln Σ_k e^{x_k} along `axis`.
Variable log_softmax(const Variable& x, int axis);

}  // namespace tg
