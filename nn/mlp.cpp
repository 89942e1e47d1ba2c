#include "nn/mlp.hpp"

#include <fmt/format.h>

namespace tg::nn {

Mlp::Mlp(std::vector<std::size_t> sizes, Activation hidden, Activation output, std::uint64_t seed, Init init)
    : sizes_(std::move(sizes)), hidden_(hidden), output_(output) {
  if (sizes_.size() < 2)
    throw std::invalid_argument(
        fmt::format("Mlp: needs at least two layer sizes (input and output), got {}", sizes_.size()));
  for (std::size_t l = 0; l < sizes_.size(); ++l)
    if (sizes_[l] == 0) throw std::invalid_argument(fmt::format("Mlp: layer {} has no neurons", l + 1));
  std::mt19937_64 rng(seed);
  for (std::size_t l = 1; l < sizes_.size(); ++l) layers_.emplace_back(sizes_[l - 1], sizes_[l], init, rng);
  check();
}

Mlp::Mlp(std::vector<Linear> layers, Activation hidden, Activation output)
    : hidden_(hidden), output_(output), layers_(std::move(layers)) {
  if (layers_.empty()) throw std::invalid_argument("Mlp: no layers");
  sizes_.push_back(layers_.front().in());
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i].in() != sizes_.back())
      throw shape_error(fmt::format("Mlp: layer {} takes {} inputs but layer {} has {} neurons", i + 2,
                                    layers_[i].in(), i + 1, sizes_.back()));
    sizes_.push_back(layers_[i].out());
  }
  check();
}

void Mlp::check() const {
  if (!row(hidden_).hidden && sizes_.size() > 2)
    throw std::invalid_argument(
        fmt::format("Mlp: {} is an output activation, not a hidden one", to_string(hidden_)));
}

Activation Mlp::activation(std::size_t l) const {
  if (l < 2 || l > num_layers())
    throw std::out_of_range(
        fmt::format("Mlp::activation: layers are numbered 2..{}, got {}", num_layers(), l));
  return l == num_layers() ? output_ : hidden_;
}

Linear& Mlp::layer(std::size_t l) {
  if (l < 2 || l > num_layers())
    throw std::out_of_range(fmt::format("Mlp::layer: layers are numbered 2..{}, got {}", num_layers(), l));
  return layers_[l - 2];
}

const Linear& Mlp::layer(std::size_t l) const { return const_cast<Mlp*>(this)->layer(l); }

std::vector<Variable> Mlp::weights() const {
  std::vector<Variable> W;
  for (const Linear& layer : layers_) W.push_back(layer.W);
  return W;
}

std::vector<Variable> Mlp::parameters() const {
  std::vector<Variable> p;
  for (const Linear& layer : layers_) {
    p.push_back(layer.W);
    p.push_back(layer.b);
  }
  return p;
}

Mlp Mlp::copy() const {
  std::vector<Linear> layers;
  for (const Linear& layer : layers_) layers.emplace_back(Tensor(layer.W.value()), Tensor(layer.b.value()));
  return Mlp(std::move(layers), hidden_, output_);
}

Mlp::Trace Mlp::forward_trace(const Variable& X) const {
  if (X.value().dimension() != 2 || X.shape()[0] != sizes_[0])
    throw shape_error(
        fmt::format("Mlp::forward: input {} does not fit: expected ({}, m), one column per example",
                    shape_str(X.value()), sizes_[0]));
  Trace t;
  t.z.resize(num_layers() + 1);
  t.a.resize(num_layers() + 1);
  t.a[1] = X;
  for (std::size_t l = 2; l <= num_layers(); ++l) {
    t.z[l] = layer(l).forward(t.a[l - 1]);     // z^l = W^l a^{l−1} + b^l
    t.a[l] = activate(activation(l), t.z[l]);  // a^l = σ(z^l)
  }
  return t;
}

Variable Mlp::forward(const Variable& X) const { return forward_trace(X).output(); }

}  // namespace tg::nn
