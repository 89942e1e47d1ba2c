#include "nn/network.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "nn/fully_connected.hpp"
#include "nn/image_layout.hpp"

namespace tg::nn {

Network::Network(Shape input, std::vector<std::unique_ptr<Layer>> layers)
    : input_(std::move(input)), layers_(std::move(layers)) {
  if (layers_.empty()) throw std::invalid_argument("Network: no layers");
  if (input_.size() != 1 && input_.size() != 3)
    throw shape_error(fmt::format("Network: input {} is neither (N) nor (C, H, W)", shape_str(input_)));
  Shape before = input_;
  for (std::size_t l = 2; l <= num_layers(); ++l) {
    const Layer& layer = *layers_[l - 2];
    if (layer.input_shape() != before)
      throw shape_error(fmt::format("Network: layer {} ({}) takes {} but layer {} gives {}", l, layer.kind(),
                                    shape_str(layer.input_shape()), l - 1, shape_str(before)));
    if (l < num_layers() && !row(layer.activation()).hidden)
      throw std::invalid_argument(
          fmt::format("Network: layer {} has {}, an output activation, but is not the last", l,
                      to_string(layer.activation())));
    before = layer.output_shape();
  }
  if (before.size() != 1)
    throw shape_error(
        fmt::format("Network: the last layer ({}) gives {}, not a column (N^L): end with a fully "
                    "connected layer",
                    layers_.back()->kind(), shape_str(before)));
}

Network Network::from_mlp(const Mlp& mlp) {
  std::vector<std::unique_ptr<Layer>> layers;
  for (std::size_t l = 2; l <= mlp.num_layers(); ++l)
    layers.push_back(std::make_unique<FullyConnected>(
        Linear(Tensor(mlp.layer(l).W.value()), Tensor(mlp.layer(l).b.value())), mlp.activation(l)));
  return Network({mlp.sizes().front()}, std::move(layers));
}

Network Network::copy() const {
  std::vector<std::unique_ptr<Layer>> layers;
  for (const auto& layer : layers_) layers.push_back(layer->copy());
  return Network(input_, std::move(layers));
}

std::size_t Network::output_size() const { return layers_.back()->output_shape().at(0); }

const Layer& Network::layer(std::size_t l) const {
  if (l < 2 || l > num_layers())
    throw std::out_of_range(
        fmt::format("Network::layer: layers are numbered 2..{}, got {}", num_layers(), l));
  return *layers_[l - 2];
}

std::vector<Variable> Network::parameters() const {
  std::vector<Variable> p;
  for (const auto& layer : layers_)
    for (const Parameter& q : layer->parameters()) p.push_back(q.value);
  return p;
}

std::vector<Variable> Network::weights() const {
  std::vector<Variable> w;
  for (const auto& layer : layers_)
    for (const Parameter& q : layer->parameters())
      if (q.weight) w.push_back(q.value);
  return w;
}

void Network::check_input(const Shape& X) const {
  if (X.size() != 2 || X[0] != input_size())
    throw shape_error(
        fmt::format("Network::forward: input {} does not fit: expected ({}, m), one column per "
                    "example{}",
                    shape_str(X), input_size(),
                    input_.size() == 3 ? fmt::format(" (an image {} each)", shape_str(input_)) : ""));
}

Tensor Network::input_layout(const Tensor& X) const {
  check_input(shape_of(X));
  return input_.size() == 3 ? to_images(X, input_) : X;
}

Network::Trace Network::forward_trace(const Variable& X) const {
  check_input(X.shape());
  Trace t;
  t.z.resize(num_layers() + 1);
  t.a.resize(num_layers() + 1);
  t.a[1] = input_.size() == 3 ? to_images(X, input_) : X;
  for (std::size_t l = 2; l <= num_layers(); ++l) {
    const Layer& layer = *layers_[l - 2];
    t.z[l] = layer.forward(t.a[l - 1]);  // z^l from a^{l−1}
    t.a[l] = layer.activation() == Activation::identity
                 ? t.z[l]
                 : activate(layer.activation(), t.z[l]);  // a^l = σ(z^l)
  }
  return t;
}

Variable Network::forward(const Variable& X) const { return forward_trace(X).output(); }

Variable cost(const Cost& c, const Network& net, const Network::Trace& trace, const Tensor& Y) {
  const std::size_t L = net.num_layers();
  if (trace.z.size() != L + 1 || !trace.z[L].defined() || !trace.a[L].defined())
    throw std::invalid_argument("cost: pass this network's net.forward_trace(X)");
  return cost(c, net.output(), trace.z[L], trace.a[L], net.weights(), Y);
}

std::string Network::describe() const {
  std::string s = fmt::format("input: {}\n", shape_str(input_));
  for (std::size_t l = 2; l <= num_layers(); ++l) s += fmt::format("layer {}: {}\n", l, layer(l).describe());
  return s;
}

}  // namespace tg::nn
