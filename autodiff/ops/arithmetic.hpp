// + − × ÷ and negation, elementwise with NumPy broadcasting.
// A double operand is a constant: it applies to every element and gets no gradient.
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
