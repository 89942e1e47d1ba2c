// softmax and log_softmax (autodiff/ops/softmax.cpp): each slice along the axis sums to 1 and
// matches eˣ/Σeˣ; far-out inputs (±1000), where the naive formula overflows, still give finite,
// correct values and first and second derivatives (under detect_anomaly); log_softmax agrees
// with log(softmax); a bad axis or an empty one is an error.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const Tensor x_values{{1.0, 2.0, 3.0}, {-1.0, 0.0, 4.0}};  // (2,3), moderate

// t must have shape `shape` and hold `expected` in row-major order.
void check_tensor(const Tensor& t, const Shape& shape, const std::vector<double>& expected) {
  REQUIRE(tg::shape_of(t) == shape);
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite(t.data()[i]));
    CHECK(t.data()[i] == Approx(expected[i]));
  }
}

bool all_finite(const Tensor& t) {
  for (double v : t)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST_CASE("softmax: each row (axis -1 or 1) sums to 1") {
  const Variable x(x_values);
  for (int axis : {1, -1}) {
    CAPTURE(axis);
    const Tensor y = tg::softmax(x, axis).value();
    REQUIRE(tg::shape_of(y) == Shape{2, 3});
    for (std::size_t i = 0; i < 2; ++i) CHECK(y(i, 0) + y(i, 1) + y(i, 2) == Approx(1.0));
    for (double v : y) CHECK(v > 0.0);
  }
}

TEST_CASE("softmax: each column (axis 0) sums to 1") {
  const Tensor y = tg::softmax(Variable(x_values), 0).value();
  REQUIRE(tg::shape_of(y) == Shape{2, 3});
  for (std::size_t j = 0; j < 3; ++j) CHECK(y(0, j) + y(1, j) == Approx(1.0));
  // Column 0 holds 1 and −1: e¹/(e¹ + e⁻¹).
  CHECK(y(0, 0) == Approx(std::exp(1.0) / (std::exp(1.0) + std::exp(-1.0))));
}

TEST_CASE("softmax: equals exp(x) / sum(exp(x)) for moderate inputs") {
  const Tensor y = tg::softmax(Variable(x_values), -1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    double z = 0.0;
    for (std::size_t j = 0; j < 3; ++j) z += std::exp(x_values(i, j));
    for (std::size_t j = 0; j < 3; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(y(i, j) == Approx(std::exp(x_values(i, j)) / z));
    }
  }
  // softmax([1, 2, 3]), to the digits.
  check_tensor(tg::softmax(Variable(Tensor{1.0, 2.0, 3.0}), 0).value(), {3},
               {0.09003057317038046, 0.24472847105479764, 0.6652409557748219});
}

TEST_CASE("softmax: the middle axis of a 3-D tensor") {
  Tensor xv = Tensor::from_shape({2, 3, 2});
  for (std::size_t i = 0; i < xv.size(); ++i) xv.data()[i] = 0.3 * static_cast<double>(i) - 1.0;
  const Tensor y = tg::softmax(Variable(xv), 1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      const double z = std::exp(xv(i, 0, k)) + std::exp(xv(i, 1, k)) + std::exp(xv(i, 2, k));
      CHECK(y(i, 0, k) + y(i, 1, k) + y(i, 2, k) == Approx(1.0));
      for (std::size_t j = 0; j < 3; ++j) CHECK(y(i, j, k) == Approx(std::exp(xv(i, j, k)) / z));
    }
  }
}

TEST_CASE("softmax: adding a constant to the inputs changes nothing, even 1000") {
  const Tensor y = tg::softmax(Variable(x_values), -1).value();
  const Tensor y_shifted = tg::softmax(Variable(x_values) + 1000.0, -1).value();
  REQUIRE(all_finite(y_shifted));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y_shifted.data()[i] == Approx(y.data()[i]));
}

TEST_CASE("softmax: {1000, -1000, 0} and {1000, 1000} give finite, correct values") {
  // e¹⁰⁰⁰ overflows a double; the answers are still 1, 0, 0 (e⁻¹⁰⁰⁰ and e⁻²⁰⁰⁰ underflow to 0).
  check_tensor(tg::softmax(Variable(Tensor{1000.0, -1000.0, 0.0}), 0).value(), {3}, {1, 0, 0});
  check_tensor(tg::softmax(Variable(Tensor{1000.0, 1000.0}), 0).value(), {2}, {0.5, 0.5});
  check_tensor(tg::softmax(Variable(Tensor{-1000.0, -1000.0}), 0).value(), {2}, {0.5, 0.5});
}

TEST_CASE("log_softmax: {1000, -1000, 0} and {1000, 1000} give finite, correct values") {
  // ln Σ eˣ = 1000 + ln(1 + e⁻²⁰⁰⁰ + e⁻¹⁰⁰⁰) = 1000 (to double precision).
  check_tensor(tg::log_softmax(Variable(Tensor{1000.0, -1000.0, 0.0}), 0).value(), {3},
               {0.0, -2000.0, -1000.0});
  const double ln2 = std::numbers::ln2;
  check_tensor(tg::log_softmax(Variable(Tensor{1000.0, 1000.0}), 0).value(), {2}, {-ln2, -ln2});
  check_tensor(tg::log_softmax(Variable(Tensor{-1000.0, -1000.0}), 0).value(), {2}, {-ln2, -ln2});
}

TEST_CASE("softmax: gradients at ±1000 are finite and equal y ⊙ (g − Σ g y)") {
  // x = {1000, 1000}: y = {½, ½}; seed g = {1, 3}: Σ g y = 2, so ∂C/∂x = {½(1−2), ½(3−2)}.
  Variable x(Tensor{1000.0, 1000.0}, true);
  tg::softmax(x, 0).backward(Tensor{1.0, 3.0});
  check_tensor(x.grad(), {2}, {-0.5, 0.5});

  // x = {1000, −1000, 0}: y = {1, 0, 0}; seed {1, 2, 3}: Σ g y = 1, so ∂C/∂x = {0, 0, 0}.
  Variable z(Tensor{1000.0, -1000.0, 0.0}, true);
  tg::softmax(z, 0).backward(Tensor{1.0, 2.0, 3.0});
  check_tensor(z.grad(), {3}, {0, 0, 0});
}

TEST_CASE("log_softmax: gradients at ±1000 are finite and equal g − softmax ⊙ Σ g") {
  // x = {1000, 1000}: softmax = {½, ½}; seed {1, 3}: Σ g = 4, so ∂C/∂x = {1 − 2, 3 − 2}.
  Variable x(Tensor{1000.0, 1000.0}, true);
  tg::log_softmax(x, 0).backward(Tensor{1.0, 3.0});
  check_tensor(x.grad(), {2}, {-1, 1});

  // x = {1000, −1000, 0}: softmax = {1, 0, 0}; seed {1, 2, 3}: Σ g = 6, so ∂C/∂x = {1−6, 2, 3}.
  Variable z(Tensor{1000.0, -1000.0, 0.0}, true);
  tg::log_softmax(z, 0).backward(Tensor{1.0, 2.0, 3.0});
  check_tensor(z.grad(), {3}, {-5, 2, 3});
}

TEST_CASE("log_softmax equals log(softmax) and x − ln Σ eˣ for moderate inputs") {
  const Variable x(x_values);
  for (int axis : {0, 1, -1}) {
    CAPTURE(axis);
    const Tensor ls = tg::log_softmax(x, axis).value();
    const Tensor lsm = tg::log(tg::softmax(x, axis)).value();
    REQUIRE(tg::shape_of(ls) == Shape{2, 3});
    for (std::size_t i = 0; i < ls.size(); ++i) CHECK(ls.data()[i] == Approx(lsm.data()[i]));
  }
  const Tensor ls = tg::log_softmax(x, -1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    const double lse =
        std::log(std::exp(x_values(i, 0)) + std::exp(x_values(i, 1)) + std::exp(x_values(i, 2)));
    for (std::size_t j = 0; j < 3; ++j) CHECK(ls(i, j) == Approx(x_values(i, j) - lse));
  }
}

TEST_CASE("softmax and log_softmax: an axis out of range names the op, axis and shape") {
  const Variable x(x_values);  // (2,3)
  CHECK_THROWS_AS(tg::softmax(x, 2), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(x, 2), doctest::Contains("softmax: axis 2"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(x, 2), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(x, -3), doctest::Contains("log_softmax"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(x, -3), doctest::Contains("axis -3"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(Variable(1.0), 0), doctest::Contains("()"), tg::shape_error);
}

namespace {

// Σ_i a_i b_i of two equal-length vectors.
double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// t must hold `expected` to within 1e-12 (relative, or absolute near 0), and be finite.
void check_values(const Tensor& t, const std::vector<double>& expected) {
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite(t.data()[i]));
    CHECK(t.data()[i] == Approx(expected[i]).epsilon(1e-12));
  }
}

// One far-out input: x, and softmax(x) and log_softmax(x) in closed form.
struct FarOut {
  const char* what;
  Tensor x;
  std::vector<double> p;     // softmax(x)
  std::vector<double> logp;  // log_softmax(x)
};

std::vector<FarOut> far_out_inputs() {
  const double ln2 = std::numbers::ln2, ln3 = std::log(3.0);
  const double s1 = 1.0 / (1.0 + std::exp(-1.0));  // σ(1)
  return {
      // e^{−1000} underflows to 0: softmax([1000, 0]) = [1, 0], log_softmax = [0, −1000].
      {"[1000, 0]", Tensor{1000.0, 0.0}, {1.0, 0.0}, {0.0, -1000.0}},
      {"[-1000, 0]", Tensor{-1000.0, 0.0}, {0.0, 1.0}, {-1000.0, 0.0}},
      // e^{−1000} underflows too, but the shift by the maximum makes every term e⁰ = 1.
      {"[-1000, -1000, -1000]",
       Tensor{-1000.0, -1000.0, -1000.0},
       {1.0 / 3, 1.0 / 3, 1.0 / 3},
       {-ln3, -ln3, -ln3}},
      {"[1e4, -1e4, 0.5, -0.25]",
       Tensor{1e4, -1e4, 0.5, -0.25},
       {1.0, 0.0, 0.0, 0.0},
       {0.0, -2e4, 0.5 - 1e4, -0.25 - 1e4}},
      // Two equal far-out winners share; the small values in between get e^{−1000} → 0.
      {"[1000, 0.001, -0.002, 1000]",
       Tensor{1000.0, 0.001, -0.002, 1000.0},
       {0.5, 0.0, 0.0, 0.5},
       {-ln2, 0.001 - 1000.0 - ln2, -0.002 - 1000.0 - ln2, -ln2}},
      // Far out, but only 1 apart: σ(∓1), as if the 1e4 were not there.
      {"[-1e4, -1e4 + 1]",
       Tensor{-1e4, -1e4 + 1.0},
       {1.0 - s1, s1},
       {-std::log1p(std::exp(1.0)), -std::log1p(std::exp(-1.0))}},
  };
}

}  // namespace

TEST_CASE(
    "softmax at ±1000 and ±1e4: exact limits, finite first and second derivatives, under detect_anomaly") {
  for (const FarOut& row : far_out_inputs()) {
    INFO("row: ", row.what);
    const std::size_t n = row.p.size();
    std::vector<double> v(n), u(n);  // the seed of C = Σ v ⊙ y, and the direction of H u
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = 1.0 + static_cast<double>(i);
      u[i] = 0.5 - static_cast<double>(i * i);
    }
    tg::detect_anomaly guard;  // any NaN or Inf below, forward or backward, throws
    Variable x(row.x, true);
    const Variable y = tg::softmax(x, 0);
    check_values(y.value(), row.p);

    // ∂C/∂x_j = p_j (v_j − p·v)
    Tensor vt = Tensor::from_shape({n}), ut = Tensor::from_shape({n});
    std::copy(v.begin(), v.end(), vt.begin());
    std::copy(u.begin(), u.end(), ut.begin());
    const Variable g = tg::grad({tg::sum(y * Variable(vt))}, {x}, /*create_graph=*/true)[0];
    const double pv = dot(row.p, v);
    std::vector<double> expected_g(n);
    for (std::size_t j = 0; j < n; ++j) expected_g[j] = row.p[j] * (v[j] - pv);
    check_values(g.value(), expected_g);

    // (H u)_j = p_j (v_j − p·v)(u_j − p·u) − p_j Σ_k p_k (v_k − p·v) u_k
    const Variable hu = tg::grad({tg::sum(g * Variable(ut))}, {x})[0];
    const double pu = dot(row.p, u);
    double r = 0.0;
    for (std::size_t k = 0; k < n; ++k) r += row.p[k] * (v[k] - pv) * u[k];
    std::vector<double> expected_hu(n);
    for (std::size_t j = 0; j < n; ++j) expected_hu[j] = row.p[j] * (v[j] - pv) * (u[j] - pu) - row.p[j] * r;
    check_values(hu.value(), expected_hu);
  }
}

TEST_CASE(
    "log_softmax at ±1000 and ±1e4: exact limits, finite first and second derivatives, under detect_anomaly") {
  for (const FarOut& row : far_out_inputs()) {
    INFO("row: ", row.what);
    const std::size_t n = row.p.size();
    Tensor vt = Tensor::from_shape({n}), ut = Tensor::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
      vt(i) = 1.0 + static_cast<double>(i);
      ut(i) = 0.5 - static_cast<double>(i * i);
    }
    const std::vector<double> v(vt.begin(), vt.end()), u(ut.begin(), ut.end());
    tg::detect_anomaly guard;
    Variable x(row.x, true);
    const Variable y = tg::log_softmax(x, 0);
    check_values(y.value(), row.logp);

    // ∂C/∂x = v − p Σv  for C = Σ v ⊙ log_softmax(x)
    const Variable g = tg::grad({tg::sum(y * Variable(vt))}, {x}, /*create_graph=*/true)[0];
    double sv = 0.0;
    for (double e : v) sv += e;
    std::vector<double> expected_g(n);
    for (std::size_t j = 0; j < n; ++j) expected_g[j] = v[j] - row.p[j] * sv;
    check_values(g.value(), expected_g);

    // H = −Σv (diag(p) − p pᵀ), so H u = −Σv (p ⊙ u − p (p·u))
    const Variable hu = tg::grad({tg::sum(g * Variable(ut))}, {x})[0];
    const double pu = dot(row.p, u);
    std::vector<double> expected_hu(n);
    for (std::size_t j = 0; j < n; ++j) expected_hu[j] = -sv * (row.p[j] * u[j] - row.p[j] * pu);
    check_values(hu.value(), expected_hu);
  }
}

TEST_CASE("softmax down the columns (nn's layout) at ±1000: each column its own limit, gradients finite") {
  // Columns [1000, 0], [−1000, 0], [1000, 1000]: softmax [1, 0], [0, 1], [½, ½].
  tg::detect_anomaly guard;
  Variable Z(Tensor{{1000.0, -1000.0, 1000.0}, {0.0, 0.0, 1000.0}}, true);
  const Variable A = tg::softmax(Z, 0);
  check_values(A.value(), {1.0, 0.0, 0.5, 0.0, 1.0, 0.5});
  check_values(tg::softmax_values(Z.value(), 0), {1.0, 0.0, 0.5, 0.0, 1.0, 0.5});
  check_values(tg::log_softmax(Z, 0).value(),
               {0.0, -1000.0, -std::numbers::ln2, -1000.0, 0.0, -std::numbers::ln2});
  // C = −Σ y·log_softmax(z) with one-hot y = rows 1, 0, 0: ∂C/∂z = softmax − y.
  const Tensor Y{{0.0, 1.0, 1.0}, {1.0, 0.0, 0.0}};
  const Variable C = -tg::sum(Variable(Y) * tg::log_softmax(Z, 0));
  CHECK(C.item() == Approx(1000.0 + 1000.0 + std::numbers::ln2));
  C.backward();
  check_values(Z.grad(), {1.0, -1.0, -0.5, -1.0, 1.0, 0.5});
}

TEST_CASE("softmax and log_softmax: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable x(x_values);  // (2,3)
  tg::test::check_bad_inputs({
      {"softmax: axis 2 of a matrix", [&] { (void)tg::softmax(x, 2); }, TG_ERROR(tg::shape_error),
       "softmax: axis 2 is out of range for shape (2,3)"},
      {"log_softmax: axis −3 of a matrix", [&] { (void)tg::log_softmax(x, -3); }, TG_ERROR(tg::shape_error),
       "log_softmax: axis -3 is out of range for shape (2,3)"},
      {"softmax: a 0-d Variable", [] { (void)tg::softmax(Variable(1.0), -1); }, TG_ERROR(tg::shape_error),
       "softmax: axis -1 is out of range for shape ()"},
      {"softmax: an empty axis",
       [] {
         (void)tg::softmax(Variable(Tensor::from_shape({0, 3})), 0);
       },
       TG_ERROR(tg::shape_error), "softmax: axis 0 of (0,3) is empty: there is nothing to normalise"},
      {"log_softmax: an empty axis",
       [] {
         (void)tg::log_softmax(Variable(Tensor::from_shape({2, 0})), 1);
       },
       TG_ERROR(tg::shape_error), "log_softmax: axis 1 of (2,0) is empty"},
      {"softmax_values: axis 2 of a matrix", [] { (void)tg::softmax_values(x_values, 2); },
       TG_ERROR(tg::shape_error), "softmax_values: axis 2 is out of range for shape (2,3)"},
      {"softmax_values: a 0-d tensor", [] { (void)tg::softmax_values(tg::scalar_tensor(1.0), 0); },
       TG_ERROR(tg::shape_error), "softmax_values: axis 0 is out of range for shape ()"},
      {"softmax_values: an empty axis", [] { (void)tg::softmax_values(Tensor::from_shape({0}), 0); },
       TG_ERROR(tg::shape_error), "softmax_values: axis 0 of (0) is empty"},
  });
  // Along an axis that is not empty, an empty batch is fine: (3, 0) has no columns to normalise.
  CHECK(tg::softmax(Variable(Tensor::from_shape({3, 0})), 0).shape() == Shape{3, 0});
}
