// Ops that move numbers without arithmetic (autodiff/ops/shape.cpp): reshape, transpose,
// broadcast_to and sum_to as Variable ops — their values, result shapes and errors.
// (Gradients are checked for every op in test_op_table.cpp; two small ones by hand here.)
#include <doctest/doctest.h>

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

TEST_CASE("shape ops: reshape keeps the row-major order of the numbers") {
  const Variable x(iota({2, 3}));  // [[1, 2, 3], [4, 5, 6]]
  check_tensor(tg::reshape(x, {3, 2}).value(), {3, 2}, {1, 2, 3, 4, 5, 6});
  check_tensor(tg::reshape(x, {6}).value(), {6}, {1, 2, 3, 4, 5, 6});
  check_tensor(tg::reshape(x, {1, 6}).value(), {1, 6}, {1, 2, 3, 4, 5, 6});
  check_tensor(tg::reshape(x, {3, 1, 2}).value(), {3, 1, 2}, {1, 2, 3, 4, 5, 6});
  const Tensor r = tg::reshape(x, {3, 2}).value();
  CHECK(r(2, 0) == 5.0);  // the third row of the (3,2) view starts with the fifth number
  // x itself is unchanged.
  check_tensor(x.value(), {2, 3}, {1, 2, 3, 4, 5, 6});

  // To and from 0-d.
  check_tensor(tg::reshape(Variable(Tensor{7.0}), {}).value(), {}, {7});
  check_tensor(tg::reshape(Variable(7.0), {1, 1}).value(), {1, 1}, {7});
}

TEST_CASE("shape ops: reshape to a different number of elements names both shapes and counts") {
  const Variable x(iota({2, 3}));
  CHECK_THROWS_AS(tg::reshape(x, {4}), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::reshape(x, {4}), doctest::Contains("reshape"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::reshape(x, {4}), doctest::Contains("(2,3) has 6 elements"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::reshape(x, {4}), doctest::Contains("(4) has 4"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::reshape(x, {4, 2}), doctest::Contains("(4,2) has 8"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::reshape(x, {}), doctest::Contains("() has 1"), tg::shape_error);
}

TEST_CASE("shape ops: transpose of a matrix swaps rows and columns") {
  const Variable x(iota({2, 3}));  // [[1, 2, 3], [4, 5, 6]]
  const Variable t = tg::transpose(x);
  check_tensor(t.value(), {3, 2}, {1, 4, 2, 5, 3, 6});
  // Twice is the identity.
  check_tensor(tg::transpose(t).value(), {2, 3}, {1, 2, 3, 4, 5, 6});
  // A row becomes a column.
  check_tensor(tg::transpose(Variable(Tensor{{1.0, 2.0, 3.0}})).value(), {3, 1}, {1, 2, 3});
}

TEST_CASE("shape ops: transpose of a 3-D tensor reverses all its axes") {
  // x(i,j,k) = 100 i + 10 j + k, shape (2,3,4)  ->  y(k,j,i) = x(i,j,k), shape (4,3,2).
  Tensor xv = Tensor::from_shape({2, 3, 4});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) xv(i, j, k) = 100.0 * i + 10.0 * j + k;
  const Variable y = tg::transpose(Variable(xv));
  REQUIRE(y.shape() == Shape{4, 3, 2});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(y.value()(k, j, i) == 100.0 * i + 10.0 * j + k);
  // The first few numbers in memory order: y(0,0,0)=x(0,0,0), y(0,0,1)=x(1,0,0), y(0,1,0)=x(0,1,0).
  CHECK(y.value().data()[0] == 0.0);
  CHECK(y.value().data()[1] == 100.0);
  CHECK(y.value().data()[2] == 10.0);
}

TEST_CASE("shape ops: transpose leaves 1-D and 0-d tensors as they are") {
  check_tensor(tg::transpose(Variable(Tensor{1.0, 2.0, 3.0})).value(), {3}, {1, 2, 3});
  check_tensor(tg::transpose(Variable(2.0)).value(), {}, {2});
}

TEST_CASE("shape ops: broadcast_to as a Variable op") {
  Variable x(Tensor{1.0, 2.0, 3.0}, true);
  const Variable y = tg::broadcast_to(x, {2, 3});
  check_tensor(y.value(), {2, 3}, {1, 2, 3, 1, 2, 3});
  CHECK(y.requires_grad());
  CHECK(y.op_name() == "broadcast_to");
  // Each copy's gradient adds up: x.grad = column sums of the seed.
  y.backward(Tensor{{1.0, 2.0, 3.0}, {10.0, 20.0, 30.0}});
  check_tensor(x.grad(), {3}, {11, 22, 33});

  check_tensor(tg::broadcast_to(Variable(5.0), {2, 2}).value(), {2, 2}, {5, 5, 5, 5});
  check_tensor(tg::broadcast_to(Variable(iota({2, 1})), {2, 3}).value(), {2, 3}, {1, 1, 1, 2, 2, 2});
}

TEST_CASE("shape ops: broadcast_to to a shape it cannot reach is a shape_error") {
  const Variable x(iota({2, 3}));
  CHECK_THROWS_WITH_AS(tg::broadcast_to(x, {3}), doctest::Contains("broadcast_to"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_to(x, {3}), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::broadcast_to(x, {3}), doctest::Contains("(3)"), tg::shape_error);
  CHECK_THROWS_AS(tg::broadcast_to(x, {4, 3}), tg::shape_error);
}

TEST_CASE("shape ops: sum_to as a Variable op") {
  Variable x(iota({2, 3}), true);  // [[1, 2, 3], [4, 5, 6]]
  const Variable y = tg::sum_to(x, {3});
  check_tensor(y.value(), {3}, {5, 7, 9});
  CHECK(y.op_name() == "sum_to");
  // Every summand receives the gradient of its sum.
  y.backward(Tensor{1.0, 2.0, 3.0});
  check_tensor(x.grad(), {2, 3}, {1, 2, 3, 1, 2, 3});

  check_tensor(tg::sum_to(Variable(iota({2, 3})), {2, 1}).value(), {2, 1}, {6, 15});
  check_tensor(tg::sum_to(Variable(iota({2, 3})), {}).value(), {}, {21});
  check_tensor(tg::sum_to(Variable(iota({4, 1, 3})), {1, 3}).value(), {1, 3},
               {1 + 4 + 7 + 10, 2 + 5 + 8 + 11, 3 + 6 + 9 + 12});
}

TEST_CASE("shape ops: sum_to to a shape that does not broadcast back is a shape_error") {
  const Variable x(iota({2, 3}));
  CHECK_THROWS_WITH_AS(tg::sum_to(x, {4}), doctest::Contains("sum_to"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum_to(x, {4}), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::sum_to(x, {4}), doctest::Contains("(4)"), tg::shape_error);
  CHECK_THROWS_AS(tg::sum_to(x, {2, 2, 3}), tg::shape_error);
}

TEST_CASE("transpose reverses the axes of any rank, as NumPy's x.T") {
  const Variable x3(iota({2, 3, 4}));
  const Variable t3 = tg::transpose(x3);
  REQUIRE(t3.shape() == Shape{4, 3, 2});
  CHECK(t3.value()(3, 1, 0) == x3.value()(0, 1, 3));
  CHECK(tg::transpose(Variable(iota({3}))).value() == iota({3}));  // 1-D: unchanged
  CHECK(tg::transpose(Variable(2.5)).item() == 2.5);               // 0-d: unchanged
}

TEST_CASE("shape ops: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable x(iota({2, 3}));
  tg::test::check_bad_inputs({
      {"reshape: 6 elements into 4", [&] { (void)tg::reshape(x, {4}); }, TG_ERROR(tg::shape_error),
       "reshape: (2,3) has 6 elements, (4) has 4"},
      {"reshape: into a shape with an empty axis",
       [&] {
         (void)tg::reshape(x, {6, 0});
       },
       TG_ERROR(tg::shape_error), "reshape: (2,3) has 6 elements, (6,0) has 0"},
      {"broadcast_to: incompatible extents",
       [&] {
         (void)tg::broadcast_to(x, {4, 3});
       },
       TG_ERROR(tg::shape_error), "broadcast_to: (2,3) cannot be broadcast to (4,3)"},
      {"sum_to: more axes than the input",
       [&] {
         (void)tg::sum_to(x, {2, 2, 3});
       },
       TG_ERROR(tg::shape_error),
       "sum_to: (2,3) cannot be summed to (2,2,3) ((2,2,3) does not broadcast to (2,3))"},
      {"transpose: an empty Variable", [] { (void)tg::transpose(Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
  });
}
