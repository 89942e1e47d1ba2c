// Exercise 03: the backward of a matrix product. The declaration; you write the body in
// exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// ∂C/∂A and ∂C/∂B of Y = A B, given G = ∂C/∂Y:
//
//   ∂C/∂A = G Bᵀ      ∂C/∂B = Aᵀ G
//
// (element by element: Y_ij = Σ_k A_ik B_kj, so ∂C/∂A_ik = Σ_j G_ij B_kj, ∂C/∂B_kj = Σ_i A_ik G_ij)
struct MatmulGrads {
  Tensor dA;  // A's shape (m, k)
  Tensor dB;  // B's shape (k, n)
};
// A: (m, k), B: (k, n), G: (m, n)
MatmulGrads matmul_backward(const Tensor& A, const Tensor& B, const Tensor& G);

}  // namespace tg::exercises
