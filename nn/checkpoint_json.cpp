#include "nn/checkpoint_json.hpp"

#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nn/conv_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/input_file.hpp"
#include "nn/pool_layer.hpp"

namespace tg::nn::detail {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys stay in the order written: format and version first

namespace {

constexpr std::string_view format_name = "tapegrad-mlp-checkpoint";  // version 1: an Mlp
constexpr int format_version = 1;
constexpr std::string_view network_format_name = "tapegrad-checkpoint";  // version 2: a Network's layers
constexpr int network_format_version = 2;

json shape_json(const Shape& shape) { return json(std::vector<std::size_t>(shape.begin(), shape.end())); }

// Typed access to checkpoint.json; every error names the file and the key, e.g. layers[0].W.shape.
class MetadataReader {
 public:
  // `who` (load_checkpoint, load_checkpoint_extra, load_optimizer_state) starts every message.
  MetadataReader(fs::path file, const char* who) : file_(std::move(file)), who_(who) {}

  template <class... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) const {
    throw checkpoint_error(
        fmt::format("{}: '{}': {}", who_, file_.string(), fmt::format(format, std::forward<Args>(args)...)));
  }

  const json& at(const json& object, std::string_view where, const std::string& key) const {
    const std::string name = where.empty() ? key : fmt::format("{}.{}", where, key);
    if (!object.is_object()) fail("'{}' should be an object, found {}", where, object.dump());
    const auto it = object.find(key);
    if (it == object.end()) fail("missing key '{}'", name);
    return *it;
  }
  std::string string(const json& object, std::string_view where, const std::string& key) const {
    const json& v = at(object, where, key);
    if (!v.is_string()) fail("key '{}' should be a string, found {}", join(where, key), v.dump());
    return v.get<std::string>();
  }
  Shape extents(const json& object, std::string_view where, const std::string& key) const {
    const json& v = at(object, where, key);
    if (!v.is_array())
      fail("key '{}' should be an array of positive integers, found {}", join(where, key), v.dump());
    Shape s;
    for (const json& n : v) {
      if (!n.is_number_unsigned() || n.get<std::size_t>() == 0)
        fail("key '{}' should be an array of positive integers, found {}", join(where, key), v.dump());
      s.push_back(n.get<std::size_t>());
    }
    return s;
  }
  Activation activation(const json& object, const std::string& key) const {
    const std::string name = string(object, "", key);
    try {
      return parse_activation(name);
    } catch (const std::invalid_argument& e) {
      fail("{}: {}", key, e.what());
    }
  }
  // A file in the checkpoint's directory: a plain name, so that the JSON cannot point elsewhere.
  std::string file_name(const json& object, std::string_view where) const {
    const std::string name = string(object, where, "file");
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      fail("key '{}.file' should be a file name in the checkpoint's directory, found '{}'", where, name);
    return name;
  }

 private:
  static std::string join(std::string_view where, const std::string& key) {
    return where.empty() ? key : fmt::format("{}.{}", where, key);
  }
  fs::path file_;
  const char* who_;
};

// nlohmann::json copies nested values recursively, so a checkpoint.json nested thousands deep
// would overflow the stack instead of being an error: it is refused before it is parsed. A real
// one nests 6 deep (the root, "optimizer", "state", a slot, its list, an entry's "shape").
constexpr std::size_t max_json_depth = 32;
// A real checkpoint.json is a few KB (the notes are short): anything beyond 16 MB is no checkpoint.
constexpr std::size_t max_json_bytes = std::size_t{16} << 20;

// The byte at which text's arrays and objects first nest deeper than max_json_depth, if they do
// ('[' and '{' inside strings do not count).
std::optional<std::size_t> too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // an escaped character, e.g. \" (a bad escape is for the parser to report)
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// checkpoint.json's text, refused before it is parsed when it is no regular file, too large
// or nested too deep.
json read_root(const Metadata& meta) {
  const char* who = meta.who;
  std::string text;
  try {
    text = read_regular_file(meta.json_file, max_json_bytes);
  } catch (const input_file_error& e) {  // a FIFO, /dev/zero, a directory, ...: refused before reading
    throw checkpoint_error(fmt::format("{}: cannot read '{}': {}", who, meta.json_file.string(), e.what()));
  }
  if (const std::optional<std::size_t> at = too_deep_at(text))
    throw checkpoint_error(
        fmt::format("{}: '{}' is not a checkpoint: its arrays and objects nest more than {} deep at byte {}",
                    who, meta.json_file.string(), max_json_depth, *at));
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {  // says where: "parse error at line 3, column 5: ..."
    throw checkpoint_error(
        fmt::format("{}: '{}' is not valid JSON: {}", who, meta.json_file.string(), e.what()));
  }
}

// format and version: "tapegrad-mlp-checkpoint" 1 or "tapegrad-checkpoint" 2.
void read_format(const MetadataReader& r, const json& root, Metadata& meta) {
  if (!root.is_object()) r.fail("expected a JSON object, found {}", root.type_name());
  const std::string format = r.string(root, "", "format");
  if (format != format_name && format != network_format_name)
    r.fail("format is '{}', not '{}'", format, format_name);
  const int newest = format == format_name ? format_version : network_format_version;
  const json& version = r.at(root, "", "version");
  if (!version.is_number_integer() || version.get<long long>() < 1)
    r.fail("key 'version' should be a positive integer, found {}", version.dump());
  if (version.get<long long>() > newest)
    r.fail("format version {} is newer than this tapegrad reads ({})", version.get<long long>(), newest);
  meta.version = format == format_name ? format_version : network_format_version;
}

// sizes and the activations of version 1.
void read_network(const MetadataReader& r, const json& root, Metadata& meta) {
  meta.sizes = r.extents(root, "", "sizes");
  if (meta.sizes.size() < 2)
    r.fail("'sizes' should list at least two layers, found {}", r.at(root, "", "sizes").dump());
  meta.hidden = r.activation(root, "hidden_activation");
  meta.output = r.activation(root, "output_activation");
}

// W^l: (N^l, N^{l−1}), b^l: (N^l, 1), and W^l takes what W^{l−1} gives.
void check_layer_shapes(const Metadata& meta, std::size_t l, const Metadata::Param& W,
                        const Metadata::Param& b) {
  auto shape_fail = [&](const std::string& message) {
    throw shape_error(fmt::format("{}: '{}': {}", meta.who, meta.json_file.string(), message));
  };
  if (W.shape.size() != 2)
    shape_fail(
        fmt::format("W^{} has shape {}: expected a matrix (N^{}, N^{})", l, shape_str(W.shape), l, l - 1));
  if (b.shape != Shape{W.shape[0], 1})
    shape_fail(fmt::format("b^{} has shape {} but W^{} has shape {}: expected b^{} ({}, 1)", l,
                           shape_str(b.shape), l, shape_str(W.shape), l, W.shape[0]));
  if (l > 2 && W.shape[1] != meta.layers.back().first.shape[0])
    shape_fail(fmt::format(
        "layers do not chain: W^{} has shape {}, taking {} inputs, but W^{} has shape {}, giving {}", l,
        shape_str(W.shape), W.shape[1], l - 1, shape_str(meta.layers.back().first.shape),
        meta.layers.back().first.shape[0]));
  if (W.shape != Shape{meta.sizes[l - 1], meta.sizes[l - 2]})
    shape_fail(fmt::format("W^{} has shape {} but sizes {} say ({},{})", l, shape_str(W.shape),
                           shape_str(meta.sizes), meta.sizes[l - 1], meta.sizes[l - 2]));
}

void read_layers(const MetadataReader& r, const json& root, Metadata& meta) {
  const json& layers = r.at(root, "", "layers");
  if (!layers.is_array() || layers.size() != meta.sizes.size() - 1)
    r.fail("'layers' should be an array of {} layers (l = 2..{}) for sizes {}, found {}",
           meta.sizes.size() - 1, meta.sizes.size(), shape_str(meta.sizes),
           layers.is_array() ? fmt::format("{} layers", layers.size()) : layers.dump());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::size_t l = i + 2;
    const std::string where = fmt::format("layers[{}]", i);
    const json& layer = layers[i];
    if (const json& n = r.at(layer, where, "layer"); n != json(l))
      r.fail("'{}.layer' is {}: layers are listed in order, so it should be {}", where, n.dump(), l);
    Metadata::Param W{r.file_name(r.at(layer, where, "W"), where + ".W"),
                      r.extents(r.at(layer, where, "W"), where + ".W", "shape")};
    Metadata::Param b{r.file_name(r.at(layer, where, "b"), where + ".b"),
                      r.extents(r.at(layer, where, "b"), where + ".b", "shape")};
    check_layer_shapes(meta, l, W, b);
    meta.layers.emplace_back(std::move(W), std::move(b));
  }
}

// A whole number at object[key], positive unless zero is allowed (a padding).
std::size_t count(const MetadataReader& r, const json& object, const std::string& where,
                  const std::string& key, bool positive) {
  const json& v = r.at(object, where, key);
  if (!v.is_number_unsigned() || (positive && v.get<std::size_t>() == 0))
    r.fail("key '{}.{}' should be a {} integer, found {}", where, key, positive ? "positive" : "whole",
           v.dump());
  return v.get<std::size_t>();
}

Metadata::Param param(const MetadataReader& r, const json& layer, const std::string& where,
                      const std::string& key) {
  const std::string at = where + "." + key;
  return {r.file_name(r.at(layer, where, key), at), r.extents(r.at(layer, where, key), at, "shape")};
}

// One entry of version 2's "layers": its kind, and what that kind needs.
Metadata::LayerRecord read_record(const MetadataReader& r, const json& layer, const std::string& where) {
  Metadata::LayerRecord rec;
  rec.kind = r.string(layer, where, "kind");
  if (rec.kind == "fc" || rec.kind == "conv") {
    try {
      rec.activation = parse_activation(r.string(layer, where, "activation"));
    } catch (const std::invalid_argument& e) {
      r.fail("{}.activation: {}", where, e.what());
    }
  }
  if (rec.kind == "fc") {
    rec.params = {param(r, layer, where, "W"), param(r, layer, where, "b")};
  } else if (rec.kind == "conv") {
    rec.stride = count(r, layer, where, "stride", true);
    rec.padding = count(r, layer, where, "padding", false);
    rec.params = {param(r, layer, where, "w"), param(r, layer, where, "b")};
  } else if (rec.kind == "maxpool" || rec.kind == "avgpool") {
    rec.kernel = count(r, layer, where, "kernel", true);
    rec.stride = count(r, layer, where, "stride", true);
  } else if (rec.kind != "flatten") {
    r.fail("'{}.kind' is '{}': expected fc, conv, maxpool, avgpool or flatten", where, rec.kind);
  }
  return rec;
}

// Version 2: "input" and the layers in order. Whether they fit each other is the Network's check.
void read_records(const MetadataReader& r, const json& root, Metadata& meta) {
  meta.input = r.extents(root, "", "input");
  const json& layers = r.at(root, "", "layers");
  if (!layers.is_array() || layers.empty())
    r.fail("'layers' should be a non-empty array, found {}", layers.dump());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string where = fmt::format("layers[{}]", i);
    if (const json& n = r.at(layers[i], where, "layer"); n != json(i + 2))
      r.fail("'{}.layer' is {}: layers are listed in order, so it should be {}", where, n.dump(), i + 2);
    meta.records.push_back(read_record(r, layers[i], where));
  }
}

void read_extra(const MetadataReader& r, const json& root, Metadata& meta) {
  const auto it = root.find("extra");
  if (it == root.end()) return;
  if (!it->is_object()) r.fail("'extra' should be an object of strings, found {}", it->dump());
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) r.fail("'extra.{}' should be a string, found {}", key, value.dump());
    meta.extra[key] = value.get<std::string>();
  }
}

void read_optimizer(const MetadataReader& r, const json& root, Metadata& meta) {
  const auto it = root.find("optimizer");
  if (it == root.end()) return;
  Metadata::OptimizerState o;
  o.name = r.string(*it, "optimizer", "name");
  const json& steps = r.at(*it, "optimizer", "steps");
  if (!steps.is_number_unsigned())
    r.fail("key 'optimizer.steps' should be a whole number, found {}", steps.dump());
  o.steps = steps.get<std::size_t>();
  const json& state = r.at(*it, "optimizer", "state");
  if (!state.is_object()) r.fail("'optimizer.state' should be an object of slots, found {}", state.dump());
  for (const auto& [slot, files] : state.items()) {
    const std::string where = "optimizer.state." + slot;
    const std::vector<Metadata::Param> params = meta.parameters();
    if (!files.is_array() || files.size() != params.size())
      r.fail("'{}' should list {} files, one per parameter, found {}", where, params.size(), files.dump());
    for (std::size_t i = 0; i < files.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", where, i);
      Metadata::Param p{r.file_name(files[i], at), r.extents(files[i], at, "shape")};
      const Metadata::Param& param = params[i];
      if (p.shape != param.shape)
        throw shape_error(fmt::format("{}: '{}': '{}' has shape {} but its parameter has shape {}", meta.who,
                                      meta.json_file.string(), at, shape_str(p.shape),
                                      shape_str(param.shape)));
      o.slots[slot].push_back(std::move(p));
    }
  }
  meta.optimizer = std::move(o);
}

void collect_file_names(const json& j, std::set<std::string>& names) {
  if (j.is_object())
    if (const auto it = j.find("file"); it != j.end() && it->is_string())
      names.insert(it->get<std::string>());
  if (j.is_structured())
    for (const json& v : j) collect_file_names(v, names);
}

}  // namespace

std::optional<std::uint64_t> generation_of(const fs::path& file) {
  static const std::regex pattern(R"((?:[a-z]+\.)?[Wb][0-9]+\.g([0-9]{1,18})\.npy)");
  std::smatch m;
  const std::string name = file.filename().string();
  if (!std::regex_match(name, m, pattern)) return std::nullopt;
  return std::stoull(m[1].str());
}

namespace {

// The optimizer's state: one file per slot and parameter, named after the parameter's file
// ("m.W2.g3.npy"), listed in checkpoint.json's "optimizer".
void describe_optimizer(const Optimizer& optimizer, const std::vector<std::string>& param_names,
                        std::uint64_t generation, json& meta, Generation& g) {
  g.state = optimizer.state();
  json slots = json::object();
  for (const auto& [slot, tensors] : g.state) {
    json list = json::array();
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const std::string file = fmt::format("{}.{}.g{}.npy", slot, param_names.at(i), generation);
      list.push_back({{"file", file}, {"shape", shape_json(shape_of(tensors[i]))}});
      g.files.emplace_back(file, &tensors[i]);
    }
    slots[slot] = list;
  }
  meta["optimizer"] = {{"name", optimizer.name()}, {"steps", optimizer.steps()}, {"state", slots}};
}

// Version 2's entry for layer l: its kind, its settings, and its parameters' files "W<l>", "b<l>".
json layer_json(const Layer& layer, std::size_t l, std::uint64_t generation,
                std::vector<std::string>& param_names) {
  json j = {{"layer", l}, {"kind", layer.kind()}};
  if (const auto* conv = dynamic_cast<const Conv*>(&layer)) {
    j["activation"] = to_string(conv->activation());
    j["stride"] = conv->stride();
    j["padding"] = conv->padding();
  } else if (const auto* fc = dynamic_cast<const FullyConnected*>(&layer)) {
    j["activation"] = to_string(fc->activation());
  } else if (const auto* pool = dynamic_cast<const Pooling*>(&layer)) {
    j["kernel"] = pool->geometry().kernel;
    j["stride"] = pool->geometry().stride;
  }
  const std::vector<Parameter> params = layer.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    param_names.push_back(fmt::format("{}{}", i == 0 ? "W" : "b", l));
    j[params[i].name] = {{"file", fmt::format("{}.g{}.npy", param_names.back(), generation)},
                         {"shape", shape_json(params[i].value.shape())}};
  }
  return j;
}

}  // namespace

Generation describe_generation(const Mlp& net, std::uint64_t generation, const CheckpointExtra& extra,
                               const Optimizer* optimizer) {
  json layers = json::array();
  std::vector<std::string> param_names;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Linear& layer = net.layer(l);
    layers.push_back(
        {{"layer", l},
         {"W", {{"file", fmt::format("W{}.g{}.npy", l, generation)}, {"shape", shape_json(layer.W.shape())}}},
         {"b",
          {{"file", fmt::format("b{}.g{}.npy", l, generation)}, {"shape", shape_json(layer.b.shape())}}}});
    param_names.push_back(fmt::format("W{}", l));
    param_names.push_back(fmt::format("b{}", l));
  }
  Generation g;
  json meta = {{"format", format_name},
               {"version", format_version},
               {"generation", generation},
               {"sizes", shape_json(net.sizes())},
               {"hidden_activation", to_string(net.hidden())},
               {"output_activation", to_string(net.output())},
               {"layers", layers},
               {"extra", extra}};
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    g.files.emplace_back(layers[l - 2]["W"]["file"], &net.layer(l).W.value());
    g.files.emplace_back(layers[l - 2]["b"]["file"], &net.layer(l).b.value());
  }
  if (optimizer) describe_optimizer(*optimizer, param_names, generation, meta, g);
  g.json = meta.dump(2) + "\n";
  return g;
}

Generation describe_generation(const Network& net, std::uint64_t generation, const CheckpointExtra& extra,
                               const Optimizer* optimizer) {
  json layers = json::array();
  std::vector<std::string> param_names;
  Generation g;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    layers.push_back(layer_json(net.layer(l), l, generation, param_names));
    for (const Parameter& p : net.layer(l).parameters())
      g.files.emplace_back(layers.back()[p.name]["file"], &p.value.value());
  }
  json meta = {{"format", network_format_name},
               {"version", network_format_version},
               {"generation", generation},
               {"input", shape_json(net.input_shape())},
               {"layers", layers},
               {"extra", extra}};
  if (optimizer) describe_optimizer(*optimizer, param_names, generation, meta, g);
  g.json = meta.dump(2) + "\n";
  return g;
}

std::vector<Metadata::Param> Metadata::parameters() const {
  std::vector<Param> params;
  for (const auto& [W, b] : layers) {
    params.push_back(W);
    params.push_back(b);
  }
  for (const LayerRecord& rec : records) params.insert(params.end(), rec.params.begin(), rec.params.end());
  return params;
}

Metadata read_metadata(const fs::path& dir, const char* who) {
  std::error_code ec;
  if (!fs::exists(dir, ec))
    throw checkpoint_error(fmt::format("{}: directory '{}' does not exist", who, dir.string()));
  if (!fs::is_directory(dir, ec))
    throw checkpoint_error(fmt::format("{}: '{}' is not a directory", who, dir.string()));
  Metadata meta;
  meta.who = who;
  meta.json_file = dir / checkpoint_json_name;
  if (!fs::exists(meta.json_file, ec))
    throw checkpoint_error(fmt::format("{}: '{}' is missing: '{}' holds no checkpoint", who,
                                       meta.json_file.string(), dir.string()));
  const json root = read_root(meta);
  const MetadataReader r(meta.json_file, who);
  read_format(r, root, meta);
  if (meta.version == format_version) {
    read_network(r, root, meta);
    read_layers(r, root, meta);
  } else {
    read_records(r, root, meta);
  }
  read_extra(r, root, meta);
  read_optimizer(r, root, meta);
  return meta;
}

std::optional<std::set<std::string>> committed_files(const fs::path& dir) {
  const fs::path file = dir / checkpoint_json_name;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) return std::set<std::string>{};
  std::string text;
  try {
    text = read_regular_file(file, max_json_bytes);
  } catch (const input_file_error&) {
    return std::nullopt;
  }
  if (too_deep_at(text)) return std::nullopt;
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded()) return std::nullopt;
  std::set<std::string> names;
  collect_file_names(root, names);
  return names;
}

}  // namespace tg::nn::detail
