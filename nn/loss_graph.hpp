// The computational graph of a network's cost, as Graphviz DOT, labelled in Nielsen's notation
// so that a student finds BP1–BP4 in it: the leaves x (= a^1), W^l, b^l and y, the nodes z^l,
// a^l and C, and on z^l the error δ^l = ∂C/∂z^l (BP1 for l = L, BP2 below), on W^l and b^l
// the gradients of BP4 and BP3.
//
//   C = cost(a^L, y),   z^l = W^l a^{l−1} + b^l,   a^l = σ(z^l),   δ^l = ∂C/∂z^l
//
// A network of layers (nn::Network) is drawn the same way, op by op as the engine records it
// (conv2d, max_pool2d, avg_pool2d, reshape, matmul, ...): its parameters named as its layers name
// them (w^l, b^l of a conv layer; W^l, b^l of a fully connected one), δ^l on z^l with the
// equation that gives it ((BP1); (BP2), (BP2-conv) or (BP2-pool) by the layer above), and
// (BP3-conv), (BP4-conv) on a conv layer's b^l and w^l.
#pragma once

#include <cstddef>
#include <string>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::nn {

struct LossGraphOptions {
  bool values = false;            // each node's value and gradient (δ^l on z^l, ∂C/∂W^l on W^l, ...)
  int precision = 4;              // significant digits of the numbers (≥ 0)
  std::size_t max_elements = 12;  // tensors with more elements are elided
  bool backward_order = true;     // each node's step in the backward pass ("backward step 3")
};

// What explain and the loss graph show of the engine: a copy of net (an Mlp or a Network) run
// forward on X and into the cost with Y, its nodes named in Nielsen's notation (x = a^1, its
// parameters as its layers name them (W^l, b^l; w^l, b^l of a conv layer), z^l, a^l, C; an
// identity activation's one node z^l = a^l), z^l and a^l keeping their gradients. For images,
// a^1 is x in the images' layout (m, C, H, W), a leaf of its own, named x = a^1 too. Not yet
// run backward. X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise); a cost the targets or
// the output do not suit: std::invalid_argument (nn/cost.hpp).
template <class Net>
struct NamedRun {
  Net net;  // the copy: the caller's network and its gradients are not touched
  Variable x;
  typename Net::Trace trace;
  Variable C;
};
NamedRun<Mlp> named_run(const Mlp& net, const Cost& cost, const Tensor& X, const Tensor& Y);
NamedRun<Network> named_run(const Network& net, const Cost& cost, const Tensor& X, const Tensor& Y);

// The graph of C for net on the batch (X, Y), after a forward and a backward pass on a copy of
// the network (net's own gradients are not touched). When the cost is computed from z^L
// (cross-entropy on sigmoid, log-likelihood on softmax, for stability) a^L is drawn as a second
// output.   X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise); a negative precision:
// std::invalid_argument.
std::string loss_graph_dot(const Mlp& net, const Cost& cost, const Tensor& X, const Tensor& Y,
                           const LossGraphOptions& options = {});

// The graph of C for a network of layers, as loss_graph_dot for an Mlp.
// X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise).
std::string loss_graph_dot(const Network& net, const Cost& cost, const Tensor& X, const Tensor& Y,
                           const LossGraphOptions& options = {});

}  // namespace tg::nn
