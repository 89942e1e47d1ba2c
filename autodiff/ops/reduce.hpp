// Reductions: sum, mean, max — over everything (a 0-d result) or along one axis.
// axis may be negative (−1 is the last axis); keepdims keeps it as an axis of extent 1.
// An axis outside [−rank, rank) throws tg::shape_error naming the op, the axis and the shape;
// so does max over nothing (an empty tensor or axis). The mean of nothing is NaN, as in NumPy.
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

Variable sum(const Variable& x);                                    // y = Σ_i x_i          -> ()
Variable sum(const Variable& x, int axis, bool keepdims = false);   // y = Σ_k x_..k..
Variable mean(const Variable& x);                                   // y = Σ_i x_i / n      -> ()
Variable mean(const Variable& x, int axis, bool keepdims = false);  // y = Σ_k x_..k.. / n_axis
Variable max(const Variable& x);                                    // y = max_i x_i        -> ()
Variable max(const Variable& x, int axis, bool keepdims = false);   // y = max_k x_..k..

}  // namespace tg
