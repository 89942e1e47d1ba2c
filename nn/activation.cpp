#include "nn/activation.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"

namespace tg::nn {

std::string to_string(Activation a) {
  switch (a) {
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::identity: return "identity";
    case Activation::softmax: return "softmax";
  }
  return "?";
}

Activation parse_activation(const std::string& name) {
  for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity,
                       Activation::softmax})
    if (to_string(a) == name) return a;
  throw std::invalid_argument(fmt::format(
      "unknown activation '{}' (expected sigmoid, tanh, relu, identity or softmax)", name));
}

Variable activate(Activation a, const Variable& z) {
  switch (a) {
    case Activation::sigmoid: return sigmoid(z);
    case Activation::tanh: return tanh(z);
    case Activation::relu: return relu(z);
    case Activation::identity: return z;
    case Activation::softmax: return softmax(z, 0);  // axis 0: down each example's column
  }
  throw std::logic_error("activate: unknown activation");
}

// By hand, without the engine: nn::backprop uses this.
Tensor activate(Activation a, const Tensor& z) {
  switch (a) {
    case Activation::sigmoid: return map(z, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
    case Activation::tanh: return map(z, [](double v) { return std::tanh(v); });
    case Activation::relu: return map(z, [](double v) { return v > 0.0 ? v : 0.0; });
    case Activation::identity: return z;
    case Activation::softmax: return softmax_values(z, 0);  // down each column, stably
  }
  throw std::logic_error("activate: unknown activation");
}

Tensor activation_backward(Activation act, const Tensor& z, const Tensor& a, const Tensor& grad_a) {
  // z, a, grad_a: (N, m). zip would broadcast mismatched shapes into a wrong answer: refuse them.
  if (!same_shape(z, a) || !same_shape(a, grad_a))
    throw shape_error(fmt::format("activation_backward: z {}, a {} and grad_a {} must have one shape", shape_str(z),
                                  shape_str(a), shape_str(grad_a)));
  if (act == Activation::softmax && a.dimension() != 2)
    throw shape_error(fmt::format("activation_backward: softmax works down the columns of an (N, m) matrix, got {}",
                                  shape_str(a)));
  switch (act) {
    case Activation::sigmoid:  // σ' = a(1 − a)
      return zip("sigmoid'", grad_a, map(a, [](double s) { return s * (1.0 - s); }), std::multiplies<>());
    case Activation::tanh:  // σ' = 1 − a²
      return zip("tanh'", grad_a, map(a, [](double t) { return 1.0 - t * t; }), std::multiplies<>());
    case Activation::relu:  // σ' = [z > 0]
      return zip("relu'", grad_a, map(z, [](double v) { return v > 0.0 ? 1.0 : 0.0; }), std::multiplies<>());
    case Activation::identity:
      return grad_a;
    case Activation::softmax: {  // a ⊙ (g − Σ_k g_k a_k), per column
      const Tensor ga = zip("softmax'", grad_a, a, std::multiplies<>());
      const Tensor col_sums = sum_to(ga, {1, a.shape()[1]});
      return zip("softmax'", a, zip("softmax'", grad_a, col_sums, std::minus<>()), std::multiplies<>());
    }
  }
  throw std::logic_error("activation_backward: unknown activation");
}

}  // namespace tg::nn
