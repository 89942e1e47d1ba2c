// Pooling ops and flatten (autodiff/ops/pool.cpp): the gradient of max pooling reaches the
// maxima only (the first of tied ones), average pooling spreads it evenly, the backward is
// recorded with ops of its own, and misuse names the op and the shapes. (gradcheck and
// gradgradcheck: the op table, test_op_table.cpp.)
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/tensors.hpp"

using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

// One example, one channel: the 4×4 matrix m as (1, 1, 4, 4).
Tensor image(Tensor m) {
  m.reshape({1, 1, 4, 4});
  return m;
}

}  // namespace

TEST_CASE("pool: max_pool2d sends each window's gradient to its maximum, the first of tied ones") {
  Variable x(image(Tensor{{1, 3, 3, 0}, {2, 0, 1, 4}, {5, 5, 0, 0}, {1, 1, 2, 2}}), true);
  const Variable y = tg::max_pool2d(x, 2, 2);
  CHECK(y.op_name() == "max_pool2d");
  tg::test::check_tensor(y.value(), {1, 1, 2, 2}, {3, 4, 5, 2});
  Tensor gy{{10, 20}, {30, 40}};
  gy.reshape({1, 1, 2, 2});
  y.backward(gy);
  tg::test::check_tensor(x.grad(), {1, 1, 4, 4}, {0, 10, 0, 0, 0, 0, 0, 20, 30, 0, 0, 0, 0, 0, 40, 0});
}

TEST_CASE("pool: overlapping max windows add up at a shared maximum") {
  // 3×3 windows with stride 1 over a 4×4 input: the 9 in the middle is the maximum of all four.
  Variable x(image(Tensor{{0, 1, 2, 3}, {1, 9, 2, 0}, {3, 1, 0, 2}, {0, 1, 2, 3}}), true);
  tg::sum(tg::max_pool2d(x, 3, 1)).backward();
  CHECK(x.grad()(0, 0, 1, 1) == 4.0);
  CHECK(tg::sum(Variable(x.grad())).item() == 4.0);
}

TEST_CASE("pool: avg_pool2d spreads gy/kernel² over each window") {
  Variable x(tg::test::iota({1, 1, 4, 4}), true);
  const Variable y = tg::avg_pool2d(x, 2, 2);
  tg::test::check_tensor(y.value(), {1, 1, 2, 2}, {3.5, 5.5, 11.5, 13.5});  // (1+2+5+6)/4, ...
  y.backward(tg::filled({1, 1, 2, 2}, 4.0));
  CHECK(x.grad() == tg::filled({1, 1, 4, 4}, 1.0));
}

TEST_CASE("pool: the backward is recorded with ops of its own, and differentiated again") {
  Variable x(tg::test::iota({1, 1, 4, 4}), true);
  Variable v(tg::filled({1, 1, 2, 2}, 1.0), true);
  const std::vector<Variable> g = tg::grad({tg::max_pool2d(x, 2, 2)}, {x}, {v}, /*create_graph=*/true);
  CHECK(g[0].op_name() == "max_pool2d_input_grad");
  // ∂/∂v ⟨∂C/∂x, u⟩ = u at the maxima: gathered by max_pool2d_gather. With u = iota, the maxima
  // of iota's windows are 6, 8, 14, 16.
  const std::vector<Variable> gv = tg::grad({tg::sum(g[0] * Variable(tg::test::iota({1, 1, 4, 4})))}, {v});
  tg::test::check_tensor(gv[0].value(), {1, 1, 2, 2}, {6, 8, 14, 16});
  const std::vector<Variable> a = tg::grad({tg::avg_pool2d(x, 2, 2)}, {x}, {v}, /*create_graph=*/true);
  CHECK(a[0].op_name() == "avg_pool2d_input_grad");
}

TEST_CASE("pool: flatten keeps the batch axis and is a reshape") {
  const Variable x(tg::test::iota({2, 3, 4, 5}), true);
  const Variable y = tg::flatten(x);
  CHECK(y.shape() == Shape{2, 60});
  CHECK(y.op_name() == "reshape");
  CHECK(y.value()(1, 0) == 61.0);
  CHECK(tg::flatten(Variable(tg::filled({3}, 1.0))).shape() == Shape{3, 1});
}

TEST_CASE("pool: bad arguments are clear errors") {
  const Variable x(Tensor::from_shape({2, 3, 4, 4}));
  tg::test::check_bad_inputs({
      {"max_pool2d: x not 4-D",
       [] {
         tg::max_pool2d(Variable(Tensor::from_shape({64, 784})), 2, 2);
       },
       TG_ERROR(tg::shape_error), "max_pool2d: x (64,784): x must have 4 axes"},
      {"avg_pool2d: window larger than the input", [&] { tg::avg_pool2d(x, 5, 1); },
       TG_ERROR(tg::shape_error),
       "avg_pool2d: x (2,3,4,4): the window's height 5 is larger than the input's 4"},
      {"max_pool2d: stride 0", [&] { tg::max_pool2d(x, 2, 0); }, TG_ERROR(tg::shape_error),
       "max_pool2d: stride 0: the stride must be at least 1"},
      {"max_pool2d_input_grad: gy of another shape",
       [&] {
         tg::max_pool2d_input_grad(Variable(Tensor::from_shape({2, 3, 3, 3})), x, 2, 2);
       },
       TG_ERROR(tg::shape_error),
       "max_pool2d_input_grad: gy (2,3,3,3) and the pooled x (2,3,2,2) must have the same shape"},
      {"max_pool2d_gather: v and x differ",
       [&] {
         tg::max_pool2d_gather(Variable(Tensor::from_shape({2, 3, 4, 5})), x, 2, 2);
       },
       TG_ERROR(tg::shape_error), "max_pool2d_gather: v (2,3,4,5) and x (2,3,4,4) must have the same shape"},
      {"avg_pool2d_input_grad: gy of another shape",
       [] {
         tg::avg_pool2d_input_grad(Variable(Tensor::from_shape({1, 1, 3, 3})), {1, 1, 4, 4}, 2, 2);
       },
       TG_ERROR(tg::shape_error),
       "avg_pool2d_input_grad: gy is (1,1,3,3), the pooling geometry says (1,1,2,2)"},
      {"flatten: a 0-d x", [] { tg::flatten(Variable(1.0)); }, TG_ERROR(tg::shape_error),
       "flatten: x () has no axis to keep as the batch"},
  });
}
