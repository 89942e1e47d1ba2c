// Test data for the exercises' checks: uniform numbers, the same on every run.
#pragma once

#include <cstdint>
#include <random>

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// A tensor of the given shape with entries uniform in [lo, hi], from `seed`.
inline Tensor random_tensor(const Shape& shape, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  Tensor t = Tensor::from_shape(shape);
  for (double& v : t) v = u(rng);
  return t;
}

}  // namespace tg::exercises
