// gradcheck and gradgradcheck (autodiff/gradcheck.cpp) catch wrong derivatives and say where.
#include <doctest/doctest.h>

#include <functional>
#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// y = x², with a first derivative that is wrong by a factor (3x instead of 2x).
Variable bad_square(const Variable& x) {
  return tg::define_op("bad_square", x.value() * x.value(),
                       {{x, [](const tg::Backward& ctx) { return ctx.gy * 3.0 * ctx.x(0); }}});
}

// y = x³ with a correct first derivative 3x², but computed from a constant copy of x, so the
// recorded backward has no path back to x: the second derivative comes out 0 instead of 6x.
Variable cube_not_twice_differentiable(const Variable& x) {
  return tg::define_op("cube", x.value() * x.value() * x.value(), {{x, [](const tg::Backward& ctx) {
                                                                      const Variable c = ctx.x(0).detach();
                                                                      return ctx.gy * 3.0 * c * c;
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
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(g(i) == doctest::Approx(3.0 * before(i) * before(i)).epsilon(1e-8));
  CHECK(x.value() == before);
  CHECK_THROWS_AS(tg::central_differences(x * 2.0, [] { return 0.0; }), tg::graph_error);  // leaves only
}

TEST_CASE("gradcheck: bad arguments are clear errors") {
  using tg::test::BadInput;
  const auto square = [](const std::vector<Variable>& v) { return v[0] * v[0]; };
  const std::vector<Tensor> x{Tensor{1.0, 2.0}};
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const auto with = [](double eps, double atol, double rtol) {
    tg::GradcheckOptions o;
    o.eps = eps;
    o.atol = atol;
    o.rtol = rtol;
    return o;
  };
  Variable leaf(Tensor{1.0, 2.0}, true);
  tg::test::check_bad_inputs({
      {"eps 0", [&] { (void)tg::gradcheck(square, x, with(0.0, 1e-5, 1e-3)); },
       TG_ERROR(std::invalid_argument),
       "gradcheck: eps (the finite-difference step) must be a positive number, got 0"},
      {"eps negative", [&] { (void)tg::gradcheck(square, x, with(-1e-6, 1e-5, 1e-3)); },
       TG_ERROR(std::invalid_argument),
       "gradcheck: eps (the finite-difference step) must be a positive number, got -1e-06"},
      {"eps NaN", [&] { (void)tg::gradcheck(square, x, with(nan, 1e-5, 1e-3)); },
       TG_ERROR(std::invalid_argument), "must be a positive number, got nan"},
      {"atol negative", [&] { (void)tg::gradcheck(square, x, with(1e-6, -1.0, 1e-3)); },
       TG_ERROR(std::invalid_argument), "gradcheck: atol must be a finite number ≥ 0, got -1"},
      {"rtol infinite", [&] { (void)tg::gradcheck(square, x, with(1e-6, 1e-5, inf)); },
       TG_ERROR(std::invalid_argument), "gradcheck: rtol must be a finite number ≥ 0, got inf"},
      {"gradgradcheck: eps 0", [&] { (void)tg::gradgradcheck(square, x, with(0.0, 1e-5, 1e-3)); },
       TG_ERROR(std::invalid_argument),
       "gradgradcheck: eps (the finite-difference step) must be a positive number, got 0"},
      {"gradgradcheck: rtol NaN", [&] { (void)tg::gradgradcheck(square, x, with(1e-6, 1e-5, nan)); },
       TG_ERROR(std::invalid_argument), "gradgradcheck: rtol must be a finite number ≥ 0, got nan"},
      {"an empty function", [&] { (void)tg::gradcheck(tg::Function(), x); }, TG_ERROR(std::invalid_argument),
       "gradcheck: f is empty"},
      {"an empty multi-output function", [&] { (void)tg::gradcheck(tg::MultiFunction(), x); },
       TG_ERROR(std::invalid_argument), "gradcheck: f is empty"},
      {"gradgradcheck: an empty function", [&] { (void)tg::gradgradcheck(tg::Function(), x); },
       TG_ERROR(std::invalid_argument), "gradgradcheck: f is empty"},
      {"central_differences: x made by an op",
       [&] { (void)tg::central_differences(leaf * 2.0, [] { return 0.0; }); }, TG_ERROR(tg::graph_error),
       "central_differences: x ('mul', shape (2)) is the result of an op"},
      {"central_differences: an empty x",
       [] { (void)tg::central_differences(Variable(), [] { return 0.0; }); }, TG_ERROR(tg::graph_error),
       "central_differences: x is an empty Variable"},
      {"central_differences: eps 0",
       [&] {
         (void)tg::central_differences(
             leaf, [] { return 0.0; }, 0.0);
       },
       TG_ERROR(std::invalid_argument),
       "central_differences: eps (the finite-difference step) must be a positive number, got 0"},
      {"central_differences: an empty function",
       [&] { (void)tg::central_differences(leaf, std::function<double()>()); },
       TG_ERROR(std::invalid_argument), "central_differences: f is empty"},
  });
  CHECK(leaf.value() == Tensor{1.0, 2.0});  // nothing was nudged
}
