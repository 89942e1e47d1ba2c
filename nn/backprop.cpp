// No autodiff here: plain tensors, BLAS products and the four equations (aligned by hand, as quoted).
#include "nn/backprop.hpp"

#include <functional>

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/elementwise.hpp"

namespace tg::nn {

// clang-format off
Tensor weighted_input(const Linear& layer, const Tensor& a_prev) {
  return zip("backprop", gemm(layer.W.value(), false, a_prev, false), layer.b.value(), std::plus<>());  // z^l = W^l a^{l−1} + b^l
}
Tensor error_to_previous_layer(const Linear& layer, const Tensor& delta) {
  return gemm(layer.W.value(), true, delta, false);  // (W^l)ᵀ δ^l: BP2 before its ⊙ σ'(z^{l−1})
}
Tensor bias_gradient(const Tensor& delta) {
  return sum_to(delta, {delta.shape()[0], 1});  // (BP3) ∂C/∂b^l = δ^l, summed over examples
}
Tensor weight_gradient(const Tensor& delta, const Tensor& a_prev) {
  return gemm(delta, false, a_prev, true);  // (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ
}
void add_weight_decay(Tensor& dW, const Tensor& W, double kappa) {
  if (kappa != 0.0) dW = zip("backprop", dW, W, [kappa](double g, double w) { return g + kappa * w; });  // L2: + κ W^l  (κ = λ/n or λ)
}
// clang-format on

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

  // clang-format off
  r.a[1] = X;                                                 // a^1 = x
  for (std::size_t l = 2; l <= L; ++l) {
    r.z[l] = weighted_input(net.layer(l), r.a[l - 1]);        // z^l = W^l a^{l−1} + b^l
    r.a[l] = activate(net.activation(l), r.z[l]);             // a^l = σ(z^l)
  }
  r.delta[L] = output_delta(cost, net.output(), r.z[L], r.a[L], Y);  // (BP1)
  for (std::size_t l = L - 1; l >= 2; --l) {
    const Tensor back = error_to_previous_layer(net.layer(l + 1), r.delta[l + 1]);  // (W^{l+1})ᵀ δ^{l+1}
    r.delta[l] = activation_backward(net.activation(l), r.z[l], r.a[l], back);      // (BP2) ⊙ σ'(z^l)
  }
  const double kappa = l2_coefficient(cost, Y.shape()[1]);
  for (std::size_t l = 2; l <= L; ++l) {
    r.db[l] = bias_gradient(r.delta[l]);                                // (BP3) ∂C/∂b^l = δ^l
    r.dW[l] = weight_gradient(r.delta[l], r.a[l - 1]);                  // (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ
    add_weight_decay(r.dW[l], net.layer(l).W.value(), kappa);           // L2: + κ W^l
  }
  // clang-format on
  return r;
}

}  // namespace tg::nn
