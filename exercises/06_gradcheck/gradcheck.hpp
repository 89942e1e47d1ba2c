// Exercise 06: gradient checking by central differences. The declarations; you write the bodies
// in exercise.cpp.
#pragma once

#include <cstddef>
#include <functional>

#include "autodiff/autodiff.hpp"

namespace tg::exercises {

// (1) ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every element i of x (row-major order):
// a tensor of x's shape. Its error is O(h²); the one-sided (f(x + h e_i) − f(x)) / h's is O(h).
Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, const Tensor& x, double h);

// (2) |a − n| / max(|a|, |n|, floor): relative where the numbers are large, absolute (÷ floor)
// where both are near 0, so that 0 and 1e-15 do not differ by "100 %".
double relative_error(double analytic, double numeric, double floor);

// (3) What a check found, element by element (flat row-major indices).
struct GradientCheck {
  bool ok = true;               // every element's relative error ≤ tolerance (a NaN never is)
  std::size_t first_wrong = 0;  // when !ok: the first element beyond tolerance
  std::size_t worst = 0;        // the element of the largest relative error (the first, on a tie)
  double worst_error = 0.0;     // its relative error (a NaN counts as +∞, the worst of all)
};
// analytic and numeric: the same shape.
GradientCheck compare_gradients(const Tensor& analytic, const Tensor& numeric, double tolerance,
                                double floor);

// (4) All together: the engine's ∂C/∂x for C = f(x) (a scalar Variable; backward) against
// numeric_gradient of the same f at x, with step h.
GradientCheck check_gradient(const std::function<Variable(const Variable&)>& f, const Tensor& x, double h,
                             double tolerance, double floor);

}  // namespace tg::exercises
