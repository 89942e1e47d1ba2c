// checkpoint.json, the schema of a checkpoint (the format is in nn/checkpoint.hpp): written
// for a new generation, read and checked before any .npy file it names is, and the file names
// it gives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nn/checkpoint.hpp"

namespace tg::nn::detail {

inline constexpr std::string_view checkpoint_json_name = "checkpoint.json";
// The JSON is written to checkpoint.json.XXXXXX.tmp, fsync'd, then renamed onto checkpoint.json.
inline constexpr std::string_view checkpoint_temp_prefix = "checkpoint.json.",
                                  checkpoint_temp_suffix = ".tmp";
inline constexpr std::string_view old_checkpoint_temp_name =
    "checkpoint.json.tmp";  // the fixed name older versions used

// The generation in a checkpoint file's name: "W2.g3.npy", "m.W2.g3.npy" -> 3; nullopt for any
// other file, which a save leaves alone.
std::optional<std::uint64_t> generation_of(const std::filesystem::path& file);

// A new generation of net's checkpoint: checkpoint.json's text, and each file's name and tensor.
struct Generation {
  std::string json;
  std::vector<std::pair<std::string, const Tensor*>> files;  // tensors of net, or of `state`
  Optimizer::State state;  // the optimizer's, kept alive until the files are written
};
Generation describe_generation(const Mlp& net, std::uint64_t generation, const CheckpointExtra& extra,
                               const Optimizer* optimizer);
// Format version 2: a Network's layer sequence.
Generation describe_generation(const Network& net, std::uint64_t generation, const CheckpointExtra& extra,
                               const Optimizer* optimizer);

// What checkpoint.json declares, checked, before any .npy file is read.
struct Metadata {
  struct Param {
    std::string file;
    Shape shape;
  };
  std::filesystem::path json_file;
  const char* who = "load_checkpoint";  // the public function reading it, for messages
  int version = 1;
  // Version 1 (an Mlp): sizes, activations and (W^l, b^l) pairs.
  Shape sizes;
  Activation hidden, output;
  std::vector<std::pair<Param, Param>> layers;  // (W^l, b^l) for l = 2..L
  // Version 2 (a Network): one example's input shape and the layers in order.
  struct LayerRecord {
    std::string kind;                                 // "fc", "conv", "maxpool", "avgpool", "flatten"
    Activation activation = Activation::identity;     // fc, conv
    std::size_t kernel = 0, stride = 0, padding = 0;  // pooling: kernel, stride; conv: stride, padding
    std::vector<Param> params;                        // fc: W, b; conv: w, b
  };
  Shape input;
  std::vector<LayerRecord> records;
  // Every parameter's file, in the network's parameters() order.
  std::vector<Param> parameters() const;
  CheckpointExtra extra;
  struct OptimizerState {
    std::string name;
    std::size_t steps = 0;
    std::map<std::string, std::vector<Param>> slots;  // per slot, one file per parameter, in order
  };
  std::optional<OptimizerState> optimizer;
};

// dir/checkpoint.json, read and checked. `who` names the public function in errors, which name
// the file and the key (checkpoint_error; tg::shape_error for shapes that disagree).
Metadata read_metadata(const std::filesystem::path& dir, const char* who);

// The files dir/checkpoint.json names (every "file" in it): none without one; nullopt when it
// cannot be read as JSON, so that which generation is committed is unknown.
std::optional<std::set<std::string>> committed_files(const std::filesystem::path& dir);

}  // namespace tg::nn::detail
