// A multilayer perceptron in Nielsen's notation. Layers are numbered as in the book: layer 1
// is the input, layers 2..L compute z^l = W^l a^{l−1} + b^l and a^l = σ(z^l). A batch is a
// matrix with one column per example, so the code reads like the formulas.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"

namespace tg::nn {

class Mlp {
 public:
  // sizes = {N^1, N^2, ..., N^L}, e.g. {784, 100, 10}; at least two layers, none empty.
  // hidden: σ of layers 2..L−1; output: σ of layer L. Weights drawn with `init` from `seed`.
  // Fewer than two sizes, a size 0, or softmax as the hidden activation (of a network that has
  // hidden layers) throw std::invalid_argument.
  Mlp(std::vector<std::size_t> sizes, Activation hidden, Activation output, std::uint64_t seed,
      Init init = Init::scaled_normal);
  // A network with given layers (from a checkpoint, or a seed's worked example). At least one
  // layer (std::invalid_argument), each taking as many inputs as the one before has neurons
  // (tg::shape_error), softmax not hidden (std::invalid_argument).
  Mlp(std::vector<Linear> layers, Activation hidden, Activation output);

  // Not copyable: a copy that shared the weights' leaves (as copying the Variables would) and
  // one that has its own are easy to confuse, so the only copy is copy() below, which says
  // which it is. Moving hands the same leaves over.
  Mlp(const Mlp&) = delete;
  Mlp& operator=(const Mlp&) = delete;
  Mlp(Mlp&&) = default;
  Mlp& operator=(Mlp&&) = default;

  const std::vector<std::size_t>& sizes() const { return sizes_; }
  std::size_t num_layers() const { return sizes_.size(); }  // L, the input layer included
  Activation hidden() const { return hidden_; }
  Activation output() const { return output_; }
  // σ of layer l = 2..L (std::out_of_range otherwise, as layer(l)).
  Activation activation(std::size_t l) const;

  // Layer l = 2..L (Nielsen's numbering); std::out_of_range otherwise.
  Linear& layer(std::size_t l);
  const Linear& layer(std::size_t l) const;

  // W^2, b^2, W^3, b^3, ..., W^L, b^L.
  std::vector<Variable> parameters() const;
  std::vector<Variable> weights() const;  // W^2..W^L: what L2 regularises (not the biases)
  // A network with the same weights in new leaves: a backward pass through the copy fills the
  // copy's gradients, and training it changes neither this network's weights nor its gradients.
  Mlp copy() const;

  // What the forward pass computed, layer by layer: z[l] and a[l] for l = 2..L, a[1] = x
  // (index 0 and z[1] are unused, so that the indices are the book's).
  struct Trace {
    std::vector<Variable> z, a;
    const Variable& output() const { return a.back(); }
  };
  // X: (N^1, m) -> Trace   (any other X: tg::shape_error)
  Trace forward_trace(const Variable& X) const;
  // a^L for X.    X: (N^1, m) -> (N^L, m)
  Variable forward(const Variable& X) const;

 private:
  void check() const;
  std::vector<std::size_t> sizes_;
  Activation hidden_, output_;
  std::vector<Linear> layers_;  // layers_[l − 2] is layer l
};

}  // namespace tg::nn
