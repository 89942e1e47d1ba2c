// Matrix products on plain Tensors, by BLAS. The matmul op and nn::backprop both use it.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg {

// C = op(A) op(B), op transposing when its flag is set, by one cblas_dgemm call (in the
// WebAssembly build, detail::plain_gemm); no transposed copy is made.   op(A): (m, k), op(B): (k, n) -> C: (m, n)
// Both operands must be 2-D; a mismatch throws tg::shape_error naming both shapes.
Tensor gemm(const Tensor& a, bool transpose_a, const Tensor& b, bool transpose_b);

}  // namespace tg
