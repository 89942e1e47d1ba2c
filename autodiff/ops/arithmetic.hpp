// + − × ÷ and negation, elementwise with NumPy broadcasting.
// A double operand is a constant: it applies to every element and gets no gradient.
// Two Variables must have shapes that broadcast (tg::shape_error naming the op and both shapes).
// Division by zero is numerics, not an error: ±inf or NaN, as in IEEE arithmetic
// (detect_anomaly reports it).
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

Variable operator+(const Variable& a, const Variable& b);  // y = a + b
Variable operator-(const Variable& a, const Variable& b);  // y = a − b
Variable operator*(const Variable& a, const Variable& b);  // y = a ⊙ b
Variable operator/(const Variable& a, const Variable& b);  // y = a ⊘ b
Variable operator-(const Variable& x);                     // y = −x

Variable operator+(const Variable& a, double b);
Variable operator+(double a, const Variable& b);
Variable operator-(const Variable& a, double b);
Variable operator-(double a, const Variable& b);
Variable operator*(const Variable& a, double b);
Variable operator*(double a, const Variable& b);
Variable operator/(const Variable& a, double b);
Variable operator/(double a, const Variable& b);

}  // namespace tg
