// Reductions (autodiff/ops/reduce.cpp): sum, mean and max over everything and along an axis
// (0, 1, −1), with and without keepdims — values and result shapes; an axis out of range;
// and two gradients worth seeing by hand: max sends it to the FIRST maximum, mean spreads 1/n.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/tensors.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;
using tg::test::check_tensor;
using tg::test::iota;

namespace {

const Tensor x_values{{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}};

}  // namespace

TEST_CASE("reduce: sum over everything and along an axis") {
  const Variable x(x_values);
  check_tensor(tg::sum(x).value(), {}, {21});
  check_tensor(tg::sum(x, 0).value(), {3}, {5, 7, 9});
  check_tensor(tg::sum(x, 0, true).value(), {1, 3}, {5, 7, 9});
  check_tensor(tg::sum(x, 1).value(), {2}, {9, 12});
  check_tensor(tg::sum(x, 1, true).value(), {2, 1}, {9, 12});
  check_tensor(tg::sum(x, -1).value(), {2}, {9, 12});
  check_tensor(tg::sum(x, -1, true).value(), {2, 1}, {9, 12});
  check_tensor(tg::sum(x, -2).value(), {3}, {5, 7, 9});
  // 1-D along its only axis gives 0-d; with keepdims, (1).
  check_tensor(tg::sum(Variable(Tensor{1.0, 2.0, 3.0}), 0).value(), {}, {6});
  check_tensor(tg::sum(Variable(Tensor{1.0, 2.0, 3.0}), 0, true).value(), {1}, {6});
  // 0-d
  check_tensor(tg::sum(Variable(2.5)).value(), {}, {2.5});
}

TEST_CASE("reduce: sum and mean along the middle axis of a 3-D tensor") {
  // x(i,j,k) = 1 + 12i + 4j + k, shape (2,3,4):
  //   Σ_j x = 3(1 + 12i + k) + 4(0 + 1 + 2) = 15 + 36i + 3k;   mean = 5 + 12i + k.
  const Variable x(iota({2, 3, 4}));
  const Tensor s = tg::sum(x, 1).value(), m = tg::mean(x, 1).value();
  REQUIRE(tg::shape_of(s) == Shape{2, 4});
  REQUIRE(tg::shape_of(m) == Shape{2, 4});
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 4; ++k) {
      CHECK(s(i, k) == Approx(15.0 + 36.0 * i + 3.0 * k));
      CHECK(m(i, k) == Approx(5.0 + 12.0 * i + k));
    }
  }
  CHECK(tg::sum(x, 1, true).shape() == Shape{2, 1, 4});
  // Σ over everything = 24·25/2.
  CHECK(tg::sum(x).item() == Approx(300.0));
}

TEST_CASE("reduce: mean over everything and along an axis") {
  const Variable x(x_values);
  check_tensor(tg::mean(x).value(), {}, {3.5});
  check_tensor(tg::mean(x, 0).value(), {3}, {2.5, 3.5, 4.5});
  check_tensor(tg::mean(x, 0, true).value(), {1, 3}, {2.5, 3.5, 4.5});
  check_tensor(tg::mean(x, 1).value(), {2}, {3, 4});
  check_tensor(tg::mean(x, -1).value(), {2}, {3, 4});
  check_tensor(tg::mean(x, -1, true).value(), {2, 1}, {3, 4});
  check_tensor(tg::mean(Variable(2.5)).value(), {}, {2.5});
}

TEST_CASE("reduce: max over everything and along an axis") {
  const Variable x(x_values);
  check_tensor(tg::max(x).value(), {}, {6});
  check_tensor(tg::max(x, 0).value(), {3}, {4, 5, 6});
  check_tensor(tg::max(x, 0, true).value(), {1, 3}, {4, 5, 6});
  check_tensor(tg::max(x, 1).value(), {2}, {5, 6});
  check_tensor(tg::max(x, -1).value(), {2}, {5, 6});
  check_tensor(tg::max(x, -1, true).value(), {2, 1}, {5, 6});
  // All negative: the maximum is −1, not 0.
  check_tensor(tg::max(Variable(Tensor{-3.0, -1.0, -2.0})).value(), {}, {-1});
  check_tensor(tg::max(Variable(Tensor{{-3.0, -1.0}, {-2.0, -5.0}}), 0).value(), {2}, {-2, -1});
  check_tensor(tg::max(Variable(2.5)).value(), {}, {2.5});
  // 3-D along the middle axis: x(i,j,k) = 1 + 12i + 4j + k peaks at j = 2.
  check_tensor(tg::max(Variable(iota({2, 3, 4})), 1).value(), {2, 4}, {9, 10, 11, 12, 21, 22, 23, 24});
}

TEST_CASE("reduce: an axis out of range names the op, the axis and the shape") {
  const Variable x(x_values);  // (2,3)
  CHECK_THROWS_AS(tg::sum(x, 2), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum(x, 2), doctest::Contains("sum"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum(x, 2), doctest::Contains("axis 2"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum(x, 2), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum(x, -3, true), doctest::Contains("axis -3"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::mean(x, 2), doctest::Contains("mean"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::mean(x, -3), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::max(x, 5), doctest::Contains("max"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::max(x, 5), doctest::Contains("axis 5"), tg::shape_error);
  // A 0-d tensor has no axis 0.
  CHECK_THROWS_WITH_AS(tg::sum(Variable(1.0), 0), doctest::Contains("()"), tg::shape_error);
}

TEST_CASE("reduce: max of nothing is an error, not -inf") {
  CHECK_THROWS_WITH_AS(tg::max(Variable(Tensor::from_shape({0}))), doctest::Contains("max"), tg::shape_error);
  CHECK_THROWS_AS(tg::max(Variable(Tensor::from_shape({2, 0})), 1), tg::shape_error);
}

TEST_CASE("reduce: sum's gradient is 1 for every element") {
  Variable x(x_values, true);
  tg::sum(x).backward();
  check_tensor(x.grad(), {2, 3}, {1, 1, 1, 1, 1, 1});

  Variable y(x_values, true);
  tg::sum(y, 1).backward(Tensor{10.0, 20.0});  // row i gets seed i
  check_tensor(y.grad(), {2, 3}, {10, 10, 10, 20, 20, 20});
}

TEST_CASE("reduce: mean's gradient is 1/n") {
  Variable x(x_values, true);
  tg::mean(x).backward();
  for (double g : x.grad()) CHECK(g == Approx(1.0 / 6.0));

  Variable y(x_values, true);
  tg::mean(y, 0).backward(tg::filled({3}, 1.0));  // n = 2 rows
  check_tensor(y.grad(), {2, 3}, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5});

  Variable z(x_values, true);
  tg::mean(z, -1, true).backward(tg::filled({2, 1}, 1.0));  // n = 3 columns
  for (double g : z.grad()) CHECK(g == Approx(1.0 / 3.0));
}

TEST_CASE("reduce: max sends the gradient to the FIRST maximum on ties") {
  // Along axis 1: row 0 ties at columns 0 and 2, row 1 at columns 0 and 1.
  Variable x(Tensor{{3.0, 1.0, 3.0}, {2.0, 2.0, 0.0}}, true);
  const Variable m = tg::max(x, 1);
  check_tensor(m.value(), {2}, {3, 2});
  m.backward(Tensor{10.0, 20.0});
  check_tensor(x.grad(), {2, 3}, {10, 0, 0, 20, 0, 0});

  // Along axis 0, keepdims: column 0 ties.
  Variable y(Tensor{{5.0, 1.0}, {5.0, 7.0}}, true);
  tg::max(y, 0, true).backward(Tensor{{1.0, 2.0}});
  check_tensor(y.grad(), {2, 2}, {1, 0, 0, 2});

  // Over everything: the first maximum in row-major order.
  Variable z(Tensor{{1.0, 4.0}, {4.0, 0.0}}, true);
  tg::max(z).backward();
  check_tensor(z.grad(), {2, 2}, {0, 1, 0, 0});

  // No tie: the unique maximum.
  Variable w(Tensor{-1.0, 3.0, 2.0}, true);
  tg::max(w).backward();
  check_tensor(w.grad(), {3}, {0, 1, 0});
}

TEST_CASE("reductions: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable x(iota({2, 3}));
  tg::test::check_bad_inputs({
      {"sum: axis 2 of a matrix", [&] { (void)tg::sum(x, 2); }, TG_ERROR(tg::shape_error),
       "sum: axis 2 is out of range for shape (2,3)"},
      {"mean: axis of a 0-d Variable", [] { (void)tg::mean(Variable(1.0), 0); }, TG_ERROR(tg::shape_error),
       "mean: axis 0 is out of range for shape ()"},
      {"max: axis −3 of a matrix, keepdims", [&] { (void)tg::max(x, -3, true); }, TG_ERROR(tg::shape_error),
       "max: axis -3 is out of range for shape (2,3)"},
      {"max: of an empty tensor", [] { (void)tg::max(Variable(Tensor::from_shape({0}))); },
       TG_ERROR(tg::shape_error), "max: axis 0 of (0) is empty"},
      {"max: along an empty axis",
       [] {
         (void)tg::max(Variable(Tensor::from_shape({3, 0})), -1);
       },
       TG_ERROR(tg::shape_error), "max: axis 1 of (3,0) is empty"},
      {"sum: of an empty Variable", [] { (void)tg::sum(Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
  });
  // The mean of nothing is NaN, as in NumPy: numerics, not an error (autodiff/ops/reduce.hpp).
  CHECK(std::isnan(tg::mean(Variable(Tensor::from_shape({0}))).item()));
}
