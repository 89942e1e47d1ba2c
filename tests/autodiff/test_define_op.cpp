// define_op (autodiff/define_op.cpp): a user adds an op with the same mechanism as the built-ins.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "autodiff/xtensor_headers.hpp"
#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// swish(x) = x σ(x)       ∂C/∂x = gy ⊙ (σ(x) + x σ(x)(1 − σ(x)))
Variable swish(const Variable& x) {
  const Tensor& v = x.value();
  return tg::define_op("swish", v / (1.0 + xt::exp(-v)), {{x, [](const tg::Backward& ctx) {
                                                             const Variable s = tg::sigmoid(ctx.x(0));
                                                             return ctx.gy * (s + ctx.x(0) * s * (1.0 - s));
                                                           }}});
}

}  // namespace

TEST_CASE("a user-defined op records, backpropagates and passes both checks") {
  Variable x(Tensor{-1.0, 0.0, 2.0}, true);
  Variable y = tg::sum(swish(x));
  CHECK(y.inputs()[0].op_name() == "swish");
  y.backward();
  const double s = 1.0 / (1.0 + std::exp(-2.0));
  CHECK(x.grad()(2) == doctest::Approx(s + 2.0 * s * (1.0 - s)));

  auto f = [](const std::vector<Variable>& v) { return swish(v[0]); };
  const Tensor x0 = tg::test::random_tensor({2, 3}, tg::test::Domain::any, 5);
  auto first = tg::gradcheck(f, {x0});
  CHECK_MESSAGE(first.ok, first.report);
  auto second = tg::gradgradcheck(f, {x0});
  CHECK_MESSAGE(second.ok, second.report);
}

TEST_CASE("an op on constants is a constant and keeps no edges") {
  Variable c(Tensor{1.0, 2.0});
  Variable y = swish(c);
  CHECK(y.is_leaf());
  CHECK(y.inputs().empty());
  CHECK(y.op_name() == "swish");
}

TEST_CASE("a derivative is called only for inputs that need a gradient") {
  int calls_a = 0, calls_b = 0;
  Variable a(1.0, true), b(2.0);
  Variable y = tg::define_op("pair", a.value() + b.value(),
                             {{a,
                               [&calls_a](const tg::Backward& ctx) {
                                 ++calls_a;
                                 return ctx.gy;
                               }},
                              {b, [&calls_b](const tg::Backward& ctx) {
                                 ++calls_b;
                                 return ctx.gy;
                               }}});
  y.backward();
  CHECK(calls_a == 1);
  CHECK(calls_b == 0);
}

TEST_CASE("an edge without a derivative is rejected") {
  Variable x(1.0, true);
  CHECK_THROWS_WITH_AS(tg::define_op("nod", x.value(), {{x, tg::Derivative()}}),
                       doctest::Contains("nod: input 0 has no derivative"), tg::graph_error);
}

TEST_CASE("define_op: bad arguments are clear errors") {
  using tg::test::BadInput;
  Variable x(Tensor{1.0, 2.0}, true);
  const tg::Derivative identity = [](const tg::Backward& ctx) { return ctx.gy; };
  // Derivatives that break the rules are found when backward calls them.
  const Variable hollow =
      tg::define_op("hollow", x.value(), {{x, [](const tg::Backward&) { return Variable(); }}});
  const Variable wide =
      tg::define_op("wide", x.value(),
                    {{x, [](const tg::Backward&) { return Variable(tg::filled({3}, 1.0)); }}});
  tg::test::check_bad_inputs({
      {"an empty input",
       [&] {
         (void)tg::define_op("f", x.value(), {{x, identity}, {Variable(), identity}});
       },
       TG_ERROR(tg::graph_error), "f: input 1 is an empty Variable"},
      {"an empty input (vector of edges)",
       [&] {
         (void)tg::define_op("g", x.value(), std::vector<tg::Edge>{{Variable(), identity}});
       },
       TG_ERROR(tg::graph_error), "g: input 0 is an empty Variable"},
      {"an edge without a derivative",
       [&] {
         (void)tg::define_op("nod", x.value(), {{x, tg::Derivative()}});
       },
       TG_ERROR(tg::graph_error), "nod: input 0 has no derivative"},
      {"a derivative returning an empty Variable", [&] { hollow.backward(tg::filled({2}, 1.0), true); },
       TG_ERROR(tg::graph_error),
       "backward of 'hollow' (shape (2)): the derivative for input 0 returned an empty Variable"},
      {"a derivative returning a shape that does not sum to its input's",
       [&] { wide.backward(tg::filled({2}, 1.0), true); }, TG_ERROR(tg::graph_error),
       "backward of 'wide' (shape (2)): the derivative for input 0 has shape (3), which cannot be summed to the input's shape (2)"},
  });
}
