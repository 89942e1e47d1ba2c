// + − × ÷ and unary − (autodiff/ops/arithmetic.cpp): values with Variable and double operands,
// NumPy broadcasting, what requires grad, and the shape errors. (Gradients: test_op_table.cpp.)
#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

// v must have shape `shape` and hold `expected` in row-major order.
void check_values(const Variable& v, const Shape& shape, const std::vector<double>& expected) {
  REQUIRE(v.shape() == shape);
  REQUIRE(v.numel() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(v.value().data()[i] == Approx(expected[i]));
  }
}

// (n, 1) holding the given numbers.
Tensor col(std::initializer_list<double> v) {
  Tensor t = Tensor::from_shape({v.size(), 1});
  std::copy(v.begin(), v.end(), t.begin());
  return t;
}

const Tensor a_values{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
const Tensor b_values{{2.0, 4.0, 8.0}, {1.0, -2.0, 0.5}};

}  // namespace

TEST_CASE("arithmetic: elementwise values of two Variables of the same shape") {
  const Variable a(a_values), b(b_values);
  check_values(a + b, {2, 3}, {3, 6, 11, 5, 3, 6.5});
  check_values(a - b, {2, 3}, {-1, -2, -5, 3, 7, 5.5});
  check_values(a * b, {2, 3}, {2, 8, 24, 4, -10, 3});
  check_values(a / b, {2, 3}, {0.5, 0.5, 0.375, 4, -2.5, 12});
  check_values(-a, {2, 3}, {-1, -2, -3, -4, -5, -6});
  check_values(-(-b), {2, 3}, {2, 4, 8, 1, -2, 0.5});
  // The operands are not modified.
  check_values(a, {2, 3}, {1, 2, 3, 4, 5, 6});
}

TEST_CASE("arithmetic: 0-d operands give 0-d results") {
  const Variable x(3.0), y(4.0);
  check_values(x + y, {}, {7});
  check_values(x - y, {}, {-1});
  check_values(x * y, {}, {12});
  check_values(x / y, {}, {0.75});
  check_values(-x, {}, {-3});
}

TEST_CASE("arithmetic: a double operand applies to every element, on either side") {
  const Variable a(a_values);
  check_values(a + 2.0, {2, 3}, {3, 4, 5, 6, 7, 8});
  check_values(2.0 + a, {2, 3}, {3, 4, 5, 6, 7, 8});
  check_values(a - 2.0, {2, 3}, {-1, 0, 1, 2, 3, 4});
  check_values(2.0 - a, {2, 3}, {1, 0, -1, -2, -3, -4});
  check_values(a * 3.0, {2, 3}, {3, 6, 9, 12, 15, 18});
  check_values(3.0 * a, {2, 3}, {3, 6, 9, 12, 15, 18});
  check_values(a / 4.0, {2, 3}, {0.25, 0.5, 0.75, 1, 1.25, 1.5});
  check_values(6.0 / a, {2, 3}, {6, 3, 2, 1.5, 1.2, 1});
  check_values(Variable(5.0) - 1.5, {}, {3.5});
}

TEST_CASE("arithmetic: broadcasting (3,1) with (1,4) gives (3,4)") {
  const Variable c(col({1.0, 2.0, 3.0}));              // c_i = i + 1
  const Variable r(Tensor{{10.0, 20.0, 30.0, 40.0}});  // r_j = 10 (j + 1)
  const Variable sum = c + r, diff = r - c, prod = c * r, quot = r / c;
  REQUIRE(sum.shape() == Shape{3, 4});
  REQUIRE(diff.shape() == Shape{3, 4});
  REQUIRE(prod.shape() == Shape{3, 4});
  REQUIRE(quot.shape() == Shape{3, 4});
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const double ci = static_cast<double>(i + 1), rj = 10.0 * static_cast<double>(j + 1);
      CHECK(sum.value()(i, j) == Approx(ci + rj));
      CHECK(diff.value()(i, j) == Approx(rj - ci));
      CHECK(prod.value()(i, j) == Approx(ci * rj));
      CHECK(quot.value()(i, j) == Approx(rj / ci));
    }
  }
  // Spot checks written out in full.
  check_values(c + r, {3, 4}, {11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43});
}

TEST_CASE("arithmetic: broadcasting (2,3) with (3) repeats the row") {
  const Variable a(a_values), v(Tensor{10.0, 20.0, 30.0});
  check_values(a + v, {2, 3}, {11, 22, 33, 14, 25, 36});
  check_values(v + a, {2, 3}, {11, 22, 33, 14, 25, 36});
  check_values(v - a, {2, 3}, {9, 18, 27, 6, 15, 24});
  check_values(a - v, {2, 3}, {-9, -18, -27, -6, -15, -24});
  check_values(a * v, {2, 3}, {10, 40, 90, 40, 100, 180});
  check_values(v / a, {2, 3}, {10, 10, 10, 2.5, 4, 5});
  // A 0-d Variable broadcasts to anything.
  check_values(Variable(2.0) * a, {2, 3}, {2, 4, 6, 8, 10, 12});
  check_values(a - Variable(1.0), {2, 3}, {0, 1, 2, 3, 4, 5});
}

TEST_CASE("arithmetic: ops on leaves that do not require grad give constants") {
  const Variable a(a_values), b(b_values);  // requires_grad = false
  const std::vector<Variable> results{a + b,   a - b,   a * b,   a / b,   -a,      a + 1.0, 1.0 + a,
                                      a - 1.0, 1.0 - a, a * 2.0, 2.0 * a, a / 2.0, 2.0 / a};
  for (std::size_t k = 0; k < results.size(); ++k) {
    CAPTURE(k);
    CHECK_FALSE(results[k].requires_grad());
    CHECK(results[k].is_leaf());
  }
}

TEST_CASE("arithmetic: one input requiring grad makes the result require grad") {
  const Variable a(a_values, true), b(b_values);
  const std::vector<Variable> results{a + b, b + a, a - b,   b - a,   a * b,   b * a,  a / b,
                                      b / a, -a,    a + 1.0, 1.0 - a, 2.0 * a, 2.0 / a};
  for (std::size_t k = 0; k < results.size(); ++k) {
    CAPTURE(k);
    CHECK(results[k].requires_grad());
    CHECK_FALSE(results[k].is_leaf());
  }
  CHECK((a + b).op_name() == "add");
  CHECK((a - b).op_name() == "sub");
  CHECK((a * b).op_name() == "mul");
  CHECK((a / b).op_name() == "div");
  CHECK((-a).op_name() == "neg");
}

TEST_CASE("arithmetic: shapes that do not broadcast are a shape_error naming the op and both shapes") {
  const Variable a(a_values), d(Tensor{1.0, 2.0, 3.0, 4.0});  // (2,3) and (4)
  CHECK_THROWS_AS(a + d, tg::shape_error);
  CHECK_THROWS_WITH_AS(a + d, doctest::Contains("add"), tg::shape_error);
  CHECK_THROWS_WITH_AS(a + d, doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(a + d, doctest::Contains("(4)"), tg::shape_error);

  CHECK_THROWS_WITH_AS(a - d, doctest::Contains("sub"), tg::shape_error);
  CHECK_THROWS_WITH_AS(a - d, doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(a * d, doctest::Contains("mul"), tg::shape_error);
  CHECK_THROWS_WITH_AS(a * d, doctest::Contains("(4)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(d / a, doctest::Contains("div"), tg::shape_error);
  CHECK_THROWS_WITH_AS(d / a, doctest::Contains("(2,3)"), tg::shape_error);

  // (3,1) and (2,4): 3 against 2 on the first axis.
  const Variable c(col({1.0, 2.0, 3.0})), e(Tensor{{1.0, 2.0, 3.0, 4.0}, {5.0, 6.0, 7.0, 8.0}});
  CHECK_THROWS_WITH_AS(c + e, doctest::Contains("(3,1)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(c + e, doctest::Contains("(2,4)"), tg::shape_error);
}

TEST_CASE("arithmetic: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable a(tg::filled({2, 3}, 1.0)), d(tg::filled({4}, 1.0));
  tg::test::check_bad_inputs({
      {"add: extents 3 and 4", [&] { (void)(a + d); }, TG_ERROR(tg::shape_error),
       "add: (2,3) and (4) cannot be broadcast together: extents 3 and 4 differ on axis -1"},
      {"sub: extents 3 and 4", [&] { (void)(d - a); }, TG_ERROR(tg::shape_error),
       "sub: (4) and (2,3) cannot be broadcast"},
      {"mul: (3,1) and (2,4) on axis −2",
       [] {
         (void)(Variable(tg::filled({3, 1}, 1.0)) * Variable(tg::filled({2, 4}, 1.0)));
       },
       TG_ERROR(tg::shape_error),
       "mul: (3,1) and (2,4) cannot be broadcast together: extents 3 and 2 differ on axis -2"},
      {"div: extents 4 and 3", [&] { (void)(d / a); }, TG_ERROR(tg::shape_error),
       "div: (4) and (2,3) cannot be broadcast"},
      {"add: an empty Variable", [&] { (void)(a + Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
      {"neg: an empty Variable", [] { (void)(-Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
      {"mul by a double: an empty Variable", [] { (void)(2.0 * Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
  });
  // Division by zero is numerics, not an error: IEEE's ±inf (autodiff/ops/arithmetic.hpp).
  CHECK((1.0 / Variable(0.0)).item() == std::numeric_limits<double>::infinity());
}
