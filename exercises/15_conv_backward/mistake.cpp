// Exercise 15, a plausible wrong answer: the full convolution of δ with the kernel as it is,
// not flipped: w[f,c,u',v'] where w[f,c,K−1−u',K'−1−v'] is meant. Right for a kernel symmetric
// under a 180° turn (and for 1×1), wrong for every other.
// (The handout test, exercises/test_handout.sh, grades it: it must score less.)
#include "conv_backward.hpp"

namespace tg::exercises {

namespace {

// δ[n,f,i,j], or 0 when (i, j) is outside δ's H' × W'
double delta_at(const Tensor& delta, std::size_t n, std::size_t f, long i, long j) {
  const auto& s = delta.shape();
  if (i < 0 || j < 0 || i >= static_cast<long>(s[2]) || j >= static_cast<long>(s[3])) return 0.0;
  return delta(n, f, static_cast<std::size_t>(i), static_cast<std::size_t>(j));
}

}  // namespace

// ∂C/∂x[n,c,y,x] = Σ_{f,u',v'} δ[n, f, y + p − K + 1 + u', x + p − K' + 1 + v'] · w[f, c, u', v']   (the slip)
Tensor conv_input_grad(const Tensor& delta, const Tensor& w, const Shape& x_shape, std::size_t padding) {
  const long p = static_cast<long>(padding), K = static_cast<long>(w.shape()[2]),
             K2 = static_cast<long>(w.shape()[3]);
  Tensor dx = Tensor::from_shape(x_shape);
  for (std::size_t n = 0; n < x_shape[0]; ++n)
    for (std::size_t c = 0; c < x_shape[1]; ++c)
      for (long y = 0; y < static_cast<long>(x_shape[2]); ++y)
        for (long x = 0; x < static_cast<long>(x_shape[3]); ++x) {
          double sum = 0.0;
          for (std::size_t f = 0; f < w.shape()[0]; ++f)
            for (long u = 0; u < K; ++u)
              for (long v = 0; v < K2; ++v)
                sum += delta_at(delta, n, f, y + p - K + 1 + u, x + p - K2 + 1 + v) *
                       w(f, c, static_cast<std::size_t>(u),
                         static_cast<std::size_t>(v));  // the slip: not flipped
          dx(n, c, static_cast<std::size_t>(y), static_cast<std::size_t>(x)) = sum;
        }
  return dx;
}

}  // namespace tg::exercises
