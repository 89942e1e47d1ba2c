// Elementwise functions (autodiff/ops/math.cpp): exp, log, pow, sqrt, abs, tanh, sigmoid, relu, softplus and erf
// against the C++ standard library; sigmoid far out at ±1000 (no NaN, value or gradient); and
// the derivatives at the kinks, which gradcheck cannot see: relu and abs at 0 and below.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/cephes_tanh.hpp"
#include "support/bad_input.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const Tensor any_x{{-2.0, -0.5, 0.0}, {0.5, 1.0, 3.0}};      // (2,3), any sign
const Tensor positive_x{{0.25, 1.0, 2.0}, {4.0, 9.0, 0.1}};  // (2,3), > 0

// y must have x's shape and hold f(x) element by element.
void check_elementwise(const Variable& y, const Tensor& x, const std::function<double(double)>& f) {
  REQUIRE(y.shape() == tg::shape_of(x));
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CAPTURE(x.data()[i]);
    CHECK(y.value().data()[i] == Approx(f(x.data()[i])));
  }
}

}  // namespace

TEST_CASE("math: exp, tanh, abs, relu and sigmoid match the standard library") {
  const Variable x(any_x);
  check_elementwise(tg::exp(x), any_x, [](double v) { return std::exp(v); });
  check_elementwise(tg::tanh(x), any_x, [](double v) { return std::tanh(v); });
  check_elementwise(tg::abs(x), any_x, [](double v) { return std::fabs(v); });
  check_elementwise(tg::relu(x), any_x, [](double v) { return v > 0.0 ? v : 0.0; });
  check_elementwise(tg::sigmoid(x), any_x, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
  // A few numbers known by heart.
  CHECK(tg::exp(Variable(1.0)).item() == Approx(2.718281828459045));
  CHECK(tg::sigmoid(Variable(0.0)).item() == 0.5);
  CHECK(tg::tanh(Variable(0.0)).item() == 0.0);
  CHECK(tg::abs(Variable(-3.5)).item() == 3.5);
  CHECK(tg::relu(Variable(-3.5)).item() == 0.0);
}

TEST_CASE(
    "math: cephes_tanh, the WebAssembly build's tanh, equals std::tanh to a relative 2ε, signs and limits included") {
  for (double x = -20.0; x <= 20.0; x += 0.00390625 * 0.999) {  // both branches and the switch at 5/8
    CAPTURE(x);
    const double expected = std::tanh(x);
    CHECK(std::abs(tg::detail::cephes_tanh(x) - expected) <=
          2.0 * std::numeric_limits<double>::epsilon() * std::abs(expected));
  }
  for (double x : {1e-300, 1e-20, 0.625, std::nextafter(0.625, 0.0), 400.0}) {
    CAPTURE(x);
    CHECK(tg::detail::cephes_tanh(x) == Approx(std::tanh(x)).epsilon(1e-15));
    CHECK(tg::detail::cephes_tanh(-x) == -tg::detail::cephes_tanh(x));
  }
  CHECK(std::signbit(tg::detail::cephes_tanh(-0.0)));
  CHECK(tg::detail::cephes_tanh(std::numeric_limits<double>::infinity()) == 1.0);
  CHECK(tg::detail::cephes_tanh(-std::numeric_limits<double>::infinity()) == -1.0);
  CHECK(std::isnan(tg::detail::cephes_tanh(std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("math: log and sqrt match the standard library on positive inputs") {
  const Variable x(positive_x);
  check_elementwise(tg::log(x), positive_x, [](double v) { return std::log(v); });
  check_elementwise(tg::sqrt(x), positive_x, [](double v) { return std::sqrt(v); });
  CHECK(tg::log(Variable(1.0)).item() == 0.0);
  CHECK(tg::log(tg::exp(Variable(2.5))).item() == Approx(2.5));
  CHECK(tg::sqrt(Variable(9.0)).item() == Approx(3.0));
}

TEST_CASE("math: pow with a double exponent") {
  check_elementwise(tg::pow(Variable(any_x), 3.0), any_x, [](double v) { return v * v * v; });
  check_elementwise(tg::pow(Variable(any_x), 2.0), any_x, [](double v) { return v * v; });
  check_elementwise(tg::pow(Variable(positive_x), 0.5), positive_x, [](double v) { return std::sqrt(v); });
  check_elementwise(tg::pow(Variable(positive_x), -1.5), positive_x,
                    [](double v) { return 1.0 / (v * std::sqrt(v)); });
  CHECK(tg::pow(Variable(2.0), 10.0).item() == Approx(1024.0));
}

TEST_CASE("math: pow with p = 0 is 1 everywhere (0⁰ included) and has gradient 0") {
  Variable x(any_x, true);  // contains 0
  const Variable y = tg::pow(x, 0.0);
  check_elementwise(y, any_x, [](double) { return 1.0; });
  tg::sum(y).backward();
  for (double g : x.grad()) {
    CHECK(std::isfinite(g));
    CHECK(g == 0.0);
  }
}

TEST_CASE("math: pow with a Variable exponent, elementwise and broadcast") {
  const Variable x(Tensor{2.0, 3.0, 0.5, 4.0}), p(Tensor{3.0, -1.0, 2.0, 0.5});
  const Variable y = tg::pow(x, p);
  REQUIRE(y.shape() == Shape{4});
  CHECK(y.value()(0) == Approx(8.0));
  CHECK(y.value()(1) == Approx(1.0 / 3.0));
  CHECK(y.value()(2) == Approx(0.25));
  CHECK(y.value()(3) == Approx(2.0));

  // (2,1) ** (1,3) -> (2,3): x_i ** p_j.
  Tensor xc = Tensor::from_shape({2, 1});
  xc(0, 0) = 2.0;
  xc(1, 0) = 3.0;
  const Variable z = tg::pow(Variable(xc), Variable(Tensor{{0.0, 1.0, 2.0}}));
  REQUIRE(z.shape() == Shape{2, 3});
  const std::vector<double> expected{1, 2, 4, 1, 3, 9};
  for (std::size_t i = 0; i < 6; ++i) CHECK(z.value().data()[i] == Approx(expected[i]));

  // The exponent's own gradient: ∂(xᵖ)/∂p = xᵖ ln x;  for 2³: 8 ln 2.
  Variable base(2.0, true), power(3.0, true);
  tg::pow(base, power).backward();
  CHECK(power.grad()() == Approx(8.0 * std::log(2.0)));
  CHECK(base.grad()() == Approx(12.0));  // p xᵖ⁻¹ = 3·4
}

TEST_CASE("math: pow with exponent shapes that do not broadcast names pow and both shapes") {
  const Variable x(tg::filled({2, 3}, 2.0)), p(tg::filled({2}, 1.0));
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("pow"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("(2)"), tg::shape_error);
}

TEST_CASE("math: sigmoid at ±1000 is exactly 0 and 1, and its gradient there is 0, not NaN") {
  Variable x(Tensor{-1000.0, 1000.0}, true);
  const Variable y = tg::sigmoid(x);
  CHECK(std::isfinite(y.value()(0)));
  CHECK(std::isfinite(y.value()(1)));
  CHECK(y.value()(0) == 0.0);
  CHECK(y.value()(1) == 1.0);
  tg::sum(y).backward();
  CHECK(std::isfinite(x.grad()(0)));
  CHECK(std::isfinite(x.grad()(1)));
  CHECK(x.grad()(0) == 0.0);
  CHECK(x.grad()(1) == 0.0);
}

TEST_CASE("math: sigmoid and tanh gradients at 0 are 1/4 and 1") {
  Variable x(0.0, true);
  tg::sigmoid(x).backward();
  CHECK(x.grad()() == Approx(0.25));
  Variable t(0.0, true);
  tg::tanh(t).backward();
  CHECK(t.grad()() == Approx(1.0));
}

TEST_CASE("math: relu's gradient is 0 for negative inputs (and at 0), 1 for positive ones") {
  Variable x(Tensor{-2.0, -0.5, 0.0, 0.5, 3.0}, true);
  tg::relu(x).backward(Tensor{10.0, 10.0, 10.0, 10.0, 10.0});
  const std::vector<double> expected{0, 0, 0, 10, 10};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(x.grad()(i) == expected[i]);
  }
  // Recorded, the same derivative is one op, relu_grad, in one pass.
  const std::vector<Variable> g = tg::grad({tg::sum(tg::relu(x))}, {x}, /*create_graph=*/true);
  CHECK(g[0].op_name() == "relu_grad");
  CHECK(g[0].value() == Tensor{0.0, 0.0, 0.0, 1.0, 1.0});
}

TEST_CASE("math: abs's gradient is the sign, with sign(0) = 0") {
  Variable x(Tensor{-2.0, 0.0, 3.0}, true);
  tg::sum(tg::abs(x)).backward();
  CHECK(x.grad()(0) == -1.0);
  CHECK(x.grad()(1) == 0.0);
  CHECK(x.grad()(2) == 1.0);
}

TEST_CASE("math: erf matches the standard library, and its derivative is (2/√π) e^{−x²}") {
  check_elementwise(tg::erf(Variable(any_x)), any_x, [](double v) { return std::erf(v); });
  CHECK(tg::erf(Variable(0.0)).item() == 0.0);
  CHECK(tg::erf(Variable(1.0)).item() == Approx(0.8427007929497149));
  CHECK(tg::erf(Variable(-1.0)).item() == Approx(-0.8427007929497149));
  Variable x(Tensor{0.0, 1.0}, true);
  tg::sum(tg::erf(x)).backward();
  CHECK(x.grad()(0) == Approx(1.1283791670955126));  // 2/√π
  CHECK(x.grad()(1) == Approx(1.1283791670955126 * std::exp(-1.0)));
}

namespace {

// References, computed the stable way: σ(x) = 1/(1 + e^{−x}) for x ≥ 0, e^x/(1 + e^x) below;
// σ' = σ(1 − σ) written with e^{−|x|} so that it keeps its digits where σ rounds to 1.
double sigma(double x) { return x >= 0.0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }
double sigma_prime(double x) {
  const double e = std::exp(-std::abs(x));
  return e / ((1.0 + e) * (1.0 + e));
}
double softplus_ref(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

const std::vector<double> far_out{-1e4, -1000.0, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0, 1000.0, 1e4};

// y = f(x) elementwise at far_out: its values, its derivative f' (from tg::grad with
// create_graph) and its second derivative f'' (a grad of that grad), all finite, all under
// detect_anomaly, each within 1e-12 of the reference (relative, or absolute near 0).
void check_far_out(const std::function<Variable(const Variable&)>& f,
                   const std::function<double(double)>& value, const std::function<double(double)>& first,
                   const std::function<double(double)>& second) {
  Tensor xv = Tensor::from_shape({far_out.size()});
  std::copy(far_out.begin(), far_out.end(), xv.begin());
  tg::detect_anomaly guard;
  Variable x(xv, true);
  const Variable y = f(x);
  const Variable g = tg::grad({tg::sum(y)}, {x}, /*create_graph=*/true)[0];  // f'(x_i)
  const Variable h = tg::grad({tg::sum(g)}, {x})[0];                         // f''(x_i)
  for (std::size_t i = 0; i < far_out.size(); ++i) {
    const double v = far_out[i];
    CAPTURE(v);
    CHECK(std::isfinite(y.value()(i)));
    CHECK(std::isfinite(g.value()(i)));
    CHECK(std::isfinite(h.value()(i)));
    CHECK(y.value()(i) == Approx(value(v)).epsilon(1e-12));
    CHECK(g.value()(i) == Approx(first(v)).epsilon(1e-12));
    CHECK(h.value()(i) == Approx(second(v)).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("math: sigmoid from −1e4 to 1e4: values, first and second derivatives finite and right") {
  // σ(−1000) = e^{−1000} → 0 and σ(1000) → 1 exactly; σ' = σ(1 − σ) → 0 there, not NaN;
  // σ'' = σ'(1 − 2σ).
  check_far_out([](const Variable& x) { return tg::sigmoid(x); }, sigma, sigma_prime,
                [](double x) { return sigma_prime(x) * (1.0 - 2.0 * sigma(x)); });
  const Variable y = tg::sigmoid(Variable(Tensor{-1000.0, 1000.0}));
  CHECK(y.value()(0) == 0.0);
  CHECK(y.value()(1) == 1.0);
}

TEST_CASE("math: softplus from −1e4 to 1e4 (the cross-entropy's building block): no overflow, no NaN") {
  // softplus(1e4) = 1e4 (e^{1e4} would overflow), softplus(−1e4) = e^{−1e4} → 0; softplus' = σ,
  // softplus'' = σ'.
  check_far_out([](const Variable& x) { return tg::softplus(x); }, softplus_ref, sigma, sigma_prime);
  CHECK(tg::softplus(Variable(1000.0)).item() == 1000.0);
  CHECK(tg::softplus(Variable(-1000.0)).item() == 0.0);
}

TEST_CASE(
    "math: outside a function's domain the value is NaN, as in the standard library, and detect_anomaly names the op") {
  // A documented choice (autodiff/ops/math.hpp): numerics, not a precondition.
  CHECK(std::isnan(tg::log(Variable(-1.0)).item()));
  CHECK(tg::log(Variable(0.0)).item() == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(tg::sqrt(Variable(-4.0)).item()));
  CHECK(std::isnan(tg::pow(Variable(-8.0), 1.0 / 3.0).item()));  // no real cube root is chosen
  CHECK(tg::pow(Variable(-2.0), 3.0).item() == -8.0);            // an integral p is fine
  tg::detect_anomaly guard;
  CHECK_THROWS_WITH_AS(tg::pow(Variable(Tensor{8.0, -8.0}), 1.0 / 3.0),
                       doctest::Contains("'pow' produced nan in its forward value (element (1) of (2))"),
                       tg::anomaly_error);
}

TEST_CASE("math: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable x(tg::filled({2, 3}, 2.0));
  tg::test::check_bad_inputs({
      {"pow: exponent shapes that do not broadcast",
       [&] { (void)tg::pow(x, Variable(tg::filled({2}, 1.0))); }, TG_ERROR(tg::shape_error),
       "pow: (2,3) and (2) cannot be broadcast together: extents 3 and 2 differ on axis -1"},
      {"relu_grad: u and x of different shapes",
       [&] {
         (void)tg::relu_grad(x, Variable(tg::filled({3, 2}, 1.0)));
       },
       TG_ERROR(tg::shape_error), "relu_grad: u (2,3) and x (3,2) must have one shape"},
      {"exp: an empty Variable", [] { (void)tg::exp(Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
      {"pow: an empty exponent", [&] { (void)tg::pow(x, Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
      // Outside the domain is NaN, not an error; detect_anomaly makes it one, naming the op.
      {"log of −1 under detect_anomaly",
       [] {
         tg::detect_anomaly g;
         (void)tg::log(Variable(Tensor{1.0, -1.0}));
       },
       TG_ERROR(tg::anomaly_error),
       "detect_anomaly: 'log' produced nan in its forward value (element (1) of (2))"},
      {"sqrt of −4 under detect_anomaly",
       [] {
         tg::detect_anomaly g;
         (void)tg::sqrt(Variable(-4.0));
       },
       TG_ERROR(tg::anomaly_error), "detect_anomaly: 'sqrt' produced nan in its forward value"},
      {"(−8)^(1/3) under detect_anomaly",
       [] {
         tg::detect_anomaly g;
         (void)tg::pow(Variable(-8.0), 1.0 / 3.0);
       },
       TG_ERROR(tg::anomaly_error), "detect_anomaly: 'pow' produced nan in its forward value"},
  });
}
