// gradcheck and gradgradcheck (autodiff/gradcheck.cpp) catch wrong derivatives and say where.
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// y = x², with a first derivative that is wrong by a factor (3x instead of 2x).
Variable bad_square(const Variable& x) {
  return tg::define_op("bad_square", x.value() * x.value(), {
      {x, [](const tg::Backward& g) { return g.gy * 3.0 * g.x(0); }}});
}

// y = x³ with a correct first derivative 3x², but computed from a constant copy of x, so the
// recorded backward has no path back to x: the second derivative comes out 0 instead of 6x.
Variable cube_not_twice_differentiable(const Variable& x) {
  return tg::define_op("cube", x.value() * x.value() * x.value(), {
      {x, [](const tg::Backward& g) {
         const Variable c = g.x(0).detach();
         return g.gy * 3.0 * c * c;
       }}});
}

}  // namespace

TEST_CASE("gradcheck passes a correct op and counts what it compared") {
  auto r = tg::gradcheck([](const std::vector<Variable>& v) { return tg::tanh(v[0]) * v[1]; },
                         {Tensor{{0.1, 0.2, 0.3}}, tg::column({1.0, 2.0})});
  CHECK(r.ok);
  CHECK(r.entries == 6 * (3 + 2));  // output (2,3) × inputs 3 + 2 elements
  CHECK(r.max_abs_error < 1e-8);
}

TEST_CASE("gradcheck reports the input, the element, analytic and numeric values") {
  auto r = tg::gradcheck([](const std::vector<Variable>& v) { return bad_square(v[0]); },
                         {Tensor{{1.0, 2.0}, {3.0, 4.0}}});
  CHECK_FALSE(r.ok);
  CHECK(r.report.find("input 0, element (0,0)") != std::string::npos);
  CHECK(r.report.find("analytic 3") != std::string::npos);
  CHECK(r.report.find("numeric 2") != std::string::npos);
  CHECK(r.max_abs_error == doctest::Approx(4.0).epsilon(1e-6));  // at x = 4: 12 vs 8
}

TEST_CASE("gradgradcheck catches a backward that is right but not differentiable") {
  auto f = [](const std::vector<Variable>& v) { return cube_not_twice_differentiable(v[0]); };
  const std::vector<Tensor> x{Tensor{0.5, -1.5}};
  CHECK(tg::gradcheck(f, x).ok);
  auto r = tg::gradgradcheck(f, x);
  CHECK_FALSE(r.ok);
  CHECK(r.report.find("second order") != std::string::npos);
}

TEST_CASE("tolerances are options") {
  auto f = [](const std::vector<Variable>& v) { return bad_square(v[0]); };
  tg::GradcheckOptions loose;
  loose.atol = 10.0;
  CHECK(tg::gradcheck(f, {Tensor{1.0}}, loose).ok);
}

TEST_CASE("central_differences estimates ∂f/∂x element by element and puts x back") {
  Variable x(Tensor{1.0, -2.0, 0.5}, true);
  const Tensor before = x.value();
  // f(x) = Σ x³, so ∂f/∂x = 3x²
  const Tensor g = tg::central_differences(x, [&] { return tg::sum(x * x * x).item(); });
  for (std::size_t i = 0; i < 3; ++i) CHECK(g(i) == doctest::Approx(3.0 * before(i) * before(i)).epsilon(1e-8));
  CHECK(x.value() == before);
  CHECK_THROWS_AS(tg::central_differences(x * 2.0, [] { return 0.0; }), tg::graph_error);  // leaves only
}
