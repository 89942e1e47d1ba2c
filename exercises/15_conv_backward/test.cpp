// Exercise 15's check: your ∂C/∂x of a convolution against nn::reference's (BP2-conv) loops, the
// engine's conv2d backward and, for a δ that is one 1, the kernel itself put back where it was
// applied; random shapes (kernels not square, not symmetric), with and without zero padding.
// Run: scripts/grade.sh 15
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "conv_backward.hpp"
#include "nn/conv_reference.hpp"

namespace ex = tg::exercises;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint =
    "∂C/∂x[n,c,y,x] = Σ_f Σ_u' Σ_v' δ[n, f, y + p − K + 1 + u', x + p − K' + 1 + v'] · w[f, c, K−1−u', K'−1−v']: "
    "the kernel flipped (turned by 180°), δ read as 0 outside its H' × W'";

// A random convolution: x (N,C,H,W), w (F,C,K,K') with K ≥ 2 (a 1×1 kernel is its own flip), padding p.
struct Conv {
  Shape x_shape, w_shape, y_shape;
  std::size_t padding;
  std::string text;
};

Conv random_conv(std::mt19937_64& rng, bool padded) {
  const std::size_t N = ex::random_size(rng, 1, 2), C = ex::random_size(rng, 1, 3),
                    F = ex::random_size(rng, 1, 3);
  const std::size_t K = ex::random_size(rng, 2, 3), K2 = ex::random_size(rng, 1, 3);
  const std::size_t H = ex::random_size(rng, K, 6), W = ex::random_size(rng, K2, 6);
  const std::size_t p = padded ? ex::random_size(rng, 1, K - 1) : 0;
  Conv c{{N, C, H, W}, {F, C, K, K2}, {N, F, H + 2 * p - K + 1, W + 2 * p - K2 + 1}, p, ""};
  c.text =
      "x " + tg::shape_str(c.x_shape) + ", w " + tg::shape_str(c.w_shape) + ", padding " + std::to_string(p);
  return c;
}

}  // namespace

TEST_CASE("15 conv backward: δ one 1 at (i, j): ∂C/∂x is the kernel, put back where it was applied") {
  // C = y[n,f,i,j] = Σ_{c,u,v} w[f,c,u,v] x[n,c,i+u−p,j+v−p], so ∂C/∂x[n,c,i+u−p,j+v−p] = w[f,c,u,v]
  std::mt19937_64 rng = ex::rng_for(1501);
  const Conv c = random_conv(rng, true);
  const Tensor w = ex::random_tensor(c.w_shape, -1.0, 1.0, rng);
  const std::size_t n = ex::random_size(rng, 0, c.y_shape[0] - 1),
                    f = ex::random_size(rng, 0, c.y_shape[1] - 1);
  // (i, j): a window wholly inside x (one that reads only padding would give ∂C/∂x = 0)
  const std::size_t i = ex::random_size(rng, c.padding, c.padding + c.x_shape[2] - c.w_shape[2]);
  const std::size_t j = ex::random_size(rng, c.padding, c.padding + c.x_shape[3] - c.w_shape[3]);
  Tensor delta = tg::filled(c.y_shape, 0.0);
  delta(n, f, i, j) = 1.0;
  Tensor want = tg::filled(c.x_shape, 0.0);
  const long p = static_cast<long>(c.padding);
  for (std::size_t ch = 0; ch < c.x_shape[1]; ++ch)
    for (std::size_t u = 0; u < c.w_shape[2]; ++u)
      for (std::size_t v = 0; v < c.w_shape[3]; ++v) {
        const long y = static_cast<long>(i + u) - p, x = static_cast<long>(j + v) - p;
        if (y >= 0 && x >= 0 && y < static_cast<long>(c.x_shape[2]) && x < static_cast<long>(c.x_shape[3]))
          want(n, ch, static_cast<std::size_t>(y), static_cast<std::size_t>(x)) = w(f, ch, u, v);
      }
  const std::string input = c.text + ", δ = 1 at (" + std::to_string(n) + "," + std::to_string(f) + "," +
                            std::to_string(i) + "," + std::to_string(j) + "), 0 elsewhere";
  ex::expect_close("∂C/∂x", input, ex::conv_input_grad(delta, w, c.x_shape, c.padding), want, hint, 1e-12);
}

TEST_CASE("15 conv backward: against nn::reference's (BP2-conv), no padding") {
  std::mt19937_64 rng = ex::rng_for(1502);
  for (int round = 0; round < 3; ++round) {
    const Conv c = random_conv(rng, false);
    const Tensor w = ex::random_tensor(c.w_shape, -1.0, 1.0, rng),
                 delta = ex::random_tensor(c.y_shape, -1.0, 1.0, rng);
    const Tensor want = tg::nn::reference::conv_backward_input(delta, w, c.x_shape, 1, 0);
    ex::expect_close("∂C/∂x", c.text + ", a random δ " + tg::shape_str(c.y_shape),
                     ex::conv_input_grad(delta, w, c.x_shape, 0), want, hint, 1e-12);
  }
}

TEST_CASE("15 conv backward: against nn::reference's (BP2-conv), with zero padding") {
  std::mt19937_64 rng = ex::rng_for(1503);
  for (int round = 0; round < 3; ++round) {
    const Conv c = random_conv(rng, true);
    const Tensor w = ex::random_tensor(c.w_shape, -1.0, 1.0, rng),
                 delta = ex::random_tensor(c.y_shape, -1.0, 1.0, rng);
    const Tensor want = tg::nn::reference::conv_backward_input(delta, w, c.x_shape, 1, c.padding);
    ex::expect_close("∂C/∂x", c.text + ", a random δ " + tg::shape_str(c.y_shape),
                     ex::conv_input_grad(delta, w, c.x_shape, c.padding), want, hint, 1e-12);
  }
}

TEST_CASE("15 conv backward: against the engine, x.grad() of C = Σ δ ⊙ conv2d(x, w)") {
  std::mt19937_64 rng = ex::rng_for(1504);
  for (int round = 0; round < 3; ++round) {
    const Conv c = random_conv(rng, round > 0);
    const Tensor w = ex::random_tensor(c.w_shape, -1.0, 1.0, rng),
                 delta = ex::random_tensor(c.y_shape, -1.0, 1.0, rng);
    Variable x(ex::random_tensor(c.x_shape, -1.0, 1.0, rng), true);
    tg::sum(Variable(delta) * tg::conv2d(x, Variable(w), 1, c.padding)).backward();
    ex::expect_close("∂C/∂x", c.text + ", against the engine",
                     ex::conv_input_grad(delta, w, c.x_shape, c.padding), x.grad(), hint, 1e-10);
  }
}
