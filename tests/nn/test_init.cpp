// Initialisers (nn/init.cpp): shapes, scales, seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/init.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {
double sample_mean(const Tensor& t) {
  double s = 0.0;
  for (double v : t) s += v;
  return s / static_cast<double>(t.size());
}
double sample_std(const Tensor& t) {
  const double m = sample_mean(t);
  double s = 0.0;
  for (double v : t) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(t.size()));
}
}  // namespace

TEST_CASE("each initialiser draws weights with its scale") {
  std::mt19937_64 rng(1);
  const std::size_t out = 200, in = 400;  // 80,000 draws: the sample std is within ~1% of the true one
  CHECK(sample_std(init_weights(Init::normal, out, in, rng)) == doctest::Approx(1.0).epsilon(0.02));
  CHECK(sample_std(init_weights(Init::scaled_normal, out, in, rng)) ==
        doctest::Approx(1.0 / std::sqrt(400.0)).epsilon(0.02));
  CHECK(sample_std(init_weights(Init::he, out, in, rng)) ==
        doctest::Approx(std::sqrt(2.0 / 400.0)).epsilon(0.02));
  const Tensor x = init_weights(Init::xavier, out, in, rng);
  const double r = std::sqrt(6.0 / 600.0);
  double largest = 0.0;
  for (double v : x) largest = std::max(largest, std::abs(v));
  CHECK(largest <= r);
  CHECK(sample_std(x) == doctest::Approx(r / std::sqrt(3.0)).epsilon(0.02));  // uniform on [−r, r]
  CHECK(x.shape() == std::vector<std::size_t>{out, in});
}

TEST_CASE("biases: N(0, 1) in Nielsen's initialisers, zero otherwise") {
  std::mt19937_64 rng(2);
  CHECK(init_biases(Init::normal, 3, rng).shape() == std::vector<std::size_t>{3, 1});
  CHECK(sample_std(init_biases(Init::scaled_normal, 20000, rng)) == doctest::Approx(1.0).epsilon(0.03));
  CHECK(init_biases(Init::he, 3, rng) == tg::filled({3, 1}, 0.0));
  CHECK(init_biases(Init::xavier, 3, rng) == tg::filled({3, 1}, 0.0));
}

TEST_CASE("the same seed gives the same weights, names round-trip") {
  std::mt19937_64 a(7), b(7);
  CHECK(init_weights(Init::he, 4, 5, a) == init_weights(Init::he, 4, 5, b));
  for (Init i : {Init::normal, Init::scaled_normal, Init::xavier, Init::he})
    CHECK(parse_init(to_string(i)) == i);
  CHECK_THROWS_WITH_AS(parse_init("glorot"), doctest::Contains("unknown initialiser 'glorot'"),
                       std::invalid_argument);
}
