#include "cli/layer_description.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/options.hpp"  // parse_count
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/pool_layer.hpp"

namespace tg::cli {

namespace {

constexpr const char* layer_forms =
    "conv:FxK[xK'][:sS][:pP][:ACT], pool:K[:sS], maxpool:K[:sS], avgpool:K[:sS], fc:N[:ACT] or an output "
    "layer ACT:N (softmax:10)";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = std::min(s.find(sep, start), s.size());
    parts.push_back(s.substr(start, end - start));
    if (end == s.size()) return parts;
    start = end + 1;
  }
}

// A whole number ≥ 1 in a token (std::invalid_argument naming what it should be).
std::size_t positive(const std::string& field, const char* what) {
  const std::optional<std::uint64_t> n = parse_count(field);
  if (!n || *n == 0)
    throw std::invalid_argument(fmt::format("expected {} (a whole number >= 1), got '{}'", what, field));
  return *n;
}

bool is_activation(const std::string& name) {
  const std::vector<std::string> names = nn::activation_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

nn::Activation hidden_activation(const std::string& name) {
  const nn::Activation a = nn::parse_activation(name);
  if (!nn::row(a).hidden)
    throw std::invalid_argument(fmt::format("{} is an output activation; a hidden layer takes {}", name,
                                            nn::or_list(nn::activation_names(true))));
  return a;
}

// conv's options after FxK[xK']: sS, pP and a σ, in any order.
void conv_options(LayerSpec& s, const std::vector<std::string>& fields) {
  for (std::size_t i = 2; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    const std::optional<std::uint64_t> n = f.empty() ? std::nullopt : parse_count(f.substr(1));
    const std::uint64_t count = n.value_or(0);  // (read by value: GCC 12 misreports *n as uninitialized)
    if (is_activation(f)) s.activation = hidden_activation(f);
    else if (f[0] == 's' && count > 0) s.stride = count;
    else if (f[0] == 'p' && n) s.padding = count;
    else
      throw std::invalid_argument(
          fmt::format("expected sS (a stride >= 1), pP (a padding >= 0) or an activation ({}), got '{}'",
                      nn::or_list(nn::activation_names(true)), f));
  }
}

LayerSpec conv_spec(const std::vector<std::string>& fields) {
  LayerSpec s;
  s.kind = LayerSpec::Kind::conv;
  const std::vector<std::string> dims = split(fields.size() > 1 ? fields[1] : "", 'x');
  if (dims.size() < 2 || dims.size() > 3)
    throw std::invalid_argument("expected conv:FxK or conv:FxKxK' (F kernels of K×K')");
  s.size = positive(dims[0], "the number of kernels F");
  s.kernel_h = positive(dims[1], "the kernel's height K");
  s.kernel_w = dims.size() == 3 ? positive(dims[2], "the kernel's width K'") : s.kernel_h;
  s.stride = 1;
  conv_options(s, fields);
  return s;
}

LayerSpec pool_spec(const std::vector<std::string>& fields, nn::Pool pool) {
  LayerSpec s;
  s.kind = LayerSpec::Kind::pool;
  s.pool = pool;
  s.size = positive(fields.size() > 1 ? fields[1] : "", "the window's size K");
  s.stride = s.size;
  if (fields.size() > 3 || (fields.size() == 3 && (fields[2].empty() || fields[2][0] != 's')))
    throw std::invalid_argument(fmt::format("expected {}:K or {}:K:sS", fields[0], fields[0]));
  if (fields.size() == 3) s.stride = positive(fields[2].substr(1), "a stride sS");
  return s;
}

// fc:N[:ACT] and the output layer ACT:N.
LayerSpec neurons_spec(const std::vector<std::string>& fields) {
  LayerSpec s;
  const bool fc = fields[0] == "fc";
  s.kind = fc ? LayerSpec::Kind::fc : LayerSpec::Kind::output;
  s.size = positive(fields.size() > 1 ? fields[1] : "", "a number of neurons N");
  if (!fc) s.activation = nn::parse_activation(fields[0]);
  if (fields.size() > (fc ? 3u : 2u))
    throw std::invalid_argument(fc ? "expected fc:N or fc:N:ACT" : "expected ACT:N for the output layer");
  if (fc && fields.size() == 3) s.activation = hidden_activation(fields[2]);
  return s;
}

LayerSpec layer_spec(const std::string& token) {
  const std::vector<std::string> fields = split(token, ':');
  const std::string& head = fields[0];
  if (head == "conv") return conv_spec(fields);
  if (head == "pool" || head == "maxpool") return pool_spec(fields, nn::Pool::max);
  if (head == "avgpool") return pool_spec(fields, nn::Pool::average);
  if (head == "fc" || is_activation(head)) return neurons_spec(fields);
  throw std::invalid_argument(fmt::format("not a layer: expected {}", layer_forms));
}

// Layer l of the network for spec s, taking `in` per example.
std::unique_ptr<nn::Layer> make_layer(const LayerSpec& s, const Shape& in, nn::Activation hidden,
                                      std::optional<nn::Init> init, std::mt19937_64& rng) {
  const bool images = in.size() == 3;
  if ((s.kind == LayerSpec::Kind::conv || s.kind == LayerSpec::Kind::pool) && !images)
    throw std::invalid_argument(fmt::format(
        "a {} layer takes images (C, H, W), but it gets columns {}: the data set's examples are not images, "
        "or a fully connected layer comes before it",
        s.kind == LayerSpec::Kind::conv ? "conv" : "pool", shape_str(in)));
  const nn::Activation sigma = s.activation.value_or(hidden);
  const nn::Init drawn =
      init.value_or(sigma == nn::Activation::relu ? nn::Init::he : nn::Init::scaled_normal);
  const std::size_t fan_in = s.kind == LayerSpec::Kind::conv ? in[0] * s.kernel_h * s.kernel_w : numel(in);
  const std::size_t parameters = nn::times(nn::plus(fan_in, 1), s.size);  // weights and biases
  if (s.kind != LayerSpec::Kind::pool)
    nn::require_memory(nn::times(parameters, sizeof(double)), fmt::format("its {} weights", parameters));
  switch (s.kind) {
    case LayerSpec::Kind::conv:
      return std::make_unique<nn::Conv>(in, s.size, s.kernel_h, s.kernel_w, s.stride, s.padding, sigma, drawn,
                                        rng);
    case LayerSpec::Kind::pool: return std::make_unique<nn::Pooling>(in, s.pool, s.size, s.stride);
    default: return std::make_unique<nn::FullyConnected>(nn::Linear(numel(in), s.size, drawn, rng), sigma);
  }
}

}  // namespace

nn::Network build_layers(const std::vector<LayerSpec>& specs, const Shape& input, std::size_t outputs,
                         nn::Activation hidden, std::optional<nn::Init> init, std::uint64_t seed,
                         const std::string& option) {
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<nn::Layer>> layers;
  Shape in = input;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& s = specs[i];
    const auto fail = [&](const std::string& why) {
      return std::invalid_argument(fmt::format("{}: token {} '{}': {}", option, i + 1, s.token, why));
    };
    if (s.kind == LayerSpec::Kind::output && s.size != outputs)
      throw fail(fmt::format("the output layer has {} neurons, but the data set's examples have {} targets",
                             s.size, outputs));
    const bool columns_next = s.kind == LayerSpec::Kind::fc || s.kind == LayerSpec::Kind::output;
    if (columns_next && in.size() == 3) {  // the maps flattened into a column
      layers.push_back(std::make_unique<nn::Flatten>(in));
      in = layers.back()->output_shape();
    }
    try {
      layers.push_back(make_layer(s, in, hidden, init, rng));
    } catch (const nn::memory_error& e) {
      throw nn::memory_error(fmt::format("{}: token {} '{}': {}", option, i + 1, s.token, e.what()));
    } catch (const std::invalid_argument& e) {  // shape_error too: a kernel larger than its input
      throw fail(e.what());
    }
    in = layers.back()->output_shape();
  }
  return nn::Network(input, std::move(layers));
}

std::vector<LayerSpec> parse_layers(const std::string& text) {
  const std::vector<std::string> tokens = split(text, ',');
  std::vector<LayerSpec> layers;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto fail = [&](const std::string& why) {
      return std::invalid_argument(fmt::format("token {} '{}': {}", i + 1, tokens[i], why));
    };
    try {
      layers.push_back(layer_spec(tokens[i]));
    } catch (const std::invalid_argument& e) {
      throw fail(e.what());
    }
    layers.back().token = tokens[i];
    const bool output = layers.back().kind == LayerSpec::Kind::output;
    if (output && i + 1 < tokens.size()) throw fail("the output layer must be the last");
    if (!output && i + 1 == tokens.size())
      throw fail(fmt::format("the last layer must be the output layer ACT:N, e.g. softmax:10 (ACT: {})",
                             nn::or_list(nn::activation_names())));
  }
  return layers;
}

const std::vector<std::pair<std::string, std::string>>& named_models() {
  // Nielsen's chapter 6 network (network3.py): two conv-pool layers and a fully connected one.
  static const std::vector<std::pair<std::string, std::string>> models{
      {"lenet", "conv:20x5x5:relu,pool:2,conv:40x5x5:relu,pool:2,fc:100:relu,softmax:10"}};
  return models;
}

std::string named_model(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [n, description] : named_models()) {
    if (n == name) return description;
    names.push_back(n);
  }
  throw std::invalid_argument(fmt::format("unknown model '{}': expected {}", name, nn::or_list(names)));
}

}  // namespace tg::cli
