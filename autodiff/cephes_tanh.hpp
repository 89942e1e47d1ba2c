// tanh x one double at a time by the algorithm xsimd's tanh computes natively (Cephes, through
// Boost.SIMD): the WebAssembly build's tanh, where there is no xsimd and musl's tanh (through
// expm1) is 2.5× slower. tests/autodiff/ops/test_math.cpp checks it against std::tanh.
#pragma once

#include <cmath>

namespace tg::detail {

// |x| < 5/8:  tanh x = x + x z P(z)/Q(z), z = x²  (a rational fit, no cancellation)
// |x| ≥ 5/8:  tanh x = 1 − 2/(1 + e^{2|x|})       (≥ 0.55, so no cancellation either)
// with the sign of x (so tanh(−0) = −0, tanh(±∞) = ±1, tanh(NaN) = NaN).
inline double cephes_tanh(double x) {
  const double a = std::fabs(x);
  double r;
  if (a < 0.625) {
    const double z = a * a;
    const double p =
        (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
    const double q =
        ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
    r = a + a * (z * p / q);
  } else {
    r = 1.0 - 2.0 / (1.0 + std::exp(a + a));
  }
  return std::copysign(r, x);
}

}  // namespace tg::detail
