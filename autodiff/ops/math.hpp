// Elementwise functions of one tensor (and pow), with their derivatives.
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

Variable exp(const Variable& x);                      // y = eˣ
Variable log(const Variable& x);                      // y = ln x
Variable pow(const Variable& x, double p);            // y = xᵖ
Variable pow(const Variable& x, const Variable& p);   // y = xᵖ (x > 0 where p needs a gradient)
Variable sqrt(const Variable& x);                     // y = √x
Variable abs(const Variable& x);                      // y = |x|
Variable tanh(const Variable& x);                     // y = tanh x
Variable sigmoid(const Variable& x);                  // y = σ(x) = 1 / (1 + e⁻ˣ)
Variable relu(const Variable& x);                     // y = max(x, 0)
Variable softplus(const Variable& x);                 // y = ln(1 + eˣ), stable for any x
Variable erf(const Variable& x);                      // y = erf x = (2/√π) ∫₀ˣ e^{−t²} dt

}  // namespace tg
