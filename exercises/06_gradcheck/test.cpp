// Exercise 06's check: your central differences against tg::central_differences and against the
// exact O(h²) error of a cubic, your relative error and report against the definitions, and your
// whole check against tg::gradcheck, on correct ops (it must say ok) and on ops with a planted
// wrong derivative (it must not: a check that always says "ok" fails). Run: scripts/grade.sh 06
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "gradcheck.hpp"

namespace ex = tg::exercises;
using ex::expect_close;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint_numeric =
    "(f(x + h e_i) − f(x − h e_i)) / 2h: a step to each side (not f(x + h e_i) − f(x)), and divided by 2h";
const char* const hint_report =
    "relative error |a − n| / max(|a|, |n|, floor); first_wrong: the first element whose error is above "
    "tolerance; worst: the largest error";

constexpr double h = 1e-5, tolerance = 1e-5, floor_ = 1e-3;  // the check's settings in every case below

// A random shape: a vector or a matrix, sizes from the run's seed.
Shape random_shape(std::mt19937_64& rng) {
  if (rng() % 2 == 0) return {ex::random_size(rng, 2, 7)};
  return {ex::random_size(rng, 2, 4), ex::random_size(rng, 2, 4)};
}

// A named scalar function C = Σ v ⊙ op(x) of one tensor, v fixed and random: every element of
// op's Jacobian counts.
struct Case {
  std::string name;
  std::function<Variable(const Variable&)> op;
};

std::function<Variable(const Variable&)> weighted_sum(const std::function<Variable(const Variable&)>& op,
                                                      const Tensor& v) {
  return [op, v](const Variable& x) { return tg::sum(Variable(v) * op(x)); };
}

std::vector<Case> correct_ops() {
  return {{"tanh(x)", [](const Variable& x) { return tg::tanh(x); }},
          {"sigmoid(x) ⊙ x", [](const Variable& x) { return tg::sigmoid(x) * x; }},
          {"exp(x) / (1 + x ⊙ x)", [](const Variable& x) { return tg::exp(x) / (1.0 + x * x); }},
          {"log_softmax(x) along the last axis",
           [](const Variable& x) { return tg::log_softmax(x, static_cast<int>(x.shape().size()) - 1); }}};
}

// Ops whose derivative is deliberately wrong (made with tg::define_op): everywhere, or only at
// some elements (|x| whose derivative forgets the sign: wrong where x < 0).
std::vector<Case> wrong_ops() {
  using tg::Backward;
  return {
      {"x² with derivative x (the 2 forgotten)",
       [](const Variable& x) {
         return tg::define_op("square_wrong", x.value() * x.value(),
                              {{x, [](const Backward& c) { return c.gy * c.x(0); }}});
       }},
      {"tanh with derivative 1 − y (not 1 − y²)",
       [](const Variable& x) {
         return tg::define_op("tanh_wrong", tg::tanh(x).value(),
                              {{x, [](const Backward& c) { return c.gy * (1.0 - c.y); }}});
       }},
      {"|x| with derivative 1 (the sign forgotten: wrong where x < 0 only)", [](const Variable& x) {
         return tg::define_op("abs_wrong", tg::abs(x).value(), {{x, [](const Backward& c) { return c.gy; }}});
       }}};
}

// x for a case: entries in [−2, 2] kept 0.2 away from 0 (|x| has no derivative there), the
// first positive and the last negative, so that |x|'s wrong elements are neither none nor the first.
Tensor case_input(const Shape& shape, std::mt19937_64& rng) {
  Tensor x = ex::random_tensor(shape, -2.0, 2.0, rng);
  for (double& e : x) e += e < 0 ? -0.2 : 0.2;
  x.data()[0] = std::abs(x.data()[0]);
  x.data()[x.size() - 1] = -std::abs(x.data()[x.size() - 1]);
  return x;
}

// The test's own report of analytic against numeric, from the definitions (to compare yours with).
ex::GradientCheck reference_report(const Tensor& a, const Tensor& n) {
  ex::GradientCheck r;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(a.data()[i] - n.data()[i]);
    const double scale = std::max({std::abs(a.data()[i]), std::abs(n.data()[i]), floor_});
    const double e = std::isnan(d) ? INFINITY : d / scale;
    if (e > r.worst_error) r.worst_error = e, r.worst = i;
    if (e > tolerance && r.ok) r.ok = false, r.first_wrong = i;
  }
  return r;
}

// Compares your report with the expected one: ok, first_wrong, worst and its error.
void expect_report(const std::string& input, const ex::GradientCheck& got, const ex::GradientCheck& want) {
  ex::expect_equal("ok (1 yes, 0 no)", input, got.ok, want.ok, hint_report);
  if (!want.ok)
    ex::expect_equal("first_wrong", input, static_cast<long long>(got.first_wrong),
                     static_cast<long long>(want.first_wrong), hint_report);
  ex::expect_equal("worst", input, static_cast<long long>(got.worst), static_cast<long long>(want.worst),
                   hint_report);
  if (std::isfinite(want.worst_error) && want.worst_error > 0)
    expect_close("worst_error", input, got.worst_error, want.worst_error, hint_report, 1e-6);
}

}  // namespace

TEST_CASE("06 gradcheck: numeric_gradient, the same numbers as tg::central_differences") {
  std::mt19937_64 rng = ex::rng_for(601);
  for (const Case& c : correct_ops()) {
    const Shape shape = random_shape(rng);
    const Tensor x = case_input(shape, rng);
    const auto C = weighted_sum(c.op, ex::random_tensor(shape, -1.0, 1.0, rng));
    const auto f = [&C](const Tensor& t) {
      tg::no_grad guard;
      return C(Variable(t)).item();
    };
    for (const double step : {1e-3, 1e-6}) {
      Variable leaf(x, true);
      const Tensor want = tg::central_differences(
          leaf, [&] { return C(leaf).item(); }, step);
      const std::string input =
          "C = Σ v ⊙ " + c.name + ", x " + tg::shape_str(shape) + ", h = " + std::to_string(step);
      expect_close("numeric_gradient", input, ex::numeric_gradient(f, x, step), want, hint_numeric, 1e-9);
    }
  }
}

TEST_CASE("06 gradcheck: numeric_gradient's error is O(h²): a cubic, where it is exactly c h²") {
  // f = Σ c_i x_i³: (f(x + h e_i) − f(x − h e_i)) / 2h = c_i (3 x_i² + h²), exactly; one-sided, c_i (3 x_i² + 3 x_i h + h²)
  std::mt19937_64 rng = ex::rng_for(602);
  const Shape shape = random_shape(rng);
  const Tensor x = ex::random_tensor(shape, -2.0, 2.0, rng), c = ex::random_tensor(shape, -1.0, 1.0, rng);
  const auto f = [&c](const Tensor& t) {
    double s = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) s += c.data()[i] * t.data()[i] * t.data()[i] * t.data()[i];
    return s;
  };
  const double step = 1e-2;
  Tensor want = Tensor::from_shape(shape);
  for (std::size_t i = 0; i < x.size(); ++i)
    want.data()[i] = c.data()[i] * (3 * x.data()[i] * x.data()[i] + step * step);
  expect_close("numeric_gradient", "f = Σ c_i x_i³, x " + tg::shape_str(shape) + ", h = 0.01",
               ex::numeric_gradient(f, x, step), want, hint_numeric, 1e-9);
}

TEST_CASE("06 gradcheck: relative_error, relative for large numbers, absolute ÷ floor near 0") {
  std::mt19937_64 rng = ex::rng_for(603);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  // (analytic, numeric, floor): large, of either sign, tiny (the floor counts), one of them 0
  const double a = 10 * u(rng), b = 10 * u(rng), t = 1e-9 * u(rng);
  const std::vector<std::vector<double>> cases = {
      {a, b, 1e-3}, {a, -b, 1e-3}, {t, 3 * t, 1e-6}, {0.0, b, 1e-3}, {a, a * (1 + 1e-7), 1e-3}};
  for (const auto& k : cases) {
    const double want = std::abs(k[0] - k[1]) / std::max({std::abs(k[0]), std::abs(k[1]), k[2]});
    const std::string input = "analytic " + std::to_string(k[0]) + ", numeric " + std::to_string(k[1]) +
                              ", floor " + std::to_string(k[2]);
    expect_close("relative_error", input, ex::relative_error(k[0], k[1], k[2]), want, hint_report, 1e-12);
  }
  CHECK_MESSAGE(ex::relative_error(0.0, 0.0, 1e-3) == 0.0,
                "relative_error(0, 0, floor) must be 0 (the floor keeps 0/0 away)");
}

TEST_CASE("06 gradcheck: compare_gradients reports the first wrong and the worst element") {
  std::mt19937_64 rng = ex::rng_for(604);
  for (int round = 0; round < 4; ++round) {
    const Shape shape = random_shape(rng);
    const Tensor a = ex::random_tensor(shape, -3.0, 3.0, rng);
    // numeric: a, each element off by its own relative error: about 1e-9 (fine), and from
    // element `wrong` on, every few elements, 1 % to 9 % (wrong); all different, so no tie
    Tensor n = a;
    for (std::size_t i = 0; i < a.size(); ++i) n.data()[i] *= 1 + 1e-9 * (1 + 0.1 * double(i));
    std::uniform_real_distribution<double> percent(0.01, 0.09);
    const std::size_t wrong = round == 0 ? 0 : ex::random_size(rng, 0, a.size() - 1);
    for (std::size_t i = wrong; i < a.size() && round > 0; i += ex::random_size(rng, 1, 3))
      n.data()[i] = a.data()[i] * (1 + percent(rng));
    if (round == 3) n.data()[a.size() - 1] = NAN;  // never ok, and the worst of all
    const std::string input =
        "analytic " + tg::shape_str(shape) + " and a numeric gradient with " +
        (round == 0 ? std::string("no wrong element") : "wrong elements from " + std::to_string(wrong)) +
        (round == 3 ? ", the last NaN" : "");
    expect_report(input, ex::compare_gradients(a, n, tolerance, floor_), reference_report(a, n));
  }
}

TEST_CASE("06 gradcheck: check_gradient says ok on correct ops, as tg::gradcheck does") {
  std::mt19937_64 rng = ex::rng_for(605);
  for (const Case& c : correct_ops()) {
    const Shape shape = random_shape(rng);
    const Tensor x = case_input(shape, rng);
    const auto C = weighted_sum(c.op, ex::random_tensor(shape, -1.0, 1.0, rng));
    const std::string input = "C = Σ v ⊙ " + c.name + ", x " + tg::shape_str(shape);
    REQUIRE_MESSAGE(tg::gradcheck([&](const std::vector<Variable>& in) { return c.op(in[0]); }, {x}).ok,
                    input);
    const ex::GradientCheck got = ex::check_gradient(C, x, h, tolerance, floor_);
    ex::expect_equal("ok (1 yes, 0 no)", input, got.ok, 1, hint_numeric);
    CHECK_MESSAGE(got.worst_error <= tolerance,
                  input << ": worst_error " << got.worst_error << " > tolerance");
  }
}

TEST_CASE(
    "06 gradcheck: check_gradient catches wrong derivatives, as tg::gradcheck does, at the same element") {
  std::mt19937_64 rng = ex::rng_for(606);
  for (const Case& c : wrong_ops()) {
    const Shape shape = random_shape(rng);
    const Tensor x = case_input(shape, rng);
    const auto C = weighted_sum(c.op, ex::random_tensor(shape, 0.5, 1.0, rng));
    const std::string input = "C = Σ v ⊙ " + c.name + ", x " + tg::shape_str(shape);
    REQUIRE_MESSAGE(!tg::gradcheck([&](const std::vector<Variable>& in) { return c.op(in[0]); }, {x}).ok,
                    input);
    // the expected report: the engine's gradient against tapegrad's central differences
    Variable leaf(x, true);
    C(leaf).backward();
    const Tensor numeric = tg::central_differences(
        leaf, [&] { return C(leaf).item(); }, h);
    expect_report(input, ex::check_gradient(C, x, h, tolerance, floor_),
                  reference_report(leaf.grad(), numeric));
  }
}
