// The exercises' checks, in one place: random inputs from this run's seed, and a comparison that
// names the first wrong number (which input, which element, expected vs got, the relative error)
// with a hint for the exercise's typical mistake, after checking that neither side is all zero
// (a test that compares zero with zero proves nothing).
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "autodiff/tensor.hpp"

namespace tg::exercises {

std::uint64_t run_seed();  // this run's seed: TG_EXERCISE_SEED, or a fresh one (main.cpp)
const char* built_from();  // the student's file this program was built from (built_from.cpp)

// A random generator for one use in a test: the run's seed and a number telling the uses apart.
inline std::mt19937_64 rng_for(std::uint64_t use) { return std::mt19937_64(run_seed() * 1000003u + use); }

// A whole number in [lo, hi], to vary shapes from run to run.
inline std::size_t random_size(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

// A tensor of the given shape with entries uniform in [lo, hi].
inline Tensor random_tensor(const Shape& shape, double lo, double hi, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(lo, hi);
  Tensor t = Tensor::from_shape(shape);
  for (double& v : t) v = u(rng);
  return t;
}
inline Tensor random_tensor(const Shape& shape, double lo, double hi, std::uint64_t use) {
  std::mt19937_64 rng = rng_for(use);
  return random_tensor(shape, lo, hi, rng);
}

inline bool all_zero(const Tensor& t) {
  for (double v : t)
    if (v != 0.0) return false;
  return true;
}

// Fails the test case (FAIL_CHECK) with `what`, `input` and the hint; returns false.
inline bool fail_with(const std::string& what, const std::string& input, const std::string& text,
                      const std::string& hint) {
  const std::string message = what + " for " + input + ": " + text + (hint.empty() ? "" : "\nhint: " + hint);
  FAIL_CHECK(message);
  return false;
}

// Checks got against want, element by element: |got − want| ≤ rtol (|want| + ‖want‖∞).
// what: the quantity ("δ^l"), input: which input ("a random 3-4-2 network, layer 2").
inline bool expect_close(const std::string& what, const std::string& input, const Tensor& got,
                         const Tensor& want, const std::string& hint, double rtol = 1e-10) {
  if (!same_shape(got, want))
    return fail_with(what, input, "shape " + shape_str(got) + ", expected " + shape_str(want), hint);
  if (all_zero(want)) return fail_with(what, input, "the expected value is all zero (a bug in the test)", "");
  if (all_zero(got)) return fail_with(what, input, "yours is all zero", hint);
  double scale = 0.0;  // ‖want‖∞
  for (double w : want) scale = std::max(scale, std::abs(w));
  const Shape shape = shape_of(want);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double g = got.data()[i], w = want.data()[i];
    if (std::abs(g - w) <= rtol * (std::abs(w) + scale)) continue;  // false for a NaN
    std::ostringstream text;
    text.precision(10);
    text << "first wrong number at element " << index_str(shape, i) << " of " << shape_str(want)
         << ": expected " << w << ", got " << g;
    text.precision(3);
    text << " (relative error " << std::abs(g - w) / std::max(std::abs(w), 1e-300) << ")";
    return fail_with(what, input, text.str(), hint);
  }
  return true;
}

// The same for one number.
inline bool expect_close(const std::string& what, const std::string& input, double got, double want,
                         const std::string& hint, double rtol = 1e-10) {
  Tensor g = Tensor::from_shape({1}), w = Tensor::from_shape({1});
  g(0) = got;
  w(0) = want;
  return expect_close(what, input, g, w, hint, rtol);
}

// The same for a whole number (an index, a count, a yes/no as 1/0), which must be equal: zero is
// a fine answer here.
inline bool expect_equal(const std::string& what, const std::string& input, long long got, long long want,
                         const std::string& hint) {
  if (got == want) return true;
  return fail_with(what, input, "expected " + std::to_string(want) + ", got " + std::to_string(got), hint);
}

}  // namespace tg::exercises
