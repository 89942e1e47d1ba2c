// The engine's answers for nn tests, to hold hand-written formulas against (BP1–BP4, the
// seeds' formulas and their errata): ∂C/∂z^l for every layer, ∂C/∂θ for every parameter.
#pragma once

#include <cmath>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"
#include "nn/compare.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace tg::test {

// ∂C/∂z^l for l = 2..L (entries 0 and 1 empty), by the engine: retain_grad on each z^l, then backward.
inline std::vector<Tensor> autodiff_deltas(const nn::Mlp& net, const Tensor& X, const Tensor& Y,
                                           const nn::Cost& c) {
  nn::Mlp::Trace t = net.forward_trace(Variable(X));
  for (std::size_t l = 2; l <= net.num_layers(); ++l) t.z[l].retain_grad();
  nn::cost(c, net, t, Y).backward();
  std::vector<Tensor> d(net.num_layers() + 1);
  for (std::size_t l = 2; l <= net.num_layers(); ++l) d[l] = t.z[l].grad();
  return d;
}

// ∂C/∂θ for every parameter, by the engine, in net.parameters() order (W^2, b^2, ..., W^L, b^L).
inline std::vector<Tensor> autodiff_grads(const nn::Mlp& net, const Tensor& X, const Tensor& Y,
                                          const nn::Cost& c) {
  std::vector<Tensor> out;
  const auto params = net.parameters();
  for (const Variable& g : grad({nn::cost(c, net, net.forward_trace(Variable(X)), Y)}, params))
    out.push_back(g.value());
  return out;
}

// max_i |a_i − b_i| / max(‖a‖∞, ‖b‖∞), as nn::compare measures it.
inline double rel(const Tensor& a, const Tensor& b) { return nn::difference(a, b).max_rel; }

inline Tensor sigmoid_prime_of(const Tensor& t) {  // σ'(t) = σ(t)(1 − σ(t)), written out
  return map(t, [](double v) {
    const double s = 1.0 / (1.0 + std::exp(-v));
    return s * (1.0 - s);
  });
}

}  // namespace tg::test
