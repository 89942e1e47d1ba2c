// Elementwise functions of one tensor (and pow), with their derivatives.
//
// Inputs outside a function's domain are numerics, not errors: as in the C++ standard library
// and NumPy, log of a negative number, sqrt of a negative number and pow of a negative base
// with a fractional exponent give NaN (log 0 gives −inf), and so may their gradients.
// detect_anomaly turns such a value into an anomaly_error naming the op.
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

Variable exp(const Variable& x);            // y = eˣ
Variable log(const Variable& x);            // y = ln x
Variable pow(const Variable& x, double p);  // y = xᵖ
// y = xᵖ; x and p broadcast (tg::shape_error otherwise). Where p needs a gradient,
// ∂y/∂p = y ln x needs x > 0 (NaN otherwise, as log).
Variable pow(const Variable& x, const Variable& p);
Variable sqrt(const Variable& x);     // y = √x
Variable abs(const Variable& x);      // y = |x|
Variable tanh(const Variable& x);     // y = tanh x
Variable sigmoid(const Variable& x);  // y = σ(x) = 1 / (1 + e⁻ˣ)
Variable relu(const Variable& x);     // y = max(x, 0)
// relu's derivative as an op: y = u ⊙ [x > 0], u and x of one shape (tg::shape_error otherwise).
Variable relu_grad(const Variable& u, const Variable& x);
Variable softplus(const Variable& x);  // y = ln(1 + eˣ), stable for any x
Variable erf(const Variable& x);       // y = erf x = (2/√π) ∫₀ˣ e^{−t²} dt

}  // namespace tg
