#include "cli/any_network.hpp"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/layer_description.hpp"
#include "nn/conv_layer.hpp"
#include "nn/pool_layer.hpp"

namespace tg::cli {

namespace {

// Layer l of net in --layers' grammar ("" for a flatten layer, which is implied).
std::string layer_token(const nn::Network& net, std::size_t l) {
  const nn::Layer& layer = net.layer(l);
  const std::string sigma = to_string(layer.activation());
  if (const auto* conv = dynamic_cast<const nn::Conv*>(&layer)) {
    const Shape& w = conv->w().shape();  // (F, C, K, K')
    return fmt::format("conv:{}x{}x{}{}{}:{}", w[0], w[2], w[3],
                       conv->stride() == 1 ? "" : fmt::format(":s{}", conv->stride()),
                       conv->padding() == 0 ? "" : fmt::format(":p{}", conv->padding()), sigma);
  }
  if (const auto* pool = dynamic_cast<const nn::Pooling*>(&layer)) {
    const nn::PoolGeometry& g = pool->geometry();
    return fmt::format("{}:{}{}", pool->pool() == nn::Pool::max ? "pool" : "avgpool", g.kernel,
                       g.stride == g.kernel ? "" : fmt::format(":s{}", g.stride));
  }
  if (layer.kind() == "flatten") return "";
  const std::size_t n = layer.output_shape().at(0);
  return l == net.num_layers() ? fmt::format("{}:{}", sigma, n) : fmt::format("fc:{}:{}", n, sigma);
}

}  // namespace

Shape example_shape(const DataSet& data) {
  if (data.image_rows > 0 && data.image_cols > 0 && data.inputs() == data.image_rows * data.image_cols)
    return {1, data.image_rows, data.image_cols};
  return {data.inputs()};
}

nn::Network build_layers_network(const ModelOptions& m, const DataSet& data) {
  if (m.sizes || m.output)
    throw std::invalid_argument(
        fmt::format("{} describes the whole network: leave out {}", m.layers_option,
                    m.sizes ? "--sizes" : "--output (the last layer's ACT:N gives it)"));
  return build_layers(parse_layers(*m.layers), example_shape(data), data.outputs(),
                      m.hidden.value_or(data.defaults.hidden), m.init, m.seed_or_default(), m.layers_option);
}

AnyNetwork build_any_network(const ModelOptions& m, const DataSet& data) {
  if (m.layers) return build_layers_network(m, data);
  return build_network(m, data);
}

std::string layers_str(const nn::Network& net) {
  std::vector<std::string> tokens;
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    if (std::string t = layer_token(net, l); !t.empty()) tokens.push_back(std::move(t));
  return fmt::format("{}", fmt::join(tokens, ","));
}

std::string network_str(const nn::Mlp& net) {
  return fmt::format("{} {} hidden, {} output", sizes_str(net.sizes()), to_string(net.hidden()),
                     to_string(net.output()));
}

std::string network_str(const nn::Network& net) {
  return fmt::format("{} on {}", layers_str(net), shape_str(net.input_shape()));
}

std::string network_str(const AnyNetwork& net) {
  return std::visit([](const auto& n) { return network_str(n); }, net);
}

std::string short_str(const nn::Mlp& net) { return sizes_str(net.sizes()); }
std::string short_str(const nn::Network& net) { return layers_str(net); }

void check_fits(const nn::Network& net, const DataSet& data, const std::string& what) {
  if (net.input_size() != data.inputs() || net.output_size() != data.outputs())
    throw std::invalid_argument(fmt::format(
        "{} ({}) does not fit data set '{}': it takes {} inputs and gives {} outputs, the data have {} and {}",
        what, network_str(net), data.name, net.input_size(), net.output_size(), data.inputs(),
        data.outputs()));
  // The same pixel count is not enough: a conv or pooling layer reads each column as its
  // (C, H, W). (A flatten first, then fully connected layers, take any columns.)
  const Shape images = example_shape(data);
  const bool spatial = net.input_shape().size() == 3 && net.layer(2).kind() != "flatten";
  if (spatial && images.size() == 3 && images != net.input_shape())
    throw std::invalid_argument(fmt::format(
        "{} ({}) takes images {}, but the images of data set '{}' are {}: the same {} pixels in another shape",
        what, network_str(net), shape_str(net.input_shape()), data.name, shape_str(images), data.inputs()));
}

}  // namespace tg::cli
