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

// Uniform in [0, 1) from one 64-bit draw, as std::generate_canonical<double, 53> computes it for
// std::mt19937_64 in libstdc++ and libc++ alike: x / 2^64, rounded, kept below 1.
double canonical(std::mt19937_64& rng) {
  const double u = static_cast<double>(rng()) / 0x1.0p64;
  return u < 1.0 ? u : std::nextafter(1.0, 0.0);
}

// std::normal_distribution as libstdc++ draws it (Marsaglia's polar method, two numbers per
// accepted pair: first y·f, then the saved x·f). libc++ draws the same pairs but hands them out
// the other way round, so std::normal_distribution itself would give the WebAssembly lab (built
// with libc++) other weights than `tapegrad` for the same seed.
class PolarNormal {
 public:
  PolarNormal(double mean, double sd) : mean_(mean), sd_(sd) {}
  double operator()(std::mt19937_64& rng) {
    double r;
    if (saved_) {
      saved_ = false;
      r = saved_value_;
    } else {
      double x, y, r2;
      do {
        x = 2.0 * canonical(rng) - 1.0;
        y = 2.0 * canonical(rng) - 1.0;
        r2 = x * x + y * y;
      } while (r2 > 1.0 || r2 == 0.0);
      const double f = std::sqrt(-2.0 * std::log(r2) / r2);
      saved_value_ = x * f;
      saved_ = true;
      r = y * f;
    }
    return r * sd_ + mean_;
  }

 private:
  double mean_, sd_, saved_value_ = 0.0;
  bool saved_ = false;
};

// std::uniform_real_distribution(a, b): (b − a) u + a.
class Uniform {
 public:
  Uniform(double a, double b) : a_(a), b_(b) {}
  double operator()(std::mt19937_64& rng) { return (b_ - a_) * canonical(rng) + a_; }

 private:
  double a_, b_;
};

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
    case Init::normal: return draw({n_out, n_in}, PolarNormal(0.0, 1.0), rng);
    case Init::scaled_normal: return draw({n_out, n_in}, PolarNormal(0.0, 1.0 / std::sqrt(fan_in)), rng);
    case Init::xavier: {
      const double r = std::sqrt(6.0 / (fan_in + static_cast<double>(n_out)));
      return draw({n_out, n_in}, Uniform(-r, r), rng);
    }
    case Init::he: return draw({n_out, n_in}, PolarNormal(0.0, std::sqrt(2.0 / fan_in)), rng);
  }
  throw std::logic_error("init_weights: unknown initialiser");
}

Tensor init_biases(Init init, std::size_t n_out, std::mt19937_64& rng) {
  if (init == Init::normal || init == Init::scaled_normal)
    return draw({n_out, 1}, PolarNormal(0.0, 1.0), rng);
  return filled({n_out, 1}, 0.0);
}

}  // namespace tg::nn
