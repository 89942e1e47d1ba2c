// Exercise 05's check: the derivative of my_sigmoid against numbers worked out by hand, against
// central finite differences (tg::gradcheck), its own derivative against finite differences
// (tg::gradgradcheck), and against the built-in tg::sigmoid.
// Run: ctest --test-dir build -R exercises/05 --output-on-failure
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "sigmoid_op.hpp"

using tg::Shape;
using tg::Tensor;
using tg::Variable;
using tg::exercises::expect_close;
using tg::exercises::my_sigmoid;
using tg::exercises::random_size;
using tg::exercises::random_tensor;

namespace {

double sigma(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Inputs of several shapes: a scalar, a vector, a matrix (one column per example), sizes drawn
// from the run's seed.
std::vector<Shape> random_shapes() {
  std::mt19937_64 rng = tg::exercises::rng_for(7);
  return {{}, {random_size(rng, 1, 6)}, {random_size(rng, 1, 4), random_size(rng, 2, 5)}};
}

const char* const hint =
    "∂C/∂x = ∂C/∂y ⊙ y ⊙ (1 − y) with y = σ(x) (ctx.y), written with Variable ops so that the engine can "
    "differentiate it again";

}  // namespace

TEST_CASE("05 sigmoid op: ∂C/∂x at a few points, by hand") {
  // C = Σ_i c_i σ(x_i), so ∂C/∂x_i = c_i σ'(x_i) = c_i σ(x_i)(1 − σ(x_i)).
  const std::vector<double> xs = {-3.0, -0.5, 0.0, 0.25, 2.0, 8.0};
  const std::vector<double> cs = {1.0, -2.0, 0.5, 3.0, 1.0, -1.0};
  Tensor xv = Tensor::from_shape({xs.size()}), cv = Tensor::from_shape({cs.size()});
  for (std::size_t i = 0; i < xs.size(); ++i) {
    xv(i) = xs[i];
    cv(i) = cs[i];
  }
  Variable x(xv, /*requires_grad=*/true);
  const Variable y = my_sigmoid(x);
  REQUIRE(y.op_name() == "my_sigmoid");
  tg::sum(Variable(cv) * y).backward();
  REQUIRE(tg::shape_of(x.grad()) == Shape{xs.size()});
  Tensor want = Tensor::from_shape({xs.size()});
  for (std::size_t i = 0; i < xs.size(); ++i) want(i) = cs[i] * sigma(xs[i]) * (1.0 - sigma(xs[i]));
  expect_close("∂C/∂x", "x = (-3, -0.5, 0, 0.25, 2, 8), C = Σ c_i σ(x_i)", x.grad(), want, hint, 1e-9);
}

TEST_CASE("05 sigmoid op: gradcheck, your ∂C/∂x against central differences") {
  const auto f = [](const std::vector<Variable>& in) { return my_sigmoid(in[0]); };
  std::uint64_t seed = 1;
  for (const Shape& shape : random_shapes()) {
    CAPTURE(tg::shape_str(shape));
    const tg::GradcheckResult r = tg::gradcheck(f, {random_tensor(shape, -4.0, 4.0, seed++)});
    CHECK_MESSAGE(r.ok, r.report);
  }
}

TEST_CASE("05 sigmoid op: gradcheck inside a layer, σ(W x + b)") {
  // Every input's gradient passes through your derivative: W (3, 2), x (2, 4), b (3, 1).
  const auto layer = [](const std::vector<Variable>& in) {
    return my_sigmoid(tg::matmul(in[0], in[1]) + in[2]);
  };
  for (std::uint64_t seed = 10; seed < 13; ++seed) {
    CAPTURE(seed);
    const tg::GradcheckResult r = tg::gradcheck(layer, {random_tensor({3, 2}, -2.0, 2.0, seed),
                                                        random_tensor({2, 4}, -2.0, 2.0, seed + 100),
                                                        random_tensor({3, 1}, -1.0, 1.0, seed + 200)});
    CHECK_MESSAGE(r.ok, r.report);
  }
}

TEST_CASE("05 sigmoid op: gradgradcheck, your derivative can itself be differentiated") {
  // σ'' = σ'(1 − 2σ): the engine finds it only if your derivative was written with Variable ops.
  const auto f = [](const std::vector<Variable>& in) { return my_sigmoid(in[0]); };
  std::uint64_t seed = 20;
  for (const Shape& shape : random_shapes()) {
    CAPTURE(tg::shape_str(shape));
    tg::GradcheckOptions options;
    options.seed = seed;
    const tg::GradcheckResult r = tg::gradgradcheck(f, {random_tensor(shape, -3.0, 3.0, seed++)}, options);
    CHECK_MESSAGE(r.ok, r.report);
  }
}

TEST_CASE("05 sigmoid op: the same gradient and Hessian-vector product as the built-in tg::sigmoid") {
  for (std::uint64_t seed = 30; seed < 33; ++seed) {
    CAPTURE(seed);
    const Tensor x0 = random_tensor({4, 3}, -5.0, 5.0, seed);
    const Tensor v = random_tensor({4, 3}, -1.0, 1.0, seed + 100);
    // g = ∂/∂x Σ σ(x)², and H v = ∂(g · v)/∂x, with each op.
    const auto g_and_hv = [&](Variable (*op)(const Variable&)) {
      Variable x(x0, true);
      const Variable y = op(x);
      const Variable g = tg::grad({tg::sum(y * y)}, {x}, /*create_graph=*/true)[0];
      const Variable hv = tg::grad({tg::sum(g * Variable(v))}, {x})[0];
      return std::vector<Tensor>{g.value(), hv.value()};
    };
    const auto mine = g_and_hv(my_sigmoid);
    const auto builtin = g_and_hv(tg::sigmoid);
    const std::string what[] = {"the gradient of Σ σ(x)²", "the Hessian-vector product of Σ σ(x)²"};
    for (std::size_t k = 0; k < 2; ++k)
      expect_close(what[k], "a random x (4, 3), against tg::sigmoid's", mine[k], builtin[k], hint, 1e-12);
  }
}
