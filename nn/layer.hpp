// One layer of an nn::Network, in the vocabulary of Nielsen's network3.py (ConvPoolLayer,
// FullyConnectedLayer, SoftmaxLayer): it maps the activations a^{l−1} of the layer before to
// z^l, and a^l = σ(z^l). Each layer type carries both backward passes: the engine's (its
// forward on Variables, recorded) and the hand-written one (its BP equations on plain tensors).
//
// Activations between layers have one of two layouts:
//   images   (m, C, H, W)   conv and pooling layers take and give these;
//   columns  (N, m)         fully connected layers, one column per example, as nn::Mlp;
// a flatten layer turns images into columns. Per example, a layer's input is `in` (C, H, W) or
// (N), and its output output_shape().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/activation.hpp"
#include "nn/parameter.hpp"

namespace tg::nn {

class Layer {
 public:
  virtual ~Layer() = default;

  // "fc", "conv", "maxpool", "avgpool", "flatten": what checkpoints and messages call the type.
  virtual std::string kind() const = 0;
  // One line for people: "conv 20×5×5, stride 1, padding 0, sigmoid: (1,28,28) -> (20,24,24)".
  virtual std::string describe() const = 0;
  // Per example: what the layer takes and gives, e.g. (1,28,28) -> (20,24,24).
  virtual Shape input_shape() const = 0;
  virtual Shape output_shape() const = 0;
  // σ of a^l = σ(z^l); identity for the layers without one (pooling, flatten: a^l = z^l).
  virtual Activation activation() const { return Activation::identity; }
  // The layer's parameters, weights first, each with the equation of its gradient (none for
  // pooling and flatten).
  virtual std::vector<Parameter> parameters() const { return {}; }
  // The same layer with the same values in new leaves (nn::Network::copy).
  virtual std::unique_ptr<Layer> copy() const = 0;

  // z^l, recorded by the engine (the autodiff path).      a^{l−1} -> z^l, in the layouts above
  virtual Variable forward(const Variable& a_prev) const = 0;
  // z^l on plain tensors (the hand-written path).
  virtual Tensor forward(const Tensor& a_prev) const = 0;
  // ∂C/∂a^{l−1} from δ^l = ∂C/∂z^l by hand: BP2 up to its ⊙ σ′(z^{l−1}), which nn::Network
  // multiplies in with the layer before's σ.
  virtual Tensor backward_input(const Tensor& a_prev, const Tensor& delta) const = 0;
  // ∂C/∂θ for parameters(), in order, by hand (BP3, BP4 and their conv forms).
  virtual std::vector<Tensor> backward_parameters(const Tensor& a_prev, const Tensor& delta) const;

  // The name of the equation backward_input uses, as its code's tag and docs/conv.md give it:
  // "BP2", "BP2-conv", "BP2-pool"; "" for flatten, a reshape. Every layer kind states it (and
  // each of its parameters its own, Parameter::equation): the summary lines of compare, verify
  // and report list them (nn::equations).
  virtual std::string input_equation() const = 0;
};

// "(1,28,28) -> (20,24,24)": a layer's shapes per example, for describe().
std::string shapes_str(const Layer& layer);

}  // namespace tg::nn
