// Backpropagation by hand through an nn::Network: BP1 at the output, then each layer's own
// equations (nn/layer.hpp), with no autodiff:
//
//   (BP1) δ^L = ∇_a C ⊙ σ'(z^L)                                  (nn::output_delta)
//   (BP2) δ^{l−1} = (layer l's ∂C/∂a^{l−1} from δ^l) ⊙ σ'(z^{l−1})
//           fully connected: (W^l)ᵀ δ^l            conv: (BP2-conv)   pooling: (BP2-pool)
//           flatten: δ^l back in images' layout
//   (BP3, BP4) ∂C/∂θ^l from δ^l and a^{l−1}: fully connected (BP3), (BP4); conv (BP3-conv), (BP4-conv)
// For a batch δ^l holds every example, and the parameters' gradients sum over them.
#pragma once

#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/network.hpp"

namespace tg::nn {

// Indexed by Nielsen's layer numbers (0 and 1 unused, but a[1]: the input in layer 2's layout).
struct NetworkBackprop {
  std::vector<Tensor> z, a, delta;
  std::vector<std::vector<Tensor>> gradients;  // gradients[l]: layer(l).parameters()' ∂C/∂θ, in order
};

// X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise); a bad cost, std::invalid_argument.
NetworkBackprop backprop(const Network& net, const Tensor& X, const Tensor& Y, const Cost& cost);

// All the gradients in net.parameters() order.
std::vector<Tensor> parameter_gradients(const NetworkBackprop& r);

// The equations backprop(net, ...) uses: BP1, then each layer's (Layer::input_equation for
// layers 3..L, each parameter's Parameter::equation), each once.
std::vector<std::string> equations(const Network& net);

}  // namespace tg::nn
