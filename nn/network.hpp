// A network as a sequence of layers (nn/layer.hpp): fully connected, convolutional, pooling and
// flatten layers composed, numbered as in Nielsen's book: layer 1 is the input, layers 2..L
// compute z^l from a^{l−1} and a^l = σ(z^l). nn::Mlp is the special case of fully connected
// layers only, kept as the seeds' view of a network.
//
// Whatever its layers, a Network takes and gives columns, as an Mlp: X (N^1, m) -> a^L (N^L, m),
// one column per example, so data sets, costs, metrics and training treat both alike. A network
// whose input is images (C, H, W) reads each column of X as one image in row-major order
// (N^1 = C·H·W); its trace's a^1 is X in the images' layout (m, C, H, W).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/cost.hpp"
#include "nn/layer.hpp"
#include "nn/mlp.hpp"

namespace tg::nn {

class Network {
 public:
  // input: one example's shape, (N^1) or (C, H, W). Layers in order, each taking what the one
  // before gives (tg::shape_error naming both layers otherwise); at least one; the last one's
  // output a column (N^L) (a fully connected layer); softmax only there (std::invalid_argument).
  Network(Shape input, std::vector<std::unique_ptr<Layer>> layers);
  // The Mlp's layers as fully connected ones, with copies of its weights.
  static Network from_mlp(const Mlp& mlp);

  Network(const Network&) = delete;  // as Mlp: the only copy is copy(), with its own leaves
  Network& operator=(const Network&) = delete;
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;
  Network copy() const;

  const Shape& input_shape() const { return input_; }
  std::size_t input_size() const { return numel(input_); }       // N^1
  std::size_t output_size() const;                               // N^L
  std::size_t num_layers() const { return layers_.size() + 1; }  // L, the input layer included
  // Layer l = 2..L (std::out_of_range otherwise).
  const Layer& layer(std::size_t l) const;
  Activation output() const { return layers_.back()->activation(); }  // σ of layer L

  // Every layer's parameters in order: (W^2 or w^2), b^2, ..., those of layer L.
  std::vector<Variable> parameters() const;
  // The parameters L2 regularises (weights and kernels, not biases), in the same order.
  std::vector<Variable> weights() const;

  // z[l], a[l] for l = 2..L, a[1] the input in layer 2's layout (index 0 and z[1] unused).
  struct Trace {
    std::vector<Variable> z, a;
    const Variable& output() const { return a.back(); }
  };
  // X: (N^1, m) -> Trace   (any other X: tg::shape_error)
  Trace forward_trace(const Variable& X) const;
  // a^L for X.    X: (N^1, m) -> (N^L, m)
  Variable forward(const Variable& X) const;
  // X (N^1, m) in the layout layer 2 takes: images (m, C, H, W) or X itself.
  Tensor input_layout(const Tensor& X) const;

  // One line per layer: "layer 2: conv 20 kernels 5×5, ...".
  std::string describe() const;

 private:
  void check_input(const Shape& X) const;
  Shape input_;
  std::vector<std::unique_ptr<Layer>> layers_;  // layers_[l − 2] is layer l
};

// C for the network's forward trace and targets Y (N^L, m), recorded: nn::cost of layer L's z^L
// and a^L, with L2 over net.weights().
Variable cost(const Cost& c, const Network& net, const Network::Trace& trace, const Tensor& Y);

}  // namespace tg::nn
