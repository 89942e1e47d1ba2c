// The convolution ops (autodiff/ops/conv.cpp): backward through conv2d gives the kernels'
// gradients and the bias's sums, the three ops differentiate into one another, and misuse
// names the op and the shapes. (gradcheck and gradgradcheck: the op table, test_op_table.cpp;
// the values against the direct loops: test_conv_kernels.cpp.)
#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"
#include "support/tensors.hpp"

using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

Tensor random(const Shape& shape, std::uint64_t seed) {
  return tg::test::random_tensor(shape, tg::test::Domain::any, seed);
}

void check_equal(const Tensor& a, const Tensor& b) {
  REQUIRE(tg::shape_of(a) == tg::shape_of(b));
  for (std::size_t i = 0; i < a.size(); ++i)
    CHECK(a.data()[i] == doctest::Approx(b.data()[i]).epsilon(1e-13));
}

void check_same_bits(const Tensor& a, const Tensor& b) {
  REQUIRE(tg::shape_of(a) == tg::shape_of(b));
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.data()[i] == b.data()[i]);
}

}  // namespace

TEST_CASE("conv: backward through conv2d gives the kernels' gradients and the bias's sums") {
  const Tensor x0 = random({3, 2, 6, 5}, 1), w0 = random({4, 2, 3, 2}, 2), b0 = random({4}, 3);
  Variable x(x0, true), w(w0, true), b(b0, true);
  const Variable y = tg::conv2d(x, w, b, 2, 1);
  CHECK(y.op_name() == "conv2d");
  const tg::ConvGeometry g = tg::conv_geometry({3, 2, 6, 5}, {4, 2, 3, 2}, 2, 1, "test");
  REQUIRE(y.shape() == Shape{3, 4, 3, 3});  // H' = (6 + 2 − 3)/2 + 1 = 3, W' = (5 + 2 − 2)/2 + 1 = 3
  const Tensor gy = random(y.shape(), 4);
  y.backward(gy);
  check_equal(x.grad(), tg::conv2d_input_grad_values(gy, w0, g));
  check_equal(w.grad(), tg::conv2d_weight_grad_values(x0, gy, g));
  for (std::size_t f = 0; f < 4; ++f) {  // ∂C/∂b[f] = Σ over examples and positions of gy[·, f, ·, ·]
    double sum = 0.0;
    for (std::size_t n = 0; n < 3; ++n)
      for (std::size_t i = 0; i < 9; ++i) sum += gy.data()[(n * 4 + f) * 9 + i];
    CHECK(b.grad()(f) == doctest::Approx(sum));
  }
}

TEST_CASE("conv: ∂C/∂b computed with ∂C/∂w serves only the pass that computed it") {
  // A pass wanting ∂C/∂w and ∂C/∂b (x wants none) computes both in w's derivative and keeps
  // ∂C/∂b for b's. Here the pass stops between the two: under detect_anomaly, x's inf makes
  // ∂C/∂w = Δ · colsᵀ non-finite, so w's derivative throws after it kept ∂C/∂b (a finite Σ Δ).
  // A later pass asking for ∂C/∂b alone, from another seed, must compute its own.
  Tensor x0 = random({2, 1, 4, 4}, 7);
  x0(1, 0, 2, 1) = std::numeric_limits<double>::infinity();
  Variable x(x0), w(random({3, 1, 2, 2}, 8), true), b(random({3}, 9), true);
  const Variable y = tg::conv2d(x, w, b);  // (2,3,3,3)
  const Variable s1(tg::filled(y.shape(), 1.0)), s2(tg::filled(y.shape(), 2.0));
  {
    tg::detect_anomaly on;
    CHECK_THROWS_WITH_AS((void)tg::grad({y}, {w, b}, {s1}, /*create_graph=*/false, /*retain_graph=*/true),
                         doctest::Contains("'conv2d' produced inf in the gradient for its input 1"),
                         tg::anomaly_error);
  }
  const std::vector<Variable> db = tg::grad({y}, {b}, {s2});
  tg::test::check_tensor(db[0].value(), {3}, {36, 36, 36});  // 2 · (2 examples · 9 positions)
}

TEST_CASE("conv: all gradients of one plain pass, from one loop, equal those of the separate ops") {
  // A plain pass wanting ∂C/∂x and ∂C/∂w computes them (and ∂C/∂b) in one loop over the
  // examples; a recorded pass (create_graph) runs each derivative as its own op. ∂C/∂x is the
  // same products and sums, so the same bits, and so is ∂C/∂w without a bias; with one, the
  // plain pass's ∂C/∂w comes from a product with one more row (the bias's ones) and its ∂C/∂b
  // from that product rather than sum_to, not necessarily summed in the same order: 1e-13.
  const Tensor x0 = random({3, 2, 6, 5}, 21), w0 = random({4, 2, 3, 2}, 22), b0 = random({4}, 23);
  const tg::ConvGeometry g = tg::conv_geometry({3, 2, 6, 5}, {4, 2, 3, 2}, 2, 1, "test");
  const Tensor gy = random(g.y_shape(), 24);
  for (const bool with_bias : {true, false}) {
    CAPTURE(with_bias);
    Variable x(x0, true), w(w0, true), b(b0, true);
    const auto conv = [&] { return with_bias ? tg::conv2d(x, w, b, 2, 1) : tg::conv2d(x, w, 2, 1); };
    conv().backward(gy);
    const std::vector<Variable> inputs = with_bias ? std::vector{x, w, b} : std::vector{x, w};
    const std::vector<Variable> ops = tg::grad({conv()}, inputs, {Variable(gy)}, /*create_graph=*/true);
    REQUIRE(ops[0].op_name() == "conv2d_input_grad");  // the separate ops, recorded
    REQUIRE(ops[1].op_name() == "conv2d_weight_grad");
    check_same_bits(x.grad(), ops[0].value());
    if (with_bias) check_equal(w.grad(), ops[1].value());
    if (!with_bias) check_same_bits(w.grad(), ops[1].value());
    if (with_bias) check_equal(b.grad(), ops[2].value());
    // and bit for bit the kernels' products of the same arithmetic
    check_same_bits(x.grad(), tg::conv2d_input_grad_values(gy, w0, g));
    if (!with_bias) check_same_bits(w.grad(), tg::conv2d_weight_grad_values(x0, gy, g));
    if (with_bias) {
      const tg::ConvParamGrads params = tg::conv2d_param_grad_values(x0, gy, g);
      check_same_bits(w.grad(), params.w);
      check_same_bits(b.grad(), params.b);
    }
  }
}

TEST_CASE("conv: gradients kept for a later derivative of a pass serve only that pass") {
  // x's derivative computes ∂C/∂w and ∂C/∂b beside ∂C/∂x and keeps them for w's and b's. Here
  // the pass stops after x's (under detect_anomaly, w's inf makes ∂C/∂x = Wᵀ Δ non-finite) and
  // leaves them untaken; a later pass, from another seed, must compute its own.
  Tensor w0 = random({3, 1, 2, 2}, 32);
  w0(1, 0, 1, 0) = std::numeric_limits<double>::infinity();
  const Tensor x0 = random({2, 1, 4, 4}, 31);
  Variable x(x0, true), w(w0, true), b(random({3}, 33), true);
  const Variable y = tg::conv2d(x, w, b);  // (2,3,3,3)
  {
    tg::detect_anomaly on;
    CHECK_THROWS_WITH_AS((void)tg::grad({y}, {x, w, b}, {Variable(tg::filled(y.shape(), 1.0))}, false,
                                        /*retain_graph=*/true),
                         doctest::Contains("'conv2d' produced inf in the gradient for its input 0"),
                         tg::anomaly_error);
  }
  const Tensor two = tg::filled(y.shape(), 2.0);
  const std::vector<Variable> g = tg::grad({y}, {w, b}, {Variable(two)});
  const tg::ConvGeometry geo = tg::conv_geometry({2, 1, 4, 4}, {3, 1, 2, 2}, 1, 0, "test");
  check_equal(g[0].value(), tg::conv2d_weight_grad_values(x0, two, geo));
  tg::test::check_tensor(g[1].value(), {3}, {36, 36, 36});  // 2 · (2 examples · 9 positions)
}

TEST_CASE("conv: a pass wanting ∂C/∂x alone, or not ∂C/∂b, gets the same gradients") {
  const Tensor x0 = random({2, 2, 5, 4}, 41), w0 = random({3, 2, 2, 3}, 42);
  Variable x(x0, true), w(w0, true), b(random({3}, 43), true);
  const Variable y = tg::conv2d(x, w, b, 1, 1);
  const tg::ConvGeometry g = tg::conv_geometry({2, 2, 5, 4}, {3, 2, 2, 3}, 1, 1, "test");
  const Tensor gy = random(g.y_shape(), 44);
  const std::vector<Variable> dx = tg::grad({y}, {x}, {Variable(gy)}, false, /*retain_graph=*/true);
  check_same_bits(dx[0].value(), tg::conv2d_input_grad_values(gy, w0, g));
  const std::vector<Variable> dxw = tg::grad({y}, {x, w}, {Variable(gy)}, false, /*retain_graph=*/true);
  check_same_bits(dxw[0].value(), dx[0].value());
  check_same_bits(dxw[1].value(), tg::conv2d_weight_grad_values(x0, gy, g));
  const std::vector<Variable> db = tg::grad({y}, {b}, {Variable(gy)});
  check_equal(db[0].value(), tg::conv2d_param_grad_values(x0, gy, g).b);
}

TEST_CASE("conv: the backward is recorded with the ops conv2d_input_grad and conv2d_weight_grad") {
  Variable x(random({1, 1, 4, 4}, 5), true), w(random({2, 1, 2, 2}, 6), true);
  const Variable y = tg::conv2d(x, w);  // no bias
  const std::vector<Variable> g = tg::grad({tg::sum(y)}, {x, w}, /*create_graph=*/true);
  CHECK(g[0].op_name() == "conv2d_input_grad");
  CHECK(g[1].op_name() == "conv2d_weight_grad");
  // Σ y is linear in x, so its gradient in x, Σ over the output of the kernels placed there,
  // depends on w alone: differentiating Σ ∂C/∂x again in w counts each kernel weight's uses.
  const std::vector<Variable> gg = tg::grad({tg::sum(g[0])}, {w});
  tg::test::check_tensor(gg[0].value(), {2, 1, 2, 2}, {9, 9, 9, 9, 9, 9, 9, 9});  // 3×3 outputs each
}

TEST_CASE("conv: bad arguments are clear errors") {
  const Variable x(Tensor::from_shape({2, 1, 5, 5})), w(Tensor::from_shape({3, 1, 3, 3}));
  tg::test::check_bad_inputs({
      {"conv2d: channels differ",
       [] {
         tg::conv2d(Variable(Tensor::from_shape({64, 1, 28, 28})),
                    Variable(Tensor::from_shape({20, 3, 5, 5})));
       },
       TG_ERROR(tg::shape_error),
       "conv2d: x (64,1,28,28) and w (20,3,5,5): 1 input channel, the kernel expects 3"},
      {"conv2d: one bias per filter", [&] { tg::conv2d(x, w, Variable(Tensor::from_shape({2}))); },
       TG_ERROR(tg::shape_error),
       "conv2d: b (2) and w (3,1,3,3): the bias must have one element per filter, (3)"},
      {"conv2d: stride 0", [&] { tg::conv2d(x, w, 0, 1); }, TG_ERROR(tg::shape_error),
       "conv2d: stride 0: the stride must be at least 1"},
      {"conv2d_input_grad: gy of another shape",
       [&] {
         tg::conv2d_input_grad(Variable(Tensor::from_shape({2, 3, 2, 3})), w, {2, 1, 5, 5});
       },
       TG_ERROR(tg::shape_error), "conv2d_input_grad: gy is (2,3,2,3), the geometry says (2,3,3,3)"},
      {"conv2d_weight_grad: x and the kernel disagree",
       [&] {
         tg::conv2d_weight_grad(x, Variable(Tensor::from_shape({2, 3, 3, 3})), {3, 2, 3, 3});
       },
       TG_ERROR(tg::shape_error),
       "conv2d_weight_grad: x (2,1,5,5) and w (3,2,3,3): 1 input channel, the kernel expects 2"},
  });
}
