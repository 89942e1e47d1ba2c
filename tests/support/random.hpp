// Seeded random tensors for tests: every run sees the same numbers.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

#include "autodiff/tensor.hpp"

namespace tg::test {

// Where an op's inputs must lie for its derivative to exist.
enum class Domain {
  any,       // uniform in [−2, 2]
  positive,  // uniform in [0.5, 2]      (log, sqrt, fractional pow, the base of pow(x, p))
  nonzero,   // ±[0.3, 2]                (a divisor; abs and relu away from their kink)
};

inline Tensor random_tensor(const Shape& shape, Domain domain, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Tensor t = Tensor::from_shape(shape);
  for (double& x : t) {
    const double r = u(rng);
    switch (domain) {
      case Domain::any: x = -2.0 + 4.0 * r; break;
      case Domain::positive: x = 0.5 + 1.5 * r; break;
      case Domain::nonzero: x = (u(rng) < 0.5 ? -1.0 : 1.0) * (0.3 + 1.7 * r); break;
    }
  }
  return t;
}

}  // namespace tg::test
