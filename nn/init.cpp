#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

std::string to_string(Init init) {
  switch (init) {
    case Init::normal: return "normal";
    case Init::scaled_normal: return "scaled_normal";
    case Init::xavier: return "xavier";
    case Init::he: return "he";
  }
  return "?";
}

Init parse_init(const std::string& name) {
  for (Init i : {Init::normal, Init::scaled_normal, Init::xavier, Init::he})
    if (to_string(i) == name) return i;
  throw std::invalid_argument(
      fmt::format("unknown initialiser '{}' (expected normal, scaled_normal, xavier or he)", name));
}

namespace {
template <class Dist>
Tensor draw(const Shape& shape, Dist dist, std::mt19937_64& rng) {
  Tensor t = Tensor::from_shape(shape);
  for (double& v : t) v = dist(rng);
  return t;
}
}  // namespace

Tensor init_weights(Init init, std::size_t n_out, std::size_t n_in, std::mt19937_64& rng) {
  const double fan_in = static_cast<double>(n_in);
  switch (init) {
    case Init::normal: return draw({n_out, n_in}, std::normal_distribution<double>(0.0, 1.0), rng);
    case Init::scaled_normal:
      return draw({n_out, n_in}, std::normal_distribution<double>(0.0, 1.0 / std::sqrt(fan_in)), rng);
    case Init::xavier: {
      const double r = std::sqrt(6.0 / (fan_in + static_cast<double>(n_out)));
      return draw({n_out, n_in}, std::uniform_real_distribution<double>(-r, r), rng);
    }
    case Init::he:
      return draw({n_out, n_in}, std::normal_distribution<double>(0.0, std::sqrt(2.0 / fan_in)), rng);
  }
  throw std::logic_error("init_weights: unknown initialiser");
}

Tensor init_biases(Init init, std::size_t n_out, std::mt19937_64& rng) {
  if (init == Init::normal || init == Init::scaled_normal)
    return draw({n_out, 1}, std::normal_distribution<double>(0.0, 1.0), rng);
  return filled({n_out, 1}, 0.0);
}

}  // namespace tg::nn
