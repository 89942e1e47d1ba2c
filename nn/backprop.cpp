// No autodiff here: plain tensors, BLAS products and the four equations (aligned by hand, as quoted).
#include "nn/backprop.hpp"

#include <functional>

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/elementwise.hpp"

namespace tg::nn {

BackpropResult backprop(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost) {
  const std::size_t L = net.num_layers();
  if (X.dimension() != 2 || X.shape()[0] != net.sizes()[0])
    throw shape_error(
        fmt::format("backprop: input {} does not fit: expected ({}, m)", shape_str(X), net.sizes()[0]));
  BackpropResult r;
  r.z.resize(L + 1);
  r.a.resize(L + 1);
  r.delta.resize(L + 1);
  r.dW.resize(L + 1);
  r.db.resize(L + 1);

  // Forward pass, keeping z^l and a^l.
  r.a[1] = X;  // a^1 = x
  for (std::size_t l = 2; l <= L; ++l) {
    const Linear& layer = net.layer(l);
    r.z[l] = zip("backprop", gemm(layer.W.value(), false, r.a[l - 1], false), layer.b.value(),
                 std::plus<>());                   // z^l = W^l a^{l−1} + b^l
    r.a[l] = activate(net.activation(l), r.z[l]);  // a^l = σ(z^l)
  }
  // clang-format off
  r.delta[L] = output_delta(cost, net.output(), r.z[L], r.a[L], Y);  // (BP1)
  for (std::size_t l = L - 1; l >= 2; --l) {
    const Tensor back = gemm(net.layer(l + 1).W.value(), true, r.delta[l + 1], false);  // (W^{l+1})ᵀ δ^{l+1}
    r.delta[l] = activation_backward(net.activation(l), r.z[l], r.a[l], back);          // (BP2) ⊙ σ'(z^l)
  }

  const double kappa = l2_coefficient(cost, Y.shape()[1]);
  for (std::size_t l = 2; l <= L; ++l) {
    r.db[l] = sum_to(r.delta[l], {net.sizes()[l - 1], 1});      // (BP3) ∂C/∂b^l = δ^l, summed over examples
    r.dW[l] = gemm(r.delta[l], false, r.a[l - 1], true);        // (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ
    if (kappa != 0.0)                                           // L2: + κ W^l  (κ = λ/n or λ)
      r.dW[l] = zip("backprop", r.dW[l], net.layer(l).W.value(), [kappa](double g, double w) { return g + kappa * w; });
  }
  // clang-format on
  return r;
}

}  // namespace tg::nn
