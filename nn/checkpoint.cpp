#include "nn/checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <iterator>
#include <optional>
#include <regex>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nn/input_file.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/posix_file.hpp"

namespace tg::nn {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys stay in the order written: format and version first

namespace {

constexpr std::string_view format_name = "tapegrad-mlp-checkpoint";
constexpr int format_version = 1;
constexpr std::string_view json_name = "checkpoint.json";
// The JSON is written to checkpoint.json.XXXXXX.tmp, fsync'd, then renamed onto json_name.
constexpr std::string_view temp_prefix = "checkpoint.json.", temp_suffix = ".tmp";
constexpr std::string_view old_temp_name = "checkpoint.json.tmp";  // the fixed name older versions used
constexpr std::string_view lock_name = "checkpoint.lock";
constexpr off_t saving_byte = 0, loading_byte = 1;  // the bytes of lock_name that saves and loads lock

// ---------------------------------------------------------------------------------------------
// Saving

// The generation in a checkpoint file's name: "W2.g3.npy", "m.W2.g3.npy" -> 3; nullopt for any
// other file, which a save leaves alone.
std::optional<std::uint64_t> generation_of(const fs::path& file) {
  static const std::regex pattern(R"((?:[a-z]+\.)?[Wb][0-9]+\.g([0-9]{1,18})\.npy)");
  std::smatch m;
  const std::string name = file.filename().string();
  if (!std::regex_match(name, m, pattern)) return std::nullopt;
  return std::stoull(m[1].str());
}

// One save's I/O calls: each is numbered, so that the test seam detail::checkpoint_fail_at_step
// can make the n-th fail as a full disk would, and each failure is an error naming the path.
class SaveIo {
 public:
  template <class Call>
  auto run(Call call) {
    if (++steps_ == detail::checkpoint_fail_at_step) {
      errno = ENOSPC;
      return decltype(call())(-1);
    }
    return call();
  }

  [[noreturn]] static void fail(std::string_view what, const fs::path& path) {
    throw checkpoint_error(fmt::format("save_checkpoint: cannot {} '{}': {}", what, path.string(), std::strerror(errno)));
  }

  // Writes bytes to the new file `file` (O_EXCL: nothing there is ever overwritten) and fsyncs
  // it, so that it is on disk before the JSON that names it can be.
  // Its name is added to `created` once it exists.
  void write_durably(const fs::path& file, std::string_view bytes, std::vector<fs::path>& created) {
    Fd f(run([&] { return ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644); }));
    if (f.fd < 0) fail("create", file);
    created.push_back(file);
    write_and_sync(f, file, bytes);
  }

  // The same to a new file dir/<prefix>XXXXXX<suffix> (create_unique_file); returns its name.
  fs::path write_durably_unique(const fs::path& dir, std::string_view prefix, std::string_view suffix,
                                std::string_view bytes, std::vector<fs::path>& created) {
    fs::path file;
    Fd f(run([&] { return create_unique_file(dir, prefix, suffix, file); }));
    if (f.fd < 0) fail("create a file in", dir);
    created.push_back(file);
    write_and_sync(f, file, bytes);
    return file;
  }

  void write_and_sync(Fd& f, const fs::path& file, std::string_view bytes) {
    for (std::size_t done = 0; done < bytes.size();) {  // write() may take fewer bytes than asked
      const ssize_t n = run([&] { return ::write(f.fd, bytes.data() + done, bytes.size() - done); });
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = EIO;  // no progress and no error: do not loop forever
      if (n <= 0) fail("write", file);
      done += static_cast<std::size_t>(n);
    }
    if (run([&] { return ::fsync(f.fd); }) != 0) fail("fsync", file);
    // close reports errors of delayed writes (NFS); when the seam fails it, ~Fd still closes.
    if (run([&] { return ::close(std::exchange(f.fd, -1)); }) != 0) fail("close", file);
  }

  // fsync of a directory makes the names created or renamed in it durable.
  void sync_directory(const fs::path& dir) {
    Fd d(run([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    if (d.fd < 0) fail("open directory", dir);
    if (run([&] { return ::fsync(d.fd); }) != 0) fail("fsync directory", dir);
  }

  void rename(const fs::path& from, const fs::path& to) {
    if (run([&] { return ::rename(from.c_str(), to.c_str()); }) != 0)
      fail(fmt::format("rename '{}' to", from.string()), to);
  }

 private:
  std::size_t steps_ = 0;
};

// dir/checkpoint.lock, open, and the bytes of it this process holds (see checkpoint.hpp).
class DirLock {
 public:
  // For a save: byte saving_byte alone, waiting for another save up to detail::checkpoint_lock_wait.
  static DirLock for_saving(const fs::path& dir) {
    const fs::path file = dir / lock_name;
    DirLock lock;
    lock.fd_ = Fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
    if (lock.fd_.fd < 0) SaveIo::fail("create the lock file", file);
    struct stat st {};
    if (::fstat(lock.fd_.fd, &st) != 0) SaveIo::fail("inspect the lock file", file);
    if (!S_ISREG(st.st_mode))
      throw checkpoint_error(fmt::format("save_checkpoint: '{}' should be a regular file, the directory's lock", file.string()));
    const std::chrono::milliseconds wait = detail::checkpoint_lock_wait;
    if (!lock_byte_within(lock.fd_.fd, saving_byte, LockKind::exclusive, wait)) {
      if (errno != EAGAIN) SaveIo::fail("lock", file);
      throw checkpoint_error(fmt::format(
          "save_checkpoint: another process has been saving a checkpoint into '{}' for {:g} s (it holds the lock '{}'); "
          "nothing was written",
          dir.string(), static_cast<double>(wait.count()) / 1000.0, file.string()));
    }
    return lock;
  }

  // For a load: byte loading_byte, shared with other loads. Without a lock file that can be
  // opened or created (a read-only directory, where nobody saves) or locks, the load goes on
  // without one.
  static DirLock for_loading(const fs::path& dir, const char* who) {
    const fs::path file = dir / lock_name;
    DirLock lock;
    lock.fd_ = Fd(::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
    if (lock.fd_.fd < 0) return DirLock{};
    const std::chrono::milliseconds wait = detail::checkpoint_lock_wait;
    if (!lock_byte_within(lock.fd_.fd, loading_byte, LockKind::shared, wait)) {
      if (errno != EAGAIN) return DirLock{};
      throw checkpoint_error(fmt::format("{}: a save into '{}' has been deleting old files for {:g} s (it holds the lock '{}')",
                                         who, dir.string(), static_cast<double>(wait.count()) / 1000.0, file.string()));
    }
    return lock;
  }

  // Holding the save lock: takes byte loading_byte alone if no load holds it (without waiting).
  bool keep_loads_out() { return try_lock_byte(fd_.fd, loading_byte, LockKind::exclusive); }
  void let_loads_in() { unlock_byte(fd_.fd, loading_byte); }

 private:
  Fd fd_;
};

json shape_json(const Shape& shape) { return json(std::vector<std::size_t>(shape.begin(), shape.end())); }

// ---------------------------------------------------------------------------------------------
// Loading

// What checkpoint.json declares, checked, before any .npy file is read.
struct Metadata {
  struct Param {
    std::string file;
    Shape shape;
  };
  fs::path json_file;
  const char* who = "load_checkpoint";  // the public function reading it, for messages
  Shape sizes;
  Activation hidden, output;
  std::vector<std::pair<Param, Param>> layers;  // (W^l, b^l) for l = 2..L
  CheckpointExtra extra;
  struct OptimizerState {
    std::string name;
    std::size_t steps = 0;
    std::map<std::string, std::vector<Param>> slots;  // per slot, one file per parameter, in order
  };
  std::optional<OptimizerState> optimizer;
};

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
    if (!v.is_array()) fail("key '{}' should be an array of positive integers, found {}", join(where, key), v.dump());
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

// `who` names the public function in errors.
Metadata read_metadata(const fs::path& dir, const char* who) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw checkpoint_error(fmt::format("{}: directory '{}' does not exist", who, dir.string()));
  if (!fs::is_directory(dir, ec)) throw checkpoint_error(fmt::format("{}: '{}' is not a directory", who, dir.string()));
  Metadata meta;
  meta.json_file = dir / json_name;
  if (!fs::exists(meta.json_file, ec))
    throw checkpoint_error(fmt::format("{}: '{}' is missing: '{}' holds no checkpoint", who, meta.json_file.string(),
                                       dir.string()));

  std::string text;
  try {
    text = read_regular_file(meta.json_file, max_json_bytes);
  } catch (const input_file_error& e) {  // a FIFO, /dev/zero, a directory, ...: refused before reading
    throw checkpoint_error(fmt::format("{}: cannot read '{}': {}", who, meta.json_file.string(), e.what()));
  }
  if (const std::optional<std::size_t> at = too_deep_at(text))
    throw checkpoint_error(fmt::format("{}: '{}' is not a checkpoint: its arrays and objects nest more than {} deep at byte {}",
                                       who, meta.json_file.string(), max_json_depth, *at));
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {  // says where: "parse error at line 3, column 5: ..."
    throw checkpoint_error(fmt::format("{}: '{}' is not valid JSON: {}", who, meta.json_file.string(), e.what()));
  }

  meta.who = who;
  const MetadataReader r(meta.json_file, who);
  if (!root.is_object()) r.fail("expected a JSON object, found {}", root.type_name());
  if (const std::string format = r.string(root, "", "format"); format != format_name)
    r.fail("format is '{}', not '{}'", format, format_name);
  const json& version = r.at(root, "", "version");
  if (!version.is_number_integer() || version.get<long long>() < 1)
    r.fail("key 'version' should be a positive integer, found {}", version.dump());
  if (version.get<long long>() > format_version)
    r.fail("format version {} is newer than this tapegrad reads ({})", version.get<long long>(), format_version);

  meta.sizes = r.extents(root, "", "sizes");
  if (meta.sizes.size() < 2) r.fail("'sizes' should list at least two layers, found {}", r.at(root, "", "sizes").dump());
  meta.hidden = r.activation(root, "hidden_activation");
  meta.output = r.activation(root, "output_activation");

  const json& layers = r.at(root, "", "layers");
  if (!layers.is_array() || layers.size() != meta.sizes.size() - 1)
    r.fail("'layers' should be an array of {} layers (l = 2..{}) for sizes {}, found {}", meta.sizes.size() - 1,
           meta.sizes.size(), shape_str(meta.sizes), layers.is_array() ? fmt::format("{} layers", layers.size()) : layers.dump());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::size_t l = i + 2;
    const std::string where = fmt::format("layers[{}]", i);
    const json& layer = layers[i];
    if (const json& n = r.at(layer, where, "layer"); n != json(l))
      r.fail("'{}.layer' is {}: layers are listed in order, so it should be {}", where, n.dump(), l);
    Metadata::Param W{r.file_name(r.at(layer, where, "W"), where + ".W"), r.extents(r.at(layer, where, "W"), where + ".W", "shape")};
    Metadata::Param b{r.file_name(r.at(layer, where, "b"), where + ".b"), r.extents(r.at(layer, where, "b"), where + ".b", "shape")};

    // W^l: (N^l, N^{l−1}), b^l: (N^l, 1), and W^l takes what W^{l−1} gives.
    auto shape_fail = [&](const std::string& message) {
      throw shape_error(fmt::format("{}: '{}': {}", who, meta.json_file.string(), message));
    };
    if (W.shape.size() != 2) shape_fail(fmt::format("W^{} has shape {}: expected a matrix (N^{}, N^{})", l, shape_str(W.shape), l, l - 1));
    if (b.shape != Shape{W.shape[0], 1})
      shape_fail(fmt::format("b^{} has shape {} but W^{} has shape {}: expected b^{} ({}, 1)", l, shape_str(b.shape), l,
                             shape_str(W.shape), l, W.shape[0]));
    if (i > 0 && W.shape[1] != meta.layers.back().first.shape[0])
      shape_fail(fmt::format("layers do not chain: W^{} has shape {}, taking {} inputs, but W^{} has shape {}, giving {}", l,
                             shape_str(W.shape), W.shape[1], l - 1, shape_str(meta.layers.back().first.shape),
                             meta.layers.back().first.shape[0]));
    if (W.shape != Shape{meta.sizes[l - 1], meta.sizes[l - 2]})
      shape_fail(fmt::format("W^{} has shape {} but sizes {} say ({},{})", l, shape_str(W.shape), shape_str(meta.sizes),
                             meta.sizes[l - 1], meta.sizes[l - 2]));
    meta.layers.emplace_back(std::move(W), std::move(b));
  }

  if (const auto it = root.find("extra"); it != root.end()) {
    if (!it->is_object()) r.fail("'extra' should be an object of strings, found {}", it->dump());
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) r.fail("'extra.{}' should be a string, found {}", key, value.dump());
      meta.extra[key] = value.get<std::string>();
    }
  }

  if (const auto it = root.find("optimizer"); it != root.end()) {
    Metadata::OptimizerState o;
    o.name = r.string(*it, "optimizer", "name");
    const json& steps = r.at(*it, "optimizer", "steps");
    if (!steps.is_number_unsigned()) r.fail("key 'optimizer.steps' should be a whole number, found {}", steps.dump());
    o.steps = steps.get<std::size_t>();
    const json& state = r.at(*it, "optimizer", "state");
    if (!state.is_object()) r.fail("'optimizer.state' should be an object of slots, found {}", state.dump());
    for (const auto& [slot, files] : state.items()) {
      const std::string where = "optimizer.state." + slot;
      if (!files.is_array() || files.size() != 2 * meta.layers.size())
        r.fail("'{}' should list {} files, one per parameter, found {}", where, 2 * meta.layers.size(), files.dump());
      for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string at = fmt::format("{}[{}]", where, i);
        Metadata::Param p{r.file_name(files[i], at), r.extents(files[i], at, "shape")};
        const Metadata::Param& param = i % 2 == 0 ? meta.layers[i / 2].first : meta.layers[i / 2].second;
        if (p.shape != param.shape)
          throw shape_error(fmt::format("{}: '{}': '{}' has shape {} but its parameter has shape {}", who,
                                        meta.json_file.string(), at, shape_str(p.shape), shape_str(param.shape)));
        o.slots[slot].push_back(std::move(p));
      }
    }
    meta.optimizer = std::move(o);
  }
  return meta;
}

// The tensor `name` (e.g. "W^2") from dir/param.file, with the shape the JSON declares.
Tensor read_param(const fs::path& dir, const Metadata& meta, const Metadata::Param& param, const std::string& name) {
  const fs::path file = dir / param.file;
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw checkpoint_error(fmt::format("{}: {} file '{}' is missing (named in '{}')", meta.who, name, file.string(),
                                       meta.json_file.string()));
  Tensor t;
  try {
    t = read_npy(file);
  } catch (const npy_error& e) {
    throw npy_error(fmt::format("{}: {}: {}", meta.who, name, e.what()));
  }
  if (shape_of(t) != param.shape)
    throw shape_error(fmt::format("{}: '{}' holds {} of shape {}, but '{}' says {}", meta.who, file.string(), name,
                                  shape_str(t), meta.json_file.string(), shape_str(param.shape)));
  // A NaN or an infinity would only surface later, as a divergence blamed on η.
  if (const std::optional<std::size_t> i = first_non_finite(t))
    throw checkpoint_error(fmt::format("{}: '{}' holds {}, whose element {} is {}: a checkpoint's numbers must be finite",
                                       meta.who, file.string(), name, index_str(shape_of(t), *i), t.data()[*i]));
  return t;
}

void collect_file_names(const json& j, std::set<std::string>& names) {
  if (j.is_object())
    if (const auto it = j.find("file"); it != j.end() && it->is_string()) names.insert(it->get<std::string>());
  if (j.is_structured())
    for (const json& v : j) collect_file_names(v, names);
}

// The files checkpoint.json names (every "file" in it): none without one; nullopt when it
// cannot be read as JSON, so that which generation is committed is unknown.
std::optional<std::set<std::string>> committed_files(const fs::path& dir) {
  const fs::path file = dir / json_name;
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

// Holding the save lock, removes what no checkpoint needs: temporary JSON files (the save that
// wrote each was interrupted, or it would hold the lock), generation files newer than the
// committed ones (never committed), and older generations' files if no load is reading them
// (else the next save does). Best effort: a file that cannot be removed stays.
void remove_leftovers(const fs::path& dir, DirLock& lock) {
  const std::optional<std::set<std::string>> committed = committed_files(dir);
  std::uint64_t newest = 0;
  if (committed)
    for (const std::string& name : *committed)
      if (const auto g = generation_of(name)) newest = std::max(newest, *g);
  std::vector<fs::path> unused, old;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == old_temp_name || is_unique_file_name(name, temp_prefix, temp_suffix)) unused.push_back(entry.path());
    else if (const auto g = generation_of(entry.path()); g && committed && !committed->count(name))
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
  while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.parent_path()) parent = parent.parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw checkpoint_error(fmt::format("save_checkpoint: cannot create directory '{}': '{}' is not a directory", dir.string(),
                                       parent.string()));
  std::string probe = (parent / ".tapegrad-probe-XXXXXX").string();
  if (::mkdtemp(probe.data()) == nullptr) SaveIo::fail("create directory", dir);
  ::rmdir(probe.c_str());
}

// dir as a directory, created if missing.
void ensure_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw checkpoint_error(fmt::format("save_checkpoint: '{}' exists and is not a directory", dir.string()));
  fs::create_directories(dir, ec);
  if (ec) throw checkpoint_error(fmt::format("save_checkpoint: cannot create directory '{}': {}", dir.string(), ec.message()));
}

// A new generation of net's checkpoint: checkpoint.json's content, and each file's name and tensor.
struct Generation {
  json meta;
  std::vector<std::pair<std::string, const Tensor*>> files;  // tensors of net, or of `state`
  Optimizer::State state;  // the optimizer's, kept alive until the files are written
};

Generation describe_generation(const Mlp& net, std::uint64_t generation, const CheckpointExtra& extra,
                               const Optimizer* optimizer) {
  json layers = json::array();
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Linear& layer = net.layer(l);
    layers.push_back({{"layer", l},
                      {"W", {{"file", fmt::format("W{}.g{}.npy", l, generation)}, {"shape", shape_json(layer.W.shape())}}},
                      {"b", {{"file", fmt::format("b{}.g{}.npy", l, generation)}, {"shape", shape_json(layer.b.shape())}}}});
  }
  Generation g;
  g.meta = {{"format", format_name},
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
  if (optimizer) {
    g.state = optimizer->state();
    json slots = json::object();
    for (const auto& [slot, tensors] : g.state) {
      json list = json::array();
      for (std::size_t i = 0; i < tensors.size(); ++i) {
        const std::string file = fmt::format("{}.{}{}.g{}.npy", slot, i % 2 == 0 ? "W" : "b", i / 2 + 2, generation);
        list.push_back({{"file", file}, {"shape", shape_json(shape_of(tensors[i]))}});
        g.files.emplace_back(file, &tensors[i]);
      }
      slots[slot] = list;
    }
    g.meta["optimizer"] = {{"name", optimizer->name()}, {"steps", optimizer->steps()}, {"state", slots}};
  }
  return g;
}

}  // namespace

void save_checkpoint(const Mlp& net, const fs::path& dir, const CheckpointExtra& extra, const Optimizer* optimizer) {
  if (optimizer) {  // checked before anything is written: a misuse leaves dir as it was
    const std::vector<Variable> params = net.parameters();
    bool same = params.size() == optimizer->parameters().size();
    for (std::size_t i = 0; same && i < params.size(); ++i) same = params[i].same_node(optimizer->parameters()[i]);
    if (!same)
      throw std::invalid_argument(fmt::format(
          "save_checkpoint: the {} optimizer was built for other parameters than this network's", optimizer->name()));
  }
  ensure_directory(dir);
  DirLock lock = DirLock::for_saving(dir);  // held to the end: saves into dir take turns
  remove_leftovers(dir, lock);
  std::error_code ec;

  // A generation newer than every weight file in dir, so that no file of the current
  // checkpoint (or of an old one a load is reading) is ever overwritten.
  std::uint64_t generation = 1;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
    if (const auto n = generation_of(entry.path())) generation = std::max(generation, *n + 1);
  if (ec) throw checkpoint_error(fmt::format("save_checkpoint: cannot list '{}': {}", dir.string(), ec.message()));

  const Generation g = describe_generation(net, generation, extra, optimizer);

  SaveIo io;
  std::vector<fs::path> written;  // removed again if the save fails before its commit
  try {
    for (const auto& [file, tensor] : g.files) io.write_durably(dir / file, encode_npy(*tensor), written);
    const fs::path temp = io.write_durably_unique(dir, temp_prefix, temp_suffix, g.meta.dump(2) + "\n", written);
    io.sync_directory(dir);  // the new files' names are durable before the JSON can name them
    io.rename(temp, dir / json_name);  // the commit point
  } catch (const checkpoint_error& e) {
    for (const fs::path& file : written) fs::remove(file, ec);
    throw checkpoint_error(fmt::format("{} (the checkpoint in '{}' is unchanged)", e.what(), dir.string()));
  } catch (...) {
    for (const fs::path& file : written) fs::remove(file, ec);
    throw;
  }

  // Committed: the new checkpoint is in place. Its rename must reach the disk before the old
  // generation's files may go; if it cannot, keep them and say so.
  try {
    io.sync_directory(dir);
  } catch (const checkpoint_error& e) {
    throw checkpoint_error(fmt::format("{} (the new checkpoint is in '{}' but may not survive a power cut)", e.what(),
                                       dir.string()));
  }
  remove_leftovers(dir, lock);  // the previous generation's files, unless a load is reading them
}

void prepare_checkpoint_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return probe_creatable(dir);
  ensure_directory(dir);
  DirLock lock = DirLock::for_saving(dir);
  remove_leftovers(dir, lock);
  fs::path probe;
  const Fd f(create_unique_file(dir, temp_prefix, temp_suffix, probe));
  if (f.fd < 0) SaveIo::fail("create a file in", dir);
  fs::remove(probe, ec);
}

Mlp load_checkpoint(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_checkpoint");
  const Metadata meta = read_metadata(dir, "load_checkpoint");
  require_network_memory({meta.sizes.begin(), meta.sizes.end()}, fmt::format("load_checkpoint: '{}': the network", meta.json_file.string()));
  std::vector<Linear> layers;
  for (std::size_t i = 0; i < meta.layers.size(); ++i) {
    const auto& [W, b] = meta.layers[i];
    layers.emplace_back(read_param(dir, meta, W, fmt::format("W^{}", i + 2)), read_param(dir, meta, b, fmt::format("b^{}", i + 2)));
  }
  try {
    return Mlp(std::move(layers), meta.hidden, meta.output);
  } catch (const shape_error& e) {
    throw shape_error(fmt::format("load_checkpoint: '{}': {}", meta.json_file.string(), e.what()));
  } catch (const std::invalid_argument& e) {  // e.g. softmax as the hidden activation
    throw checkpoint_error(fmt::format("load_checkpoint: '{}': {}", meta.json_file.string(), e.what()));
  }
}

CheckpointExtra load_checkpoint_extra(const fs::path& dir) {
  const DirLock lock = DirLock::for_loading(dir, "load_checkpoint_extra");
  return read_metadata(dir, "load_checkpoint_extra").extra;
}

bool load_optimizer_state(const fs::path& dir, Optimizer& opt) {
  const DirLock lock = DirLock::for_loading(dir, "load_optimizer_state");
  const Metadata meta = read_metadata(dir, "load_optimizer_state");
  if (!meta.optimizer || meta.optimizer->name != opt.name()) return false;
  Optimizer::State state;
  for (const auto& [slot, params] : meta.optimizer->slots)
    for (std::size_t i = 0; i < params.size(); ++i)
      state[slot].push_back(read_param(dir, meta, params[i], fmt::format("{}'s {} of parameter {}", opt.name(), slot, i)));
  try {
    opt.restore(meta.optimizer->steps, state);
  } catch (const std::exception& e) {
    throw checkpoint_error(fmt::format("load_optimizer_state: '{}': {}", meta.json_file.string(), e.what()));
  }
  return true;
}

}  // namespace tg::nn
