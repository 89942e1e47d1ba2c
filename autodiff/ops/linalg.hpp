// Matrix products, computed by BLAS (cblas_dgemm).
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

// NumPy's matmul for 1-D and 2-D operands:  (m,k) @ (k,n) -> (m,n);  a 1-D left operand is a
// row (k) @ (k,n) -> (n), a 1-D right operand a column (m,k) @ (k) -> (m).
// Other ranks, or inner sizes that differ, throw tg::shape_error naming both shapes.
Variable matmul(const Variable& a, const Variable& b);

// op(a) @ op(b) for 2-D a and b, where op transposes when its flag is set; no transposed copy
// is made (BLAS reads the operand transposed). matmul(d, a, false, true) is δ aᵀ.
// Both must be 2-D with op(a)'s columns = op(b)'s rows (tg::shape_error otherwise).
Variable matmul(const Variable& a, const Variable& b, bool transpose_a, bool transpose_b);

}  // namespace tg
