// No autodiff here: each layer's hand-written equations on plain tensors.
#include "nn/network_backprop.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"
#include "nn/backprop.hpp"

namespace tg::nn {

namespace {

void forward(const Network& net, const Tensor& X, NetworkBackprop& r) {
  r.a[1] = net.input_layout(X);  // a^1 = x
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Layer& layer = net.layer(l);
    r.z[l] = layer.forward(r.a[l - 1]);             // z^l from a^{l−1}
    r.a[l] = activate(layer.activation(), r.z[l]);  // a^l = σ(z^l)
  }
}

}  // namespace

NetworkBackprop backprop(const Network& net, const Tensor& X, const Tensor& Y, const Cost& cost) {
  const std::size_t L = net.num_layers();
  NetworkBackprop r;
  r.z.resize(L + 1);
  r.a.resize(L + 1);
  r.delta.resize(L + 1);
  r.gradients.resize(L + 1);
  forward(net, X, r);

  r.delta[L] = output_delta(cost, net.output(), r.z[L], r.a[L], Y);  // (BP1)
  for (std::size_t l = L; l >= 3; --l) {
    const Tensor back = net.layer(l).backward_input(r.a[l - 1], r.delta[l]);  // ∂C/∂a^{l−1}
    const Layer& before = net.layer(l - 1);
    r.delta[l - 1] =
        activation_backward(before.activation(), r.z[l - 1], r.a[l - 1], back);  // (BP2) ⊙ σ'(z^{l−1})
  }

  const double kappa = l2_coefficient(cost, Y.shape()[1]);
  for (std::size_t l = 2; l <= L; ++l) {
    r.gradients[l] = net.layer(l).backward_parameters(r.a[l - 1], r.delta[l]);  // (BP3), (BP4)
    const std::vector<Parameter> params = net.layer(l).parameters();
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].weight)  // L2 on weights, not biases: + κ w
        add_weight_decay(r.gradients[l][i], params[i].value.value(), kappa);
  }
  return r;
}

std::vector<std::string> equations(const Network& net) {
  std::vector<std::string> names{"BP1"};
  const auto add = [&names](const std::string& name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    if (l >= 3) add(net.layer(l).input_equation());  // layer 2's input is x: no δ^1
    for (const Parameter& p : net.layer(l).parameters()) add(p.equation);
  }
  return names;
}

std::vector<Tensor> parameter_gradients(const NetworkBackprop& r) {
  std::vector<Tensor> g;
  for (const std::vector<Tensor>& layer : r.gradients) g.insert(g.end(), layer.begin(), layer.end());
  return g;
}

}  // namespace tg::nn
