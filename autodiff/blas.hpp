// Matrix products on plain Tensors, by BLAS. The matmul op and nn::backprop both use it.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg {

// C = op(A) op(B), op transposing when its flag is set, by one cblas_dgemm call; no
// transposed copy is made.   op(A): (m, k), op(B): (k, n) -> C: (m, n)
// Both operands must be 2-D; a mismatch throws tg::shape_error naming both shapes.
Tensor gemm(const Tensor& a, bool transpose_a, const Tensor& b, bool transpose_b);

// C = op(A) op(B) + β C on contiguous row-major buffers, by one cblas_dgemm call: op(A) is
// (m, k), op(B) (k, n), C (m, n); A is stored (m, k), or (k, m) when transposed, and so is B.
// For kernels that multiply parts of tensors (the convolution, one example at a time).
void gemm_into(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
               const double* a, const double* b, double beta, double* c);

}  // namespace tg
