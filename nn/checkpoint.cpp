#include "nn/checkpoint.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "nn/checkpoint_json.hpp"
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/pool_layer.hpp"
#include "nn/checkpoint_lock.hpp"
#include "nn/checkpoint_save_io.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/posix_file.hpp"

namespace tg::nn {

namespace fs = std::filesystem;
using detail::checkpoint_json_name, detail::checkpoint_temp_prefix, detail::checkpoint_temp_suffix;
using detail::DirLock, detail::Metadata, detail::SaveIo;

namespace {

// The tensor `name` (e.g. "W^2") from dir/param.file, with the shape the JSON declares.
Tensor read_param(const fs::path& dir, const Metadata& meta, const Metadata::Param& param,
                  const std::string& name) {
  const fs::path file = dir / param.file;
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw checkpoint_error(fmt::format("{}: {} file '{}' is missing (named in '{}')", meta.who, name,
                                       file.string(), meta.json_file.string()));
  Tensor t;
  try {
    t = read_npy(file);
  } catch (const npy_error& e) {
    throw npy_error(fmt::format("{}: {}: {}", meta.who, name, e.what()));
  }
  if (shape_of(t) != param.shape)
    throw shape_error(fmt::format("{}: '{}' holds {} of shape {}, but '{}' says {}", meta.who, file.string(),
                                  name, shape_str(t), meta.json_file.string(), shape_str(param.shape)));
  // A NaN or an infinity would only surface later, as a divergence blamed on η.
  if (const std::optional<std::size_t> i = first_non_finite(t))
    throw checkpoint_error(fmt::format(
        "{}: '{}' holds {}, whose element {} is {}: a checkpoint's numbers must be finite", meta.who,
        file.string(), name, index_str(shape_of(t), *i), non_finite_name(t.data()[*i])));
  return t;
}

// Holding the save lock, removes what no checkpoint needs: temporary JSON files (the save that
// wrote each was interrupted, or it would hold the lock), generation files newer than the
// committed ones (never committed), and older generations' files if no load is reading them
// (else the next save does). Best effort: a file that cannot be removed stays.
void remove_leftovers(const fs::path& dir, DirLock& lock) {
  const std::optional<std::set<std::string>> committed = detail::committed_files(dir);
  std::uint64_t newest = 0;
  if (committed)
    for (const std::string& name : *committed)
      if (const auto g = detail::generation_of(name)) newest = std::max(newest, *g);
  std::vector<fs::path> unused, old;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == detail::old_checkpoint_temp_name ||
        is_unique_file_name(name, checkpoint_temp_prefix, checkpoint_temp_suffix))
      unused.push_back(entry.path());
    else if (const auto g = detail::generation_of(entry.path()); g && committed && !committed->count(name))
      (*g > newest ? unused : old).push_back(entry.path());
  }
  for (const fs::path& file : unused) fs::remove(file, ec);
  if (old.empty() || !lock.keep_loads_out()) return;
  for (const fs::path& file : old) fs::remove(file, ec);
  lock.let_loads_in();
}

// Whether the missing directory dir could be created: a directory is created, and removed
// again, in its nearest existing ancestor (as root, access() would say yes to anything).
void probe_creatable(const fs::path& dir) {
  std::error_code ec;
  fs::path parent = dir.parent_path();
  while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.parent_path())
    parent = parent.parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw checkpoint_error(
        fmt::format("save_checkpoint: cannot create directory '{}': '{}' is not a directory", dir.string(),
                    parent.string()));
  std::string probe = (parent / ".tapegrad-probe-XXXXXX").string();
  if (::mkdtemp(probe.data()) == nullptr) SaveIo::fail("create directory", dir);
  ::rmdir(probe.c_str());
}

// dir as a directory, created if missing.
void ensure_directory(const fs::path& dir) {
  if (const std::string problem = make_directory(dir); !problem.empty())
    throw checkpoint_error(fmt::format("save_checkpoint: {}", problem));
}

// A generation newer than every weight file in dir, so that no file of the current
// checkpoint (or of an old one a load is reading) is ever overwritten.
std::uint64_t next_generation(const fs::path& dir) {
  std::error_code ec;
  std::uint64_t generation = 1;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
    if (const auto n = detail::generation_of(entry.path())) generation = std::max(generation, *n + 1);
  if (ec)
    throw checkpoint_error(fmt::format("save_checkpoint: cannot list '{}': {}", dir.string(), ec.message()));
  return generation;
}

// Writes the generation's files, then its JSON, and renames the JSON onto checkpoint.json: the
// commit point. A failure before it removes what was written and leaves the old checkpoint.
void commit(const fs::path& dir, const detail::Generation& g, SaveIo& io) {
  std::error_code ec;
  std::vector<fs::path> written;  // removed again if the save fails before its commit
  try {
    for (const auto& [file, tensor] : g.files) io.write_durably(dir / file, encode_npy(*tensor), written);
    const fs::path temp =
        io.write_durably_unique(dir, checkpoint_temp_prefix, checkpoint_temp_suffix, g.json, written);
    io.sync_directory(dir);  // the new files' names are durable before the JSON can name them
    io.rename(temp, dir / checkpoint_json_name);  // the commit point
  } catch (const checkpoint_error& e) {
    for (const fs::path& file : written) fs::remove(file, ec);
    throw checkpoint_error(fmt::format("{} (the checkpoint in '{}' is unchanged)", e.what(), dir.string()));
  } catch (...) {
    for (const fs::path& file : written) fs::remove(file, ec);
    throw;
  }
}

}  // namespace

namespace {

// A save: the directory, its lock, what interrupted saves left; then `describe` (given the new
// generation's number) committed, and the old generation's files removed.
void save(const fs::path& dir, const std::function<detail::Generation(std::uint64_t)>& describe) {
  ensure_directory(dir);
  DirLock lock = DirLock::for_saving(dir);  // held to the end: saves into dir take turns
  remove_leftovers(dir, lock);
  SaveIo io;
  commit(dir, describe(next_generation(dir)), io);

  // Committed: the new checkpoint is in place. Its rename must reach the disk before the old
  // generation's files may go; if it cannot, keep them and say so.
  try {
    io.sync_directory(dir);
  } catch (const checkpoint_error& e) {
    throw checkpoint_error(fmt::format("{} (the new checkpoint is in '{}' but may not survive a power cut)",
                                       e.what(), dir.string()));
  }
  remove_leftovers(dir, lock);  // the previous generation's files, unless a load is reading them
}

}  // namespace

void save_checkpoint(const Mlp& net, const fs::path& dir, const CheckpointExtra& extra,
                     const Optimizer* optimizer) {
  // checked before anything is written: a misuse leaves dir as it was
  if (optimizer) optimizer->require_built_for(net.parameters(), "save_checkpoint");
  save(dir, [&](std::uint64_t generation) {
    return detail::describe_generation(net, generation, extra, optimizer);
  });
}

void save_checkpoint(const Network& net, const fs::path& dir, const CheckpointExtra& extra,
                     const Optimizer* optimizer) {
  if (optimizer) optimizer->require_built_for(net.parameters(), "save_checkpoint");
  save(dir, [&](std::uint64_t generation) {
    return detail::describe_generation(net, generation, extra, optimizer);
  });
}

void prepare_checkpoint_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return probe_creatable(dir);
  ensure_directory(dir);
  DirLock lock = DirLock::for_saving(dir);
  remove_leftovers(dir, lock);
  fs::path probe;
  const Fd f(create_unique_file(dir, checkpoint_temp_prefix, checkpoint_temp_suffix, probe));
  if (f.fd < 0) SaveIo::fail("create a file in", dir);
  fs::remove(probe, ec);
}

namespace {

// The Mlp of a version 1 checkpoint.
Mlp read_mlp(const fs::path& dir, const Metadata& meta) {
  require_network_memory({meta.sizes.begin(), meta.sizes.end()},
                         fmt::format("{}: '{}': the network", meta.who, meta.json_file.string()));
  std::vector<Linear> layers;
  for (std::size_t i = 0; i < meta.layers.size(); ++i) {
    const auto& [W, b] = meta.layers[i];
    layers.emplace_back(read_param(dir, meta, W, fmt::format("W^{}", i + 2)),
                        read_param(dir, meta, b, fmt::format("b^{}", i + 2)));
  }
  try {
    return Mlp(std::move(layers), meta.hidden, meta.output);
  } catch (const shape_error& e) {
    throw shape_error(fmt::format("{}: '{}': {}", meta.who, meta.json_file.string(), e.what()));
  } catch (const std::invalid_argument& e) {  // e.g. softmax as the hidden activation
    throw checkpoint_error(fmt::format("{}: '{}': {}", meta.who, meta.json_file.string(), e.what()));
  }
}

// Layer l of a version 2 checkpoint, taking `in` per example.
std::unique_ptr<Layer> read_layer(const fs::path& dir, const Metadata& meta, std::size_t l, const Shape& in) {
  const Metadata::LayerRecord& rec = meta.records[l - 2];
  const auto param = [&](std::size_t i, const char* name) {
    return read_param(dir, meta, rec.params[i], fmt::format("{}^{}", name, l));
  };
  if (rec.kind == "fc")
    return std::make_unique<FullyConnected>(Linear(param(0, "W"), param(1, "b")), rec.activation);
  if (rec.kind == "conv")
    return std::make_unique<Conv>(in, param(0, "w"), param(1, "b"), rec.stride, rec.padding, rec.activation);
  if (rec.kind == "flatten") return std::make_unique<Flatten>(in);
  return std::make_unique<Pooling>(in, rec.kind == "maxpool" ? Pool::max : Pool::average, rec.kernel,
                                   rec.stride);
}

// The Network of a version 2 checkpoint; layers that do not fit are named with the file.
Network read_network(const fs::path& dir, const Metadata& meta) {
  try {
    std::vector<std::unique_ptr<Layer>> layers;
    for (std::size_t l = 2; l < meta.records.size() + 2; ++l)
      layers.push_back(read_layer(dir, meta, l, layers.empty() ? meta.input : layers.back()->output_shape()));
    return Network(meta.input, std::move(layers));
  } catch (const shape_error& e) {
    throw shape_error(fmt::format("{}: '{}': {}", meta.who, meta.json_file.string(), e.what()));
  } catch (const npy_error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw checkpoint_error(fmt::format("{}: '{}': {}", meta.who, meta.json_file.string(), e.what()));
  }
}

}  // namespace

Mlp load_checkpoint(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_checkpoint");
  const Metadata meta = detail::read_metadata(dir, "load_checkpoint");
  if (meta.version != 1)
    throw checkpoint_error(
        fmt::format("load_checkpoint: '{}' holds a network of layers (format version {}), not "
                    "an Mlp: load it with load_network",
                    meta.json_file.string(), meta.version));
  return read_mlp(dir, meta);
}

Network load_network(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_network");
  const Metadata meta = detail::read_metadata(dir, "load_network");
  return meta.version == 1 ? Network::from_mlp(read_mlp(dir, meta)) : read_network(dir, meta);
}

std::variant<Mlp, Network> load_any_network(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_any_network");
  const Metadata meta = detail::read_metadata(dir, "load_any_network");
  if (meta.version == 1) return read_mlp(dir, meta);
  return read_network(dir, meta);
}

CheckpointExtra load_checkpoint_extra(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_checkpoint_extra");
  return detail::read_metadata(dir, "load_checkpoint_extra").extra;
}

namespace {

// The optimizer state checkpoint.json names, read; none when it names none.
std::optional<SavedCheckpoint::OptimizerState> read_optimizer_state(const fs::path& dir,
                                                                    const Metadata& meta) {
  if (!meta.optimizer) return std::nullopt;
  SavedCheckpoint::OptimizerState saved{meta.optimizer->name, meta.optimizer->steps, {}};
  for (const auto& [slot, params] : meta.optimizer->slots)
    for (std::size_t i = 0; i < params.size(); ++i)
      saved.state[slot].push_back(
          read_param(dir, meta, params[i], fmt::format("{}'s {} of parameter {}", saved.name, slot, i)));
  return saved;
}

// Puts a state read from json_file into opt: false when it is none or another rule's.
bool restore(const std::optional<SavedCheckpoint::OptimizerState>& saved, const fs::path& json_file,
             const char* who, Optimizer& opt) {
  if (!saved || saved->name != opt.name()) return false;
  try {
    opt.restore(saved->steps, saved->state);
  } catch (const std::exception& e) {
    throw checkpoint_error(fmt::format("{}: '{}': {}", who, json_file.string(), e.what()));
  }
  return true;
}

}  // namespace

bool load_optimizer_state(const fs::path& dir, Optimizer& opt) {
  const DirLock lock = DirLock::for_loading(dir, "load_optimizer_state");
  const Metadata meta = detail::read_metadata(dir, "load_optimizer_state");
  if (!meta.optimizer || meta.optimizer->name != opt.name()) return false;  // another rule's: not read
  return restore(read_optimizer_state(dir, meta), meta.json_file, meta.who, opt);
}

SavedCheckpoint load_saved_checkpoint(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_saved_checkpoint");
  const Metadata meta = detail::read_metadata(dir, "load_saved_checkpoint");
  std::variant<Mlp, Network> net = meta.version == 1 ? std::variant<Mlp, Network>(read_mlp(dir, meta))
                                                     : std::variant<Mlp, Network>(read_network(dir, meta));
  return {std::move(net), meta.extra, read_optimizer_state(dir, meta)};
}

bool restore_optimizer_state(const SavedCheckpoint& saved, const fs::path& dir, Optimizer& opt) {
  return restore(saved.optimizer, dir / checkpoint_json_name, "restore_optimizer_state", opt);
}

}  // namespace tg::nn
