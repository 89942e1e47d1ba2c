// gemm (autodiff/blas.cpp): C = op(A) op(B) by one cblas_dgemm call, for every combination of the
// transpose flags, against a plain triple loop; empty products; and the shape errors.
#include <doctest/doctest.h>

#include <cstddef>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"

using tg::Shape;
using tg::Tensor;

namespace {

// A or Aᵀ as a new tensor, by loops.
Tensor maybe_transposed(const Tensor& a, bool t) {
  if (!t) return a;
  Tensor out = Tensor::from_shape({a.shape()[1], a.shape()[0]});
  for (std::size_t i = 0; i < a.shape()[0]; ++i)
    for (std::size_t j = 0; j < a.shape()[1]; ++j) out(j, i) = a(i, j);
  return out;
}

// A B by the definition, C_ij = Σ_k A_ik B_kj.
Tensor product(const Tensor& a, const Tensor& b) {
  Tensor c = tg::filled({a.shape()[0], b.shape()[1]}, 0.0);
  for (std::size_t i = 0; i < a.shape()[0]; ++i)
    for (std::size_t j = 0; j < b.shape()[1]; ++j)
      for (std::size_t k = 0; k < a.shape()[1]; ++k) c(i, j) += a(i, k) * b(k, j);
  return c;
}

}  // namespace

TEST_CASE("gemm: op(A) op(B) for every pair of transpose flags equals the triple loop") {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      // op(A): (2, 3), op(B): (3, 4)
      const Tensor a = tg::test::random_tensor(ta ? Shape{3, 2} : Shape{2, 3}, tg::test::Domain::any, 1);
      const Tensor b = tg::test::random_tensor(tb ? Shape{4, 3} : Shape{3, 4}, tg::test::Domain::any, 2);
      const Tensor c = tg::gemm(a, ta, b, tb);
      const Tensor expected = product(maybe_transposed(a, ta), maybe_transposed(b, tb));
      REQUIRE(tg::shape_of(c) == Shape{2, 4});
      for (std::size_t i = 0; i < c.size(); ++i)
        CHECK(c.data()[i] == doctest::Approx(expected.data()[i]).epsilon(1e-14));
    }
  }
}

TEST_CASE("gemm: an inner size of 0 gives zeros, an outer size of 0 an empty result") {
  CHECK(tg::gemm(Tensor::from_shape({2, 0}), false, Tensor::from_shape({0, 3}), false) ==
        tg::filled({2, 3}, 0.0));
  CHECK(tg::shape_of(tg::gemm(Tensor::from_shape({0, 2}), false, tg::filled({2, 3}, 1.0), false)) ==
        Shape{0, 3});
}

TEST_CASE("gemm: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Tensor m23 = tg::filled({2, 3}, 1.0), m45 = tg::filled({4, 5}, 1.0);
  tg::test::check_bad_inputs({
      {"inner sizes 3 and 4", [&] { (void)tg::gemm(m23, false, m45, false); }, TG_ERROR(tg::shape_error),
       "matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ"},
      {"inner sizes of transposed operands", [&] { (void)tg::gemm(m23, true, m45, true); },
       TG_ERROR(tg::shape_error), "matmul: (2,3).T @ (4,5).T: inner dimensions 2 and 5 differ"},
      {"a 1-D operand", [&] { (void)tg::gemm(tg::filled({3}, 1.0), false, m45, false); },
       TG_ERROR(tg::shape_error), "matmul: (3) @ (4,5): operands must be 2-D"},
      {"a 3-D operand",
       [&] {
         (void)tg::gemm(m23, false, tg::filled({3, 4, 5}, 1.0), false);
       },
       TG_ERROR(tg::shape_error), "matmul: (2,3) @ (3,4,5): operands must be 2-D"},
      {"a 0-d operand", [&] { (void)tg::gemm(tg::scalar_tensor(2.0), false, m23, false); },
       TG_ERROR(tg::shape_error), "matmul: () @ (2,3): operands must be 2-D"},
  });
}
