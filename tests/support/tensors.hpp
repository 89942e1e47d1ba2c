// Checks and builders for tensors in tests.
#pragma once

#include <doctest/doctest.h>

#include <vector>

#include "autodiff/tensor.hpp"

namespace tg::test {

// t must have shape `shape` and hold `expected` in row-major order.
inline void check_tensor(const Tensor& t, const Shape& shape, const std::vector<double>& expected) {
  REQUIRE(shape_of(t) == shape);
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(t.data()[i] == doctest::Approx(expected[i]));
  }
}

// A tensor of the given shape holding 1, 2, 3, ... in row-major order.
inline Tensor iota(const Shape& shape) {
  Tensor t = Tensor::from_shape(shape);
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<double>(i + 1);
  return t;
}

}  // namespace tg::test
