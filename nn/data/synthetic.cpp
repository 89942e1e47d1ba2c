#include "nn/data/synthetic.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn::data {

namespace {

constexpr double pi = std::numbers::pi;

// Seeded random numbers that are the same with every standard library: std::mt19937_64 is
// specified to the bit; the transforms below are written out instead of std::*_distribution.
class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  // Uniform in [0, 1): the top 53 bits of one draw.
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  // N(0, 1) by Box–Muller: √(−2 ln u₁) cos(2π u₂), u₁ ∈ (0, 1].
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2);
  }
  // Uniform in {0, ..., n−1}, by rejection (no value favoured).
  std::size_t below(std::size_t n) {
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = max - max % n;
    std::uint64_t x = rng_();
    while (x >= limit) x = rng_();
    return static_cast<std::size_t>(x % n);
  }

 private:
  std::mt19937_64 rng_;
};

void check_count(const char* who, const char* what, std::size_t n, std::size_t at_least) {
  if (n < at_least)
    throw std::invalid_argument(fmt::format("{}: {} must be at least {}, got {}", who, what, at_least, n));
}

void check_noise(const char* who, double noise) {
  if (!(noise >= 0.0) || !std::isfinite(noise))
    throw std::invalid_argument(fmt::format("{}: noise must be a number ≥ 0, got {}", who, noise));
}

// t_i = i/(n−1) · π for i = 0..n−1 (numpy.linspace(0, π, n)); {0} when n = 1.
double spread(std::size_t i, std::size_t n, double end) {
  return n == 1 ? 0.0 : end * static_cast<double>(i) / static_cast<double>(n - 1);
}

// Puts the columns of X and the labels in one random order (Fisher–Yates), so that the classes
// are mixed and any prefix of the set is a fair sample.
void shuffle_columns(Tensor& X, std::vector<std::size_t>& labels, Random& rnd) {
  const std::size_t rows = X.shape()[0];
  for (std::size_t j = labels.size(); j > 1; --j) {
    const std::size_t k = rnd.below(j);  // swap column j−1 with a column at or before it
    std::swap(labels[j - 1], labels[k]);
    for (std::size_t i = 0; i < rows; ++i) std::swap(X(i, j - 1), X(i, k));
  }
}

// Labels as a (1, m) row of 0/1.
Tensor binary_row(const std::vector<std::size_t>& labels) {
  Tensor Y = Tensor::from_shape({1, labels.size()});
  for (std::size_t j = 0; j < labels.size(); ++j) Y(0, j) = static_cast<double>(labels[j]);
  return Y;
}

}  // namespace

Tensor one_hot(const std::vector<std::size_t>& labels, std::size_t classes) {
  // -> (classes, m)
  check_count("one_hot", "the number of classes", classes, 1);
  Tensor Y = filled({classes, labels.size()}, 0.0);
  for (std::size_t j = 0; j < labels.size(); ++j) {
    if (labels[j] >= classes)
      throw std::invalid_argument(
          fmt::format("one_hot: label {} of example {} is not below {} classes", labels[j], j, classes));
    Y(labels[j], j) = 1.0;
  }
  return Y;
}

Examples xor_gate() {
  Examples e;
  e.X = Tensor{{0.0, 0.0, 1.0, 1.0},   // x₁   (2, 4): one column per input pair
               {0.0, 1.0, 0.0, 1.0}};  // x₂
  e.Y = Tensor{{0.0, 1.0, 1.0, 0.0}};  // y = x₁ XOR x₂   (1, 4)
  return e;
}

Examples two_moons(std::size_t m, double noise, std::uint64_t seed, Targets targets) {
  check_count("two_moons", "m (two classes)", m, 2);
  check_noise("two_moons", noise);
  Random rnd(seed);
  const std::size_t n0 = m / 2, n1 = m - n0;  // outer moon (class 0), inner moon (class 1)
  Tensor X = Tensor::from_shape({2, m});
  std::vector<std::size_t> labels(m);
  for (std::size_t j = 0; j < m; ++j) {
    const bool inner = j >= n0;
    const double t = inner ? spread(j - n0, n1, pi) : spread(j, n0, pi);
    labels[j] = inner ? 1 : 0;
    X(0, j) = inner ? 1.0 - std::cos(t) : std::cos(t);
    X(1, j) = inner ? 0.5 - std::sin(t) : std::sin(t);
  }
  for (double& x : X) x += noise * rnd.normal();
  shuffle_columns(X, labels, rnd);
  return {X, targets == Targets::binary ? binary_row(labels) : one_hot(labels, 2)};
}

Examples spirals(std::size_t m_per_class, std::size_t classes, double noise, std::uint64_t seed) {
  check_count("spirals", "m_per_class", m_per_class, 1);
  check_count("spirals", "the number of classes", classes, 2);
  check_noise("spirals", noise);
  Random rnd(seed);
  const std::size_t m = m_per_class * classes;
  Tensor X = Tensor::from_shape({2, m});
  std::vector<std::size_t> labels(m);
  for (std::size_t k = 0; k < classes; ++k) {
    for (std::size_t i = 0; i < m_per_class; ++i) {
      const std::size_t j = k * m_per_class + i;
      const double r = static_cast<double>(i + 1) / static_cast<double>(m_per_class);  // (0, 1]
      const double angle =
          2.0 * pi * static_cast<double>(k) / static_cast<double>(classes) + 4.0 * r + noise * rnd.normal();
      X(0, j) = r * std::cos(angle);
      X(1, j) = r * std::sin(angle);
      labels[j] = k;
    }
  }
  shuffle_columns(X, labels, rnd);
  return {X, one_hot(labels, classes)};
}

Examples sine_curve(std::size_t m, double noise, std::uint64_t seed) {
  check_count("sine_curve", "m", m, 1);
  check_noise("sine_curve", noise);
  Random rnd(seed);
  Tensor X = Tensor::from_shape({1, m}), Y = Tensor::from_shape({1, m});
  for (std::size_t j = 0; j < m; ++j) {
    X(0, j) = -pi + 2.0 * pi * rnd.uniform();            // x ~ U[−π, π)
    Y(0, j) = std::sin(X(0, j)) + noise * rnd.normal();  // y = sin x + N(0, noise²)
  }
  return {X, Y};
}

}  // namespace tg::nn::data
