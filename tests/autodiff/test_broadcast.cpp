// Broadcasting on plain Tensors (autodiff/broadcast.cpp): the shape NumPy's rules give, and
// the error when there is none; broadcast_to and its adjoint sum_to, checked against numbers
// worked out by hand; the max along an axis and the mask of its (first) maximum.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/tensors.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::test::check_tensor;
using tg::test::iota;

namespace {

// (n, 1) holding the given numbers.
Tensor col(std::initializer_list<double> v) {
  Tensor t = Tensor::from_shape({v.size(), 1});
  std::copy(v.begin(), v.end(), t.begin());
  return t;
}

}  // namespace

TEST_CASE("broadcast: broadcast_shapes follows NumPy's rules") {
  CHECK(tg::broadcast_shapes("add", {3, 1}, {1, 4}) == Shape{3, 4});
  CHECK(tg::broadcast_shapes("add", {2, 3}, {3}) == Shape{2, 3});
  CHECK(tg::broadcast_shapes("add", {3}, {2, 3}) == Shape{2, 3});
  CHECK(tg::broadcast_shapes("add", {}, {2, 3}) == Shape{2, 3});
  CHECK(tg::broadcast_shapes("add", {2, 3}, {}) == Shape{2, 3});
  CHECK(tg::broadcast_shapes("add", {}, {}) == Shape{});
  CHECK(tg::broadcast_shapes("add", {2, 3}, {2, 3}) == Shape{2, 3});
  CHECK(tg::broadcast_shapes("add", {2, 1, 4}, {3, 1}) == Shape{2, 3, 4});
  CHECK(tg::broadcast_shapes("add", {2, 1}, {1}) == Shape{2, 1});
}

TEST_CASE("broadcast: broadcast_shapes names the op and both shapes when they do not fit") {
  CHECK_THROWS_AS(tg::broadcast_shapes("mul", {2, 3}, {4}), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_shapes("mul", {2, 3}, {4}), doctest::Contains("mul"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_shapes("mul", {2, 3}, {4}), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_shapes("mul", {2, 3}, {4}), doctest::Contains("(4)"), tg::shape_error);
  // The mismatch can be on an axis other than the last: here axis -2 (extents 2 and 3).
  CHECK_THROWS_WITH_AS(tg::broadcast_shapes("sub", {2, 3}, {3, 3}), doctest::Contains("(3,3)"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_shapes("sub", {2, 3}, {3, 3}), doctest::Contains("axis -2"),
                       tg::shape_error);
  CHECK_THROWS_AS(tg::broadcast_shapes("add", {3, 1}, {2, 4}), tg::shape_error);
}

TEST_CASE("broadcast: broadcastable_to") {
  CHECK(tg::broadcastable_to({3}, {2, 3}));
  CHECK(tg::broadcastable_to({2, 1}, {2, 3}));
  CHECK(tg::broadcastable_to({1, 3}, {2, 3}));
  CHECK(tg::broadcastable_to({}, {2, 3}));
  CHECK(tg::broadcastable_to({3, 1}, {3, 4}));
  CHECK(tg::broadcastable_to({3, 1}, {2, 3, 4}));
  CHECK(tg::broadcastable_to({2, 3}, {2, 3}));
  CHECK(tg::broadcastable_to({}, {}));

  CHECK_FALSE(tg::broadcastable_to({2, 3}, {3}));     // more axes than the target
  CHECK_FALSE(tg::broadcastable_to({2}, {2, 3}));     // 2 against 3 on the last axis
  CHECK_FALSE(tg::broadcastable_to({3, 1}, {1, 4}));  // 3 cannot shrink to 1
  CHECK_FALSE(tg::broadcastable_to({2, 3}, {}));
}

TEST_CASE("broadcast: broadcast_to repeats along the broadcast axes") {
  // (3) -> (2,3): the row is repeated.
  check_tensor(tg::broadcast_to(Tensor{1.0, 2.0, 3.0}, {2, 3}), {2, 3}, {1, 2, 3, 1, 2, 3});
  // (2,1) -> (2,3): each row's single number is repeated across the columns.
  check_tensor(tg::broadcast_to(col({1.0, 2.0}), {2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  // () -> (2,2)
  check_tensor(tg::broadcast_to(tg::scalar_tensor(5.0), {2, 2}), {2, 2}, {5, 5, 5, 5});
  // () -> ()
  check_tensor(tg::broadcast_to(tg::scalar_tensor(5.0), {}), {}, {5});
  // (3,1) -> (3,4)
  check_tensor(tg::broadcast_to(col({1.0, 2.0, 3.0}), {3, 4}), {3, 4}, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});

  // (3,1) -> (2,3,4): a new leading axis and a repeated last axis; out(i,j,k) = x(j).
  const Tensor out = tg::broadcast_to(col({10.0, 20.0, 30.0}), {2, 3, 4});
  REQUIRE(tg::shape_of(out) == Shape{2, 3, 4});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(out(i, j, k) == 10.0 * static_cast<double>(j + 1));

  // (2,1,3) -> (2,2,3): the middle axis is repeated.
  check_tensor(tg::broadcast_to(iota({2, 1, 3}), {2, 2, 3}), {2, 2, 3}, {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
}

TEST_CASE("broadcast: broadcast_to names both shapes when it cannot broadcast") {
  CHECK_THROWS_WITH_AS(tg::broadcast_to(iota({2, 3}), {3}), doctest::Contains("broadcast_to"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_to(iota({2, 3}), {3}), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_to(iota({2, 3}), {3}), doctest::Contains("(3)"), tg::shape_error);
  CHECK_THROWS_AS(tg::broadcast_to(iota({2}), {2, 3}), tg::shape_error);
}

TEST_CASE("broadcast: sum_to sums the repeated axes away") {
  const Tensor x = iota({2, 3});  // [[1, 2, 3], [4, 5, 6]]
  check_tensor(tg::sum_to(x, {3}), {3}, {5, 7, 9});
  check_tensor(tg::sum_to(x, {1, 3}), {1, 3}, {5, 7, 9});
  check_tensor(tg::sum_to(x, {2, 1}), {2, 1}, {6, 15});
  check_tensor(tg::sum_to(x, {1, 1}), {1, 1}, {21});
  check_tensor(tg::sum_to(x, {2, 3}), {2, 3}, {1, 2, 3, 4, 5, 6});  // nothing to sum

  // To 0-d: everything.
  const Tensor total = tg::sum_to(x, {});
  CHECK(total.dimension() == 0);
  CHECK(total() == Approx(21.0));
  CHECK(tg::sum_to(tg::scalar_tensor(4.0), {})() == 4.0);

  // Leading axes. y = 1..12 in shape (2,2,3), so y(i,j,k) = 1 + 6i + 3j + k.
  const Tensor y = iota({2, 2, 3});
  check_tensor(tg::sum_to(y, {3}), {3}, {1 + 4 + 7 + 10, 2 + 5 + 8 + 11, 3 + 6 + 9 + 12});
  check_tensor(tg::sum_to(y, {2, 3}), {2, 3}, {1 + 7, 2 + 8, 3 + 9, 4 + 10, 5 + 11, 6 + 12});
  check_tensor(tg::sum_to(y, {2, 1}), {2, 1}, {1 + 2 + 3 + 7 + 8 + 9, 4 + 5 + 6 + 10 + 11 + 12});
  check_tensor(tg::sum_to(y, {2, 1, 1}), {2, 1, 1}, {21, 57});
  check_tensor(tg::sum_to(y, {1, 2, 1}), {1, 2, 1}, {30, 48});
  check_tensor(tg::sum_to(y, {2, 2, 1}), {2, 2, 1}, {6, 15, 24, 33});
  check_tensor(tg::sum_to(y, {}), {}, {78});

  // Long rows to one column (a bias's gradient, summed with vector lanes): row i of iota is
  // 1000i + 1 .. 1000i + 1000, whose sum is 1000·1000i + 500500, exact in doubles.
  const Tensor rows = iota({3, 1000});
  check_tensor(tg::sum_to(rows, {3, 1}), {3, 1}, {500500, 1500500, 2500500});

  // Several trailing axes at once (a convolution's bias gradient, one run per feature map).
  // z = 1..24 in shape (2,3,2,2): z(n,f,i,j) = 1 + 12n + 4f + 2i + j, so Σ_{i,j} = 10 + 48n + 16f.
  const Tensor z = iota({2, 3, 2, 2});
  check_tensor(tg::sum_to(z, {1, 3, 1, 1}), {1, 3, 1, 1}, {68, 100, 132});  // Σ_n: 20 + 48 + 32f
  check_tensor(tg::sum_to(z, {2, 1, 1, 1}), {2, 1, 1, 1}, {78, 222});       // Σ_f: 78 + 144n
  check_tensor(tg::sum_to(z, {2, 3, 1, 1}), {2, 3, 1, 1}, {10, 26, 42, 58, 74, 90});
  check_tensor(tg::sum_to(z, {1, 1, 1, 1}), {1, 1, 1, 1}, {300});
}

TEST_CASE("broadcast: sum_to is the adjoint of broadcast_to: <bx, y> = <x, sum_to(y)>") {
  const Tensor x = col({0.5, -1.0, 2.0});  // (3,1)
  const Tensor y = iota({2, 3, 4});        // (2,3,4)
  const Tensor bx = tg::broadcast_to(x, {2, 3, 4});
  const Tensor sy = tg::sum_to(y, {3, 1});
  double left = 0.0, right = 0.0;
  for (std::size_t i = 0; i < bx.size(); ++i) left += bx.data()[i] * y.data()[i];
  for (std::size_t i = 0; i < x.size(); ++i) right += x.data()[i] * sy.data()[i];
  CHECK(left == Approx(right));
  // And by hand: sy(j) = Σ_i Σ_k (1 + 12i + 4j + k) = Σ_i (10 + 48i + 16j) = 68 + 32j.
  check_tensor(sy, {3, 1}, {68, 100, 132});
}

TEST_CASE("broadcast: sum_to names both shapes when the target does not broadcast to x") {
  CHECK_THROWS_WITH_AS(tg::sum_to(iota({2, 3}), {4}), doctest::Contains("sum_to"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum_to(iota({2, 3}), {4}), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum_to(iota({2, 3}), {4}), doctest::Contains("(4)"), tg::shape_error);
  // A target with more axes than x cannot be reached by summing.
  CHECK_THROWS_AS(tg::sum_to(iota({3}), {2, 3}), tg::shape_error);
  CHECK_THROWS_AS(tg::sum_to(iota({2, 3}), {3, 3}), tg::shape_error);
}

TEST_CASE("broadcast: keepdims_shape sets one extent to 1") {
  CHECK(tg::keepdims_shape({2, 3}, 0) == Shape{1, 3});
  CHECK(tg::keepdims_shape({2, 3}, 1) == Shape{2, 1});
  CHECK(tg::keepdims_shape({4}, 0) == Shape{1});
}

TEST_CASE("broadcast: max_keepdims takes the maximum along one axis") {
  const Tensor x{{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}};
  check_tensor(tg::max_keepdims(x, 0), {1, 3}, {4, 5, 6});
  check_tensor(tg::max_keepdims(x, 1), {2, 1}, {5, 6});
  check_tensor(tg::max_keepdims(Tensor{3.0, -1.0, 7.0, 7.0}, 0), {1}, {7});
  // All negative: the maximum is not the starting value.
  check_tensor(tg::max_keepdims(Tensor{-3.0, -1.0, -2.0}, 0), {1}, {-1});
  // 3-D along the middle axis: y(i,j,k) = 1 + 12i + 4j + k, so the max over j is at j = 2.
  const Tensor y = iota({2, 3, 4});
  check_tensor(tg::max_keepdims(y, 1), {2, 1, 4}, {9, 10, 11, 12, 21, 22, 23, 24});
}

TEST_CASE("broadcast: max_keepdims of an empty axis is an error") {
  CHECK_THROWS_WITH_AS(tg::max_keepdims(Tensor::from_shape({2, 0}), 1), doctest::Contains("max"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::max_keepdims(Tensor::from_shape({2, 0}), 1), doctest::Contains("(2,0)"),
                       tg::shape_error);
}

TEST_CASE("broadcast: max_keepdims does not hide a NaN, wherever it is") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(tg::max_keepdims(Tensor{1.0, nan}, 0)(0)));
  CHECK(std::isnan(tg::max_keepdims(Tensor{nan, 1.0}, 0)(0)));
  CHECK(std::isnan(tg::max_keepdims(Tensor{1.0, nan, 2.0}, 0)(0)));
}

TEST_CASE("broadcast: argmax_mask marks the FIRST maximum of each slice") {
  // Along axis 1: row 0 has a tie at columns 1 and 2, row 1 at columns 0 and 2.
  check_tensor(tg::argmax_mask(Tensor{{1.0, 5.0, 5.0}, {7.0, 2.0, 7.0}}, 1), {2, 3}, {0, 1, 0, 1, 0, 0});
  // Along axis 0: column 0 ties between the rows.
  check_tensor(tg::argmax_mask(Tensor{{3.0, 1.0, 2.0}, {3.0, 4.0, 2.0}}, 0), {2, 3}, {1, 0, 1, 0, 1, 0});
  // All equal: only the first.
  check_tensor(tg::argmax_mask(Tensor{2.0, 2.0, 2.0}, 0), {3}, {1, 0, 0});
  // No tie: the unique maximum.
  check_tensor(tg::argmax_mask(Tensor{-1.0, -3.0, 0.5, -2.0}, 0), {4}, {0, 0, 1, 0});

  // 3-D along the middle axis, every slice a tie (or won by j = 0).
  Tensor z = Tensor::from_shape({2, 2, 2});
  z(0, 0, 0) = 1;
  z(0, 0, 1) = 1;
  z(0, 1, 0) = 1;
  z(0, 1, 1) = 0;
  z(1, 0, 0) = 0;
  z(1, 0, 1) = 2;
  z(1, 1, 0) = 0;
  z(1, 1, 1) = 2;
  check_tensor(tg::argmax_mask(z, 1), {2, 2, 2}, {1, 1, 0, 0, 1, 1, 0, 0});
  // The same tensor along the last axis: slices (1,1) (1,0) (0,2) (0,2).
  check_tensor(tg::argmax_mask(z, 2), {2, 2, 2}, {1, 0, 1, 0, 0, 1, 0, 1});
}

TEST_CASE("broadcast helpers: bad arguments are clear errors") {
  using tg::test::BadInput;
  tg::test::check_bad_inputs({
      {"broadcast_shapes: extents 3 and 4",
       [] {
         (void)tg::broadcast_shapes("mul", {2, 3}, {4});
       },
       TG_ERROR(tg::shape_error),
       "mul: (2,3) and (4) cannot be broadcast together: extents 3 and 4 differ on axis -1"},
      {"broadcast_to: to fewer axes",
       [] {
         (void)tg::broadcast_to(iota({2, 3}), {3});
       },
       TG_ERROR(tg::shape_error), "broadcast_to: (2,3) cannot be broadcast to (3)"},
      {"sum_to: to a shape that does not broadcast back",
       [] {
         (void)tg::sum_to(iota({2, 3}), {3, 3});
       },
       TG_ERROR(tg::shape_error),
       "sum_to: (2,3) cannot be summed to (3,3) ((3,3) does not broadcast to (2,3))"},
      {"keepdims_shape: axis 2 of a matrix",
       [] {
         (void)tg::keepdims_shape({2, 3}, 2);
       },
       TG_ERROR(tg::shape_error), "keepdims_shape: axis 2 is out of range for shape (2,3) (rank 2)"},
      {"max_keepdims: axis 2 of a matrix",
       [] {
         (void)tg::max_keepdims(iota({2, 3}), 2);
       },
       TG_ERROR(tg::shape_error), "max_keepdims: axis 2 is out of range for shape (2,3) (rank 2)"},
      {"max_keepdims: any axis of a 0-d tensor", [] { (void)tg::max_keepdims(tg::scalar_tensor(1.0), 0); },
       TG_ERROR(tg::shape_error), "max_keepdims: axis 0 is out of range for shape () (rank 0)"},
      {"max_keepdims: an empty axis",
       [] {
         (void)tg::max_keepdims(Tensor::from_shape({2, 0}), 1);
       },
       TG_ERROR(tg::shape_error), "max: axis 1 of (2,0) is empty"},
      {"argmax_mask: axis 5 of a matrix",
       [] {
         (void)tg::argmax_mask(iota({2, 3}), 5);
       },
       TG_ERROR(tg::shape_error), "argmax_mask: axis 5 is out of range for shape (2,3) (rank 2)"},
      {"argmax_mask: an empty axis",
       [] {
         (void)tg::argmax_mask(Tensor::from_shape({0, 3}), 0);
       },
       TG_ERROR(tg::shape_error), "max: axis 0 of (0,3) is empty"},
  });
}
