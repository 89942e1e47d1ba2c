// Synthetic data sets (nn/data/synthetic.cpp): shapes in the column-per-example layout,
// reproducibility for a seed, class balance, and bad arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "nn/data/synthetic.hpp"
#include "nn/train.hpp"
#include "support/bad_input.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {

std::vector<std::size_t> counts(const Tensor& Y, std::size_t classes) {
  std::vector<std::size_t> n(classes, 0);
  for (std::size_t label : class_labels(Y)) ++n.at(label);
  return n;
}

// Every column of Y holds one 1 and zeros.
bool is_one_hot(const Tensor& Y) {
  for (std::size_t j = 0; j < Y.shape()[1]; ++j) {
    double sum = 0.0;
    for (std::size_t i = 0; i < Y.shape()[0]; ++i) {
      if (Y(i, j) != 0.0 && Y(i, j) != 1.0) return false;
      sum += Y(i, j);
    }
    if (sum != 1.0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("xor_gate is the truth table, one column per input pair") {
  const auto [X, Y] = data::xor_gate();
  REQUIRE(tg::shape_of(X) == tg::Shape{2, 4});
  REQUIRE(tg::shape_of(Y) == tg::Shape{1, 4});
  for (std::size_t j = 0; j < 4; ++j)
    CHECK(Y(0, j) == static_cast<double>(static_cast<int>(X(0, j)) ^ static_cast<int>(X(1, j))));
}

TEST_CASE("two_moons: shapes, both target encodings, balance, reproducibility") {
  const auto moons = data::two_moons(201, 0.1, 7);
  CHECK(moons.size() == 201);
  CHECK(tg::shape_of(moons.X) == tg::Shape{2, 201});
  CHECK(tg::shape_of(moons.Y) == tg::Shape{1, 201});
  for (double y : moons.Y) CHECK((y == 0.0 || y == 1.0));
  CHECK(counts(moons.Y, 2) == std::vector<std::size_t>{100, 101});  // m/2 and m − m/2

  // One-hot targets describe the same points with the same classes.
  const auto hot = data::two_moons(201, 0.1, 7, data::Targets::one_hot);
  CHECK(tg::shape_of(hot.Y) == tg::Shape{2, 201});
  CHECK(is_one_hot(hot.Y));
  CHECK(hot.X == moons.X);
  CHECK(class_labels(hot.Y) == class_labels(moons.Y));

  // The same seed gives the same set; another seed another one.
  CHECK(data::two_moons(201, 0.1, 7).X == moons.X);
  CHECK(data::two_moons(201, 0.1, 7).Y == moons.Y);
  CHECK(data::two_moons(201, 0.1, 8).X != moons.X);

  // The classes are shuffled together: the first 40 columns already hold both.
  const auto labels = class_labels(moons.Y);
  const auto ones = std::count(labels.begin(), labels.begin() + 40, 1);
  CHECK(ones > 5);
  CHECK(ones < 35);
}

TEST_CASE("two_moons without noise lies on the two half circles") {
  const auto [X, Y] = data::two_moons(50, 0.0, 1);
  for (std::size_t j = 0; j < 50; ++j) {
    // Class 0: on the unit circle, upper half. Class 1: on the circle of radius 1 around (1, ½), lower half.
    const double cx = Y(0, j) == 0.0 ? 0.0 : 1.0, cy = Y(0, j) == 0.0 ? 0.0 : 0.5;
    CHECK(std::hypot(X(0, j) - cx, X(1, j) - cy) == doctest::Approx(1.0));
    CHECK((Y(0, j) == 0.0 ? X(1, j) >= -1e-12 : X(1, j) <= 0.5 + 1e-12));
  }
}

TEST_CASE("spirals: one-hot targets, m_per_class of each class, inside the unit disc") {
  const auto s = data::spirals(40, 3, 0.2, 11);
  CHECK(tg::shape_of(s.X) == tg::Shape{2, 120});
  CHECK(tg::shape_of(s.Y) == tg::Shape{3, 120});
  CHECK(is_one_hot(s.Y));
  CHECK(counts(s.Y, 3) == std::vector<std::size_t>{40, 40, 40});
  for (std::size_t j = 0; j < 120; ++j) CHECK(std::hypot(s.X(0, j), s.X(1, j)) <= 1.0 + 1e-12);  // r ≤ 1
  CHECK(data::spirals(40, 3, 0.2, 11).X == s.X);
  CHECK(data::spirals(40, 3, 0.2, 12).X != s.X);
}

TEST_CASE("sine_curve: x in [−π, π], y = sin x plus the noise") {
  const auto exact = data::sine_curve(100, 0.0, 3);
  CHECK(tg::shape_of(exact.X) == tg::Shape{1, 100});
  CHECK(tg::shape_of(exact.Y) == tg::Shape{1, 100});
  for (std::size_t j = 0; j < 100; ++j) {
    CHECK(std::abs(exact.X(0, j)) <= std::numbers::pi);
    CHECK(exact.Y(0, j) == std::sin(exact.X(0, j)));
  }
  // With noise 0.1 the residuals y − sin x have a standard deviation near 0.1.
  const auto noisy = data::sine_curve(2000, 0.1, 3);
  double ss = 0.0;
  for (std::size_t j = 0; j < 2000; ++j) ss += std::pow(noisy.Y(0, j) - std::sin(noisy.X(0, j)), 2);
  CHECK(std::sqrt(ss / 2000) == doctest::Approx(0.1).epsilon(0.1));
  CHECK(data::sine_curve(100, 0.1, 3).Y == data::sine_curve(100, 0.1, 3).Y);
}

TEST_CASE("one_hot writes a 1 per column") {
  const Tensor Y = data::one_hot({2, 0, 1}, 3);
  CHECK(Y == Tensor{{0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}});
  CHECK_THROWS_AS(data::one_hot({3}, 3), std::invalid_argument);
}

TEST_CASE("synthetic sets reject bad arguments") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(data::two_moons(0, 0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::two_moons(1, 0.1, 1), std::invalid_argument);  // one point cannot hold two classes
  CHECK_THROWS_AS(data::two_moons(10, -0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::two_moons(10, nan, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::spirals(0, 3, 0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::spirals(10, 1, 0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::spirals(10, 3, -1.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::sine_curve(0, 0.1, 1), std::invalid_argument);
  CHECK_THROWS_AS(data::sine_curve(10, std::numeric_limits<double>::infinity(), 1), std::invalid_argument);
  CHECK_THROWS_WITH_AS(data::two_moons(10, -0.1, 1), doctest::Contains("noise"), std::invalid_argument);
}

TEST_CASE("synthetic sets: bad arguments are clear errors") {
  using tg::test::BadInput;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  tg::test::check_bad_inputs({
      {"two_moons: no examples", [] { (void)data::two_moons(0, 0.1, 1); }, TG_ERROR(std::invalid_argument),
       "two_moons: m (two classes) must be at least 2, got 0"},
      {"two_moons: one example for two classes", [] { (void)data::two_moons(1, 0.1, 1); },
       TG_ERROR(std::invalid_argument), "two_moons: m (two classes) must be at least 2, got 1"},
      {"two_moons: negative noise", [] { (void)data::two_moons(10, -0.1, 1); },
       TG_ERROR(std::invalid_argument), "two_moons: noise must be a number ≥ 0, got -0.1"},
      {"two_moons: NaN noise", [&] { (void)data::two_moons(10, nan, 1, data::Targets::one_hot); },
       TG_ERROR(std::invalid_argument), "two_moons: noise must be a number ≥ 0, got nan"},
      {"spirals: no points per arm", [] { (void)data::spirals(0, 3, 0.1, 1); },
       TG_ERROR(std::invalid_argument), "spirals: m_per_class must be at least 1, got 0"},
      {"spirals: one class", [] { (void)data::spirals(10, 1, 0.1, 1); }, TG_ERROR(std::invalid_argument),
       "spirals: the number of classes must be at least 2, got 1"},
      {"spirals: infinite noise",
       [] { (void)data::spirals(10, 3, std::numeric_limits<double>::infinity(), 1); },
       TG_ERROR(std::invalid_argument), "spirals: noise must be a number ≥ 0, got inf"},
      {"sine_curve: no examples", [] { (void)data::sine_curve(0, 0.1, 1); }, TG_ERROR(std::invalid_argument),
       "sine_curve: m must be at least 1, got 0"},
      {"sine_curve: negative noise", [] { (void)data::sine_curve(5, -1.0, 1); },
       TG_ERROR(std::invalid_argument), "sine_curve: noise must be a number ≥ 0, got -1"},
      {"one_hot: a label ≥ classes",
       [] {
         (void)data::one_hot({0, 2, 3}, 3);
       },
       TG_ERROR(std::invalid_argument), "one_hot: label 3 of example 2 is not below 3 classes"},
      {"one_hot: no classes", [] { (void)data::one_hot({}, 0); }, TG_ERROR(std::invalid_argument),
       "one_hot: the number of classes must be at least 1, got 0"},
  });
}
