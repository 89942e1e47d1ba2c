// Matrix products (autodiff/ops/linalg.cpp): matmul against a plain triple loop, its 1-D forms
// (NumPy's rules), the transpose flags against explicit tg::transpose, the shape errors, and
// the textbook gradients of Y = A B — ∂C/∂A = G Bᵀ, ∂C/∂B = Aᵀ G — worked out with loops.
#include <doctest/doctest.h>

#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/tensors.hpp"
#include "support/random.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;
using tg::test::check_tensor;

namespace {

// a and b must have the same shape and (nearly) the same numbers.
void check_close(const Tensor& a, const Tensor& b) {
  REQUIRE(tg::shape_of(a) == tg::shape_of(b));
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a.data()[i] == Approx(b.data()[i]));
  }
}

// C = A B by the definition: C_ij = Σ_k A_ik B_kj.   A: (m,k), B: (k,n) -> (m,n)
Tensor loop_matmul(const Tensor& a, const Tensor& b) {
  const std::size_t m = a.shape()[0], kk = a.shape()[1], n = b.shape()[1];
  Tensor c = tg::filled({m, n}, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t k = 0; k < kk; ++k) c(i, j) += a(i, k) * b(k, j);
  return c;
}

// Aᵀ by the definition.
Tensor loop_transpose(const Tensor& a) {
  Tensor t = Tensor::from_shape({a.shape()[1], a.shape()[0]});
  for (std::size_t i = 0; i < a.shape()[0]; ++i)
    for (std::size_t j = 0; j < a.shape()[1]; ++j) t(j, i) = a(i, j);
  return t;
}

const Tensor A{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};  // (2,3)
const Tensor B{{1.0, 0.0, -1.0, 2.0},              // (3,4)
               {3.0, 1.0, 0.0, -2.0},
               {0.5, 2.0, 1.0, 1.0}};

}  // namespace

TEST_CASE("linalg: (2,3) @ (3,4) matches numbers worked out by hand") {
  const Variable y = tg::matmul(Variable(A), Variable(B));
  // Row 0: [1+6+1.5, 0+2+6, −1+0+3, 2−4+3];  row 1: [4+15+3, 0+5+12, −4+0+6, 8−10+6].
  check_tensor(y.value(), {2, 4}, {8.5, 8, 2, 1, 22, 17, 2, 4});
  check_close(y.value(), loop_matmul(A, B));
}

TEST_CASE("linalg: matmul of random matrices matches a triple loop") {
  const Tensor a = tg::test::random_tensor({5, 7}, tg::test::Domain::any, 11);
  const Tensor b = tg::test::random_tensor({7, 3}, tg::test::Domain::any, 12);
  check_close(tg::matmul(Variable(a), Variable(b)).value(), loop_matmul(a, b));
  // A single row and a single column: an outer product and an inner product.
  const Tensor r = tg::test::random_tensor({4, 1}, tg::test::Domain::any, 13);
  const Tensor s = tg::test::random_tensor({1, 6}, tg::test::Domain::any, 14);
  check_close(tg::matmul(Variable(r), Variable(s)).value(), loop_matmul(r, s));
  check_close(tg::matmul(Variable(s), Variable(loop_transpose(s))).value(),
              loop_matmul(s, loop_transpose(s)));
}

TEST_CASE("linalg: 1-D operands follow NumPy: a row on the left, a column on the right") {
  // (3) @ (3,4) -> (4): the row [1, 2, 3] times B is row 0 of A B.
  check_tensor(tg::matmul(Variable(Tensor{1.0, 2.0, 3.0}), Variable(B)).value(), {4}, {8.5, 8, 2, 1});
  // (2,3) @ (3) -> (2): [1−3, 4−6].
  check_tensor(tg::matmul(Variable(A), Variable(Tensor{1.0, 0.0, -1.0})).value(), {2}, {-2, -2});
  // (3) @ (3) -> (): the dot product 4 + 10 + 18.
  const Variable d = tg::matmul(Variable(Tensor{1.0, 2.0, 3.0}), Variable(Tensor{4.0, 5.0, 6.0}));
  check_tensor(d.value(), {}, {32});
  CHECK(d.value().dimension() == 0);
}

TEST_CASE("linalg: transpose flags give the same numbers as an explicit tg::transpose") {
  const Tensor p = tg::test::random_tensor({3, 2}, tg::test::Domain::any, 21);  // Aᵀ stored: (3,2)
  const Tensor q = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 22);
  const Tensor r = tg::test::random_tensor({2, 3}, tg::test::Domain::any, 23);
  const Tensor s = tg::test::random_tensor({4, 3}, tg::test::Domain::any, 24);  // Bᵀ stored: (4,3)
  const Variable P(p), Q(q), R(r), S(s);

  // pᵀ q: (2,3) @ (3,4)
  const Variable tn = tg::matmul(P, Q, true, false);
  check_close(tn.value(), loop_matmul(loop_transpose(p), q));
  check_close(tn.value(), tg::matmul(tg::transpose(P), Q).value());
  // r sᵀ: (2,3) @ (3,4)
  const Variable nt = tg::matmul(R, S, false, true);
  check_close(nt.value(), loop_matmul(r, loop_transpose(s)));
  check_close(nt.value(), tg::matmul(R, tg::transpose(S)).value());
  // pᵀ sᵀ: (2,3) @ (3,4)
  const Variable tt = tg::matmul(P, S, true, true);
  check_close(tt.value(), loop_matmul(loop_transpose(p), loop_transpose(s)));
  check_close(tt.value(), tg::matmul(tg::transpose(P), tg::transpose(S)).value());
  // No flags: the plain product.
  check_close(tg::matmul(R, Q, false, false).value(), loop_matmul(r, q));
}

TEST_CASE("linalg: gradients through transpose flags equal those through explicit transposes") {
  const Tensor p = tg::test::random_tensor({3, 2}, tg::test::Domain::any, 31);
  const Tensor s = tg::test::random_tensor({4, 3}, tg::test::Domain::any, 32);
  const Tensor g = tg::test::random_tensor({2, 4}, tg::test::Domain::any, 33);
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      const Tensor pv = ta ? p : loop_transpose(p);  // (3,2) read transposed, or (2,3)
      const Tensor sv = tb ? s : loop_transpose(s);  // (4,3) read transposed, or (3,4)
      Variable a1(pv, true), b1(sv, true), a2(pv, true), b2(sv, true);
      tg::matmul(a1, b1, ta, tb).backward(g);
      const Variable ea = ta ? tg::transpose(a2) : a2, eb = tb ? tg::transpose(b2) : b2;
      tg::matmul(ea, eb).backward(g);
      check_close(a1.grad(), a2.grad());
      check_close(b1.grad(), b2.grad());
    }
  }
}

TEST_CASE("linalg: inner dimensions that differ are an exact, readable error") {
  const Variable a(tg::filled({2, 3}, 1.0)), b(tg::filled({4, 5}, 1.0));
  CHECK_THROWS_AS(tg::matmul(a, b), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(a, b), "matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ",
                       tg::shape_error);
  // With a flag, the transposed operand is marked .T and its transposed extent is used.
  CHECK_THROWS_WITH_AS(tg::matmul(a, b, true, false),
                       "matmul: (2,3).T @ (4,5): inner dimensions 2 and 4 differ", tg::shape_error);
}

TEST_CASE("linalg: 1-D operands with mismatched lengths name the shapes the user passed") {
  const Variable v3(tg::filled({3}, 1.0)), v4(tg::filled({4}, 1.0));
  const Variable m23(tg::filled({2, 3}, 1.0)), m45(tg::filled({4, 5}, 1.0));
  CHECK_THROWS_WITH_AS(tg::matmul(v3, m45), "matmul: (3) @ (4,5): inner dimensions 3 and 4 differ",
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(v3, v4), "matmul: (3) @ (4): inner dimensions 3 and 4 differ",
                       tg::shape_error);
  // The right operand is (4), not the (4,1) column it is turned into internally.
  CHECK_THROWS_WITH_AS(tg::matmul(m23, v4), "matmul: (2,3) @ (4): inner dimensions 3 and 4 differ",
                       tg::shape_error);
}

TEST_CASE("linalg: 0-d and 3-D operands are rejected, naming both shapes") {
  const Variable a3(tg::filled({2, 3, 4}, 1.0)), b2(tg::filled({4, 5}, 1.0));
  CHECK_THROWS_WITH_AS(tg::matmul(a3, b2), doctest::Contains("matmul"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(a3, b2), doctest::Contains("(2,3,4)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(a3, b2), doctest::Contains("(4,5)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(b2, Variable(tg::filled({5, 2, 3}, 1.0))), doctest::Contains("(5,2,3)"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::matmul(Variable(2.0), b2), doctest::Contains("()"), tg::shape_error);
  // The flagged form takes 2-D operands only.
  CHECK_THROWS_WITH_AS(tg::matmul(Variable(tg::filled({3}, 1.0)), b2, true, false), doctest::Contains("(3)"),
                       tg::shape_error);
  CHECK_THROWS_AS(tg::matmul(a3, b2, false, false), tg::shape_error);
}

TEST_CASE("linalg: for Y = A B with seed G, A.grad = G Bᵀ and B.grad = Aᵀ G") {
  const Tensor g{{1.0, -1.0, 2.0, 0.5}, {0.0, 3.0, -2.0, 1.0}};  // (2,4), the shape of Y
  Variable a(A, true), b(B, true);
  tg::matmul(a, b).backward(g);
  // By hand: (G Bᵀ)_ik = Σ_j G_ij B_kj,  (Aᵀ G)_kj = Σ_i A_ik G_ij.
  Tensor ga = tg::filled({2, 3}, 0.0), gb = tg::filled({3, 4}, 0.0);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      for (std::size_t k = 0; k < 3; ++k) {
        ga(i, k) += g(i, j) * B(k, j);
        gb(k, j) += A(i, k) * g(i, j);
      }
  check_close(a.grad(), ga);
  check_close(b.grad(), gb);
  // Row 0 of G Bᵀ written out: [1−0−2+1, 3−1+0−1, 0.5−2+2+0.5].
  CHECK(a.grad()(0, 0) == Approx(0.0));
  CHECK(a.grad()(0, 1) == Approx(1.0));
  CHECK(a.grad()(0, 2) == Approx(1.0));
}

TEST_CASE("linalg: gradients of the 1-D forms have the operands' own shapes") {
  // y = v B, v: (3) -> (4); with seed g: v.grad = B g (3),  B.grad = v gᵀ (3,4).
  Variable v(Tensor{1.0, 2.0, 3.0}, true), b(B, true);
  const Tensor g{1.0, 0.0, -1.0, 2.0};
  tg::matmul(v, b).backward(g);
  // B g: [1+1+4, 3+0−4, 0.5−1+2]
  check_tensor(v.grad(), {3}, {6, -1, 1.5});
  REQUIRE(b.grad().dimension() == 2);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t j = 0; j < 4; ++j) CHECK(b.grad()(k, j) == Approx(v.value()(k) * g(j)));

  // d = u · w -> (); d.backward() gives u.grad = w, w.grad = u.
  Variable u(Tensor{1.0, 2.0, 3.0}, true), w(Tensor{4.0, 5.0, 6.0}, true);
  tg::matmul(u, w).backward();
  check_tensor(u.grad(), {3}, {4, 5, 6});
  check_tensor(w.grad(), {3}, {1, 2, 3});
}

TEST_CASE("matmul: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable m23(tg::filled({2, 3}, 1.0)), m45(tg::filled({4, 5}, 1.0));
  tg::test::check_bad_inputs({
      {"inner sizes 3 and 4", [&] { (void)tg::matmul(m23, m45); }, TG_ERROR(tg::shape_error),
       "matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ"},
      {"3-D operand",
       [&] {
         (void)tg::matmul(Variable(tg::filled({2, 3, 4}, 1.0)), m45);
       },
       TG_ERROR(tg::shape_error), "matmul: (2,3,4) @ (4,5): operands must be 1-D or 2-D"},
      {"0-d operand", [&] { (void)tg::matmul(m23, Variable(1.0)); }, TG_ERROR(tg::shape_error),
       "matmul: (2,3) @ (): operands must be 1-D or 2-D"},
      {"flags: 1-D operand", [&] { (void)tg::matmul(Variable(tg::filled({3}, 1.0)), m45, false, true); },
       TG_ERROR(tg::shape_error), "matmul: (3) @ (4,5).T: operands must be 2-D"},
      {"flags: inner sizes of the transposed operands", [&] { (void)tg::matmul(m23, m45, false, true); },
       TG_ERROR(tg::shape_error), "matmul: (2,3) @ (4,5).T: inner dimensions 3 and 5 differ"},
      {"an empty Variable", [&] { (void)tg::matmul(m23, Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
  });
}
