// Exercise 03's check: your matmul_backward against a worked example, loops written element by
// element, and the gradients tapegrad's engine gives A and B in C = Σ G ⊙ (A B), on shapes that
// change from run to run. Run: scripts/grade.sh 03
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "matmul_backward.hpp"

namespace ex = tg::exercises;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint =
    "∂C/∂A = G Bᵀ and ∂C/∂B = Aᵀ G: sums over the shared index, with no 1/m (the product is not a mean)";

std::string shapes(std::size_t m, std::size_t k, std::size_t n) {
  return "A (" + std::to_string(m) + "," + std::to_string(k) + "), B (" + std::to_string(k) + "," +
         std::to_string(n) + ")";
}

void check(const ex::MatmulGrads& got, const Tensor& dA, const Tensor& dB, const std::string& input) {
  ex::expect_close("∂C/∂A", input, got.dA, dA, hint, 1e-12);
  ex::expect_close("∂C/∂B", input, got.dB, dB, hint, 1e-12);
}

}  // namespace

TEST_CASE("03 matmul backward: a worked example") {
  // A = [[1, 2], [3, 4]], B = [[1], [1]], G = [[1], [2]]:  G Bᵀ = [[1, 1], [2, 2]], Aᵀ G = [[7], [10]]
  const Tensor A = {{1.0, 2.0}, {3.0, 4.0}}, B = tg::column({1.0, 1.0}), G = tg::column({1.0, 2.0});
  check(ex::matmul_backward(A, B, G), Tensor{{1.0, 1.0}, {2.0, 2.0}}, tg::column({7.0, 10.0}),
        "A = [[1, 2], [3, 4]], B = [[1], [1]], G = [[1], [2]]");
}

TEST_CASE("03 matmul backward: loops, element by element, on random shapes") {
  std::mt19937_64 rng = ex::rng_for(301);
  for (int c = 0; c < 4; ++c) {
    const std::size_t m = ex::random_size(rng, 2, 5), k = ex::random_size(rng, 1, 5),
                      n = ex::random_size(rng, 1, 5);
    const Tensor A = ex::random_tensor({m, k}, -1, 1, rng), B = ex::random_tensor({k, n}, -1, 1, rng),
                 G = ex::random_tensor({m, n}, -1, 1, rng);
    Tensor dA = tg::filled({m, k}, 0.0), dB = tg::filled({k, n}, 0.0);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t q = 0; q < k; ++q) {
          dA(i, q) += G(i, j) * B(q, j);  // ∂C/∂A_iq = Σ_j G_ij B_qj
          dB(q, j) += A(i, q) * G(i, j);  // ∂C/∂B_qj = Σ_i A_iq G_ij
        }
    check(ex::matmul_backward(A, B, G), dA, dB, "random " + shapes(m, k, n) + ", against loops");
  }
}

TEST_CASE("03 matmul backward: the engine's gradients of C = Σ G ⊙ (A B)") {
  std::mt19937_64 rng = ex::rng_for(302);
  for (int c = 0; c < 4; ++c) {
    const std::size_t m = ex::random_size(rng, 2, 6), k = ex::random_size(rng, 1, 6),
                      n = ex::random_size(rng, 1, 6);
    Variable A(ex::random_tensor({m, k}, -1, 1, rng), true), B(ex::random_tensor({k, n}, -1, 1, rng), true);
    const Tensor G = ex::random_tensor({m, n}, -1, 1, rng);
    tg::sum(Variable(G) * tg::matmul(A, B)).backward();
    check(ex::matmul_backward(A.value(), B.value(), G), A.grad(), B.grad(),
          "random " + shapes(m, k, n) + ", against the engine");
  }
}
