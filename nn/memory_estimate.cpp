#include "nn/memory_estimate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nn/batches.hpp"  // effective_batch_size
#include "nn/conv_layer.hpp"
#include "nn/metrics.hpp"  // evaluation_chunk

namespace tg::nn {

namespace {

constexpr std::size_t max_count = std::numeric_limits<std::size_t>::max();

// "Key:   123 kB" in /proc/meminfo (or /proc/self/status): the bytes, if the key is there.
std::optional<std::uintmax_t> proc_kb(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0)
      return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10) * 1024;
  return std::nullopt;
}

// A number in a cgroup file, or nothing ("max", missing).
std::optional<std::uintmax_t> cgroup_value(const std::string& name) {
  std::ifstream self("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(self, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  std::ifstream in("/sys/fs/cgroup" + path + "/" + name);
  std::string word;
  if (!(in >> word) || word.empty() || word.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::strtoull(word.c_str(), nullptr, 10);
}

// TAPEGRAD_MAX_MEMORY: "2000000000", "2G", "500M", "64K".
std::optional<std::uintmax_t> own_cap() {
  const char* text = std::getenv("TAPEGRAD_MAX_MEMORY");
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  const double x = std::strtod(text, &end);
  double unit = 1;
  if (*end == 'K' || *end == 'k') unit = 1e3, ++end;
  else if (*end == 'M') unit = 1e6, ++end;
  else if (*end == 'G') unit = 1e9, ++end;
  if (*end != '\0' || !(x >= 0) || x * unit > 1.8e19)
    throw memory_error(
        fmt::format("TAPEGRAD_MAX_MEMORY is '{}': expected bytes, or a number with K, M or G", text));
  return static_cast<std::uintmax_t>(x * unit);
}

// A limit less what is in use, as a budget: "ulimit -v / RLIMIT_AS: 2.1 GB, of which 96.5 MB in use".
MemoryBudget less_used(std::uintmax_t limit, std::uintmax_t used, const char* name) {
  return {limit > used ? limit - used : 0,
          fmt::format("{}: {}, of which {} in use", name, bytes_str(limit), bytes_str(used))};
}

// An example's activations, in numbers: its input N^1; the units Σ N^l of fully connected
// layers; the outputs of the others (conv, pooling, flatten: their maps); and, once, not per
// example, the largest conv layer's im2col columns of one example.
struct ExampleSize {
  std::size_t inputs = 0, units = 0, maps = 0, columns = 0;
};

// Numbers per example of a recorded step (X, and per layer z^l, a^l, the bias broadcast, δ^l,
// ∂C/∂a^l and the temporaries between them) and of a pass with nothing recorded (X copied into
// the graph, z^l, a^l, the cost's temporaries). Fully connected units: measured peaks
// (full-batch [2,2000,2] and [784,1000,10] on 20000 examples) fit 2 N^1 + 7 Σ N^l and
// 2 N^1 + 3 Σ N^l. Maps: `train --model lenet` (18,240 of its 18,350 numbers an example are
// maps) peaked 651 MB higher at batch 2000 than at 1000, 4.3 numbers a map value besides the
// rest, and evaluating 1000 examples 252 MB more than 100, 1.8. With sigmoid (the default
// activation; its backward keeps more temporaries than relu's) the same layers on 2000 images
// peaked 394 MB higher at batch 1000 than at 500, about 5.5 a map value: 7 and 2.
std::size_t step_numbers(const ExampleSize& s) {
  return plus(plus(times(2, s.inputs), times(7, s.units)), times(7, s.maps));
}
std::size_t evaluation_numbers(const ExampleSize& s) {
  return plus(plus(times(2, s.inputs), times(3, s.units)), times(2, s.maps));
}

// The bytes of the activations of a recorded step on b examples (each `extra` numbers more) or
// of one evaluated chunk of evaluation_chunk examples at most, whichever is more, and of a conv
// layer's im2col columns of one example at a time (autodiff/conv_kernels.cpp), forward's and
// backward's.
std::size_t activation_bytes(const ExampleSize& s, std::size_t b, std::size_t m_train, std::size_t m_test,
                             std::size_t extra = 0) {
  const std::size_t step = times(b, plus(step_numbers(s), extra));
  const std::size_t evaluation =
      times(std::min(std::max(m_train, m_test), evaluation_chunk), evaluation_numbers(s));
  return times(plus(std::max(step, evaluation), times(2, s.columns)), sizeof(double));
}

ExampleSize example_size(const std::vector<std::size_t>& sizes) {
  ExampleSize s;
  s.inputs = sizes.empty() ? 0 : sizes.front();
  for (std::size_t l = 1; l < sizes.size(); ++l) s.units = plus(s.units, sizes[l]);
  return s;
}

// A conv layer's im2col columns for one example: C·K·K' rows, one column per output position
// (0 for other layers).
std::size_t im2col_numbers(const Layer& layer) {
  const auto* conv = dynamic_cast<const Conv*>(&layer);
  if (!conv) return 0;
  const Shape& w = conv->w().shape();       // (F, C, K, K')
  const Shape& out = layer.output_shape();  // (F, H', W')
  return times(times(w[1], times(w[2], w[3])), times(out[1], out[2]));
}

ExampleSize example_size(const Network& net) {
  ExampleSize s;
  s.inputs = net.input_size();
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Layer& layer = net.layer(l);
    std::size_t& counted = layer.kind() == "fc" ? s.units : s.maps;
    counted = plus(counted, numel(layer.output_shape()));
    s.columns = std::max(s.columns, im2col_numbers(layer));
  }
  return s;
}

}  // namespace

std::string bytes_str(std::uintmax_t bytes) {
  static constexpr std::array<const char*, 7> units{"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  double x = static_cast<double>(bytes);
  std::size_t u = 0;
  while (x >= 1000 && u + 1 < units.size()) x /= 1000, ++u;
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", x, units[u]);
}

std::size_t times(std::size_t a, std::size_t b) { return b != 0 && a > max_count / b ? max_count : a * b; }
std::size_t plus(std::size_t a, std::size_t b) { return a > max_count - b ? max_count : a + b; }

MemoryBudget available_memory() {
  MemoryBudget best{std::numeric_limits<std::uintmax_t>::max(), "no limit known"};
  const auto consider = [&](const MemoryBudget& b) {
    if (b.bytes < best.bytes) best = b;
  };
  if (const auto free = proc_kb("/proc/meminfo", "MemAvailable"))
    consider({*free, fmt::format("MemAvailable in /proc/meminfo: {}", bytes_str(*free))});
  const std::uintmax_t vm = proc_kb("/proc/self/status", "VmSize").value_or(0);
  const std::uintmax_t data = proc_kb("/proc/self/status", "VmData").value_or(0);
  rlimit r{};
  if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
    consider(less_used(r.rlim_cur, vm, "ulimit -v (RLIMIT_AS)"));
  if (getrlimit(RLIMIT_DATA, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
    consider(less_used(r.rlim_cur, data, "ulimit -d (RLIMIT_DATA)"));
  if (const auto max = cgroup_value("memory.max"))
    consider(less_used(*max, cgroup_value("memory.current").value_or(0), "the cgroup's memory.max"));
  if (const auto cap = own_cap())
    consider({*cap, fmt::format("TAPEGRAD_MAX_MEMORY={}", std::getenv("TAPEGRAD_MAX_MEMORY"))});
  return best;
}

void require_memory(std::uintmax_t bytes, const std::string& what) {
  const MemoryBudget budget = available_memory();
  if (bytes <= budget.bytes) return;
  throw memory_error(fmt::format("{} needs {}{}, but only {} is available ({})", what,
                                 bytes == max_count ? "more than " : "", bytes_str(bytes),
                                 bytes_str(budget.bytes), budget.source));
}

std::size_t parameter_count(const std::vector<std::size_t>& sizes) {
  std::size_t n = 0;
  for (std::size_t l = 1; l < sizes.size(); ++l)
    n = plus(n, times(sizes[l], plus(sizes[l - 1], 1)));  // W^l and b^l
  return n;
}

std::size_t TrainingMemory::total() const { return plus(plus(parameters, activations), batch_copy); }

namespace {

// estimate_training of a network of `parameters` weights and biases, examples of size s and
// N^L = outputs.
TrainingMemory training_memory(std::size_t parameters, const ExampleSize& s, std::size_t outputs,
                               std::size_t m_train, std::size_t m_test, std::size_t batch,
                               std::size_t optimizer_slots) {
  const std::size_t b = effective_batch_size(batch, m_train);
  TrainingMemory t;
  // θ, ∂C/∂θ, the update Δθ and the snapshot an epoch starts from: 4 copies; and the optimizer's
  // state twice, as the snapshot keeps a copy of it too (nn/divergence.hpp's Snapshot)
  t.parameters = times(times(parameters, plus(4, times(2, optimizer_slots))), sizeof(double));
  t.activations = activation_bytes(s, b, m_train, m_test);
  // mini-batches gather Y's columns from a copy of it; X's (a full batch's too) from the set's rows
  if (b < m_train) t.batch_copy = times(times(m_train, outputs), sizeof(double));
  return t;
}

// "θ, ∂C/∂θ, Δθ, a snapshot and 2 optimizer states, each twice": the copies
// TrainingMemory::parameters counts.
std::string parameter_copies_str(std::size_t optimizer_slots) {
  return fmt::format("θ, ∂C/∂θ, Δθ, a snapshot{}",
                     optimizer_slots
                         ? fmt::format(" and {} optimizer state{}, {} in the snapshot too", optimizer_slots,
                                       optimizer_slots > 1 ? "s" : "", optimizer_slots > 1 ? "each" : "it")
                         : "");
}

// "; 4.8 MB for the batches' copy of the targets", or nothing (a full batch).
std::string batch_copy_str(const TrainingMemory& t) {
  return t.batch_copy ? fmt::format("; {} for the batches' copy of the targets", bytes_str(t.batch_copy))
                      : "";
}

// "; 64.0 MB for the resumed checkpoint's optimizer state", or nothing.
std::string resumed_str(std::size_t bytes) {
  return bytes ? fmt::format("; {} for the resumed checkpoint's optimizer state", bytes_str(bytes)) : "";
}

}  // namespace

TrainingMemory estimate_training(const std::vector<std::size_t>& sizes, std::size_t m_train,
                                 std::size_t m_test, std::size_t batch, std::size_t optimizer_slots) {
  return training_memory(parameter_count(sizes), example_size(sizes), sizes.empty() ? 0 : sizes.back(),
                         m_train, m_test, batch, optimizer_slots);
}

void require_training_memory(const std::vector<std::size_t>& sizes, std::size_t m_train, std::size_t m_test,
                             std::size_t batch, std::size_t optimizer_slots, std::size_t resumed_numbers) {
  const TrainingMemory t = estimate_training(sizes, m_train, m_test, batch, optimizer_slots);
  const std::size_t resumed = times(resumed_numbers, sizeof(double));
  const std::string what = fmt::format(
      "training [{}] on {} examples in batches of {} ({} for the {} weights and biases: {}; "
      "{} for the activations of a batch or of an evaluated chunk{}{})",
      fmt::join(sizes, ","), m_train, effective_batch_size(batch, m_train), bytes_str(t.parameters),
      parameter_count(sizes), parameter_copies_str(optimizer_slots), bytes_str(t.activations),
      batch_copy_str(t), resumed_str(resumed));
  require_memory(plus(t.total(), resumed), what);
}

void require_network_memory(const std::vector<std::size_t>& sizes, const std::string& what) {
  const std::size_t n = parameter_count(sizes);
  require_memory(times(times(n, 2), sizeof(double)),
                 fmt::format("{} [{}] ({} weights and biases, and their initial values)", what,
                             fmt::join(sizes, ","), n));
}

TrainingMemory estimate_training(const Network& net, std::size_t m_train, std::size_t m_test,
                                 std::size_t batch, std::size_t optimizer_slots) {
  std::size_t parameters = 0;  // Σ |θ|
  for (const Variable& p : net.parameters()) parameters = plus(parameters, p.value().size());
  return training_memory(parameters, example_size(net), net.output_size(), m_train, m_test, batch,
                         optimizer_slots);  // as for an Mlp, with the maps counted as ExampleSize says
}

namespace {

// "the most of them in layer 2 (conv 2000 kernels 3×3, ...: (1,28,28) -> (2000,26,26): 1352000
// numbers an example)": the layer whose output is largest.
std::string widest_layer_str(const Network& net) {
  std::size_t widest = 2;
  for (std::size_t l = 3; l <= net.num_layers(); ++l)
    if (numel(net.layer(l).output_shape()) > numel(net.layer(widest).output_shape())) widest = l;
  return fmt::format("the most of them in layer {} ({}: {} numbers an example)", widest,
                     net.layer(widest).describe(), numel(net.layer(widest).output_shape()));
}

}  // namespace

void require_training_memory(const Network& net, const std::string& name, std::size_t m_train,
                             std::size_t m_test, std::size_t batch, std::size_t optimizer_slots,
                             std::size_t resumed_numbers) {
  const TrainingMemory t = estimate_training(net, m_train, m_test, batch, optimizer_slots);
  const std::size_t resumed = times(resumed_numbers, sizeof(double));
  const std::string what = fmt::format(
      "training {} on {} examples in batches of {} ({} for the weights and biases: {}; {} for the activations "
      "of a batch or of an evaluated chunk of up to {} examples, {}{}{})",
      name, m_train, effective_batch_size(batch, m_train), bytes_str(t.parameters),
      parameter_copies_str(optimizer_slots), bytes_str(t.activations), evaluation_chunk,
      widest_layer_str(net), batch_copy_str(t), resumed_str(resumed));
  require_memory(plus(t.total(), resumed), what);
}

void require_evaluation_memory(const Network& net, const std::string& name, std::size_t m) {
  const std::size_t bytes = estimate_training(net, m, m, 1, 0).activations;  // a step of 1 < a chunk
  require_memory(bytes,
                 fmt::format("evaluating {} on {} examples in chunks of up to {} ({} for the activations "
                             "of a chunk, {})",
                             name, m, evaluation_chunk, bytes_str(bytes), widest_layer_str(net)));
}

namespace {

// Checking gradients (nn::compare) keeps the hand-written pass's z^l, a^l and δ^l of the batch
// (3 numbers a unit or map value) while the engine records its own: `verify --model lenet` peaked
// 258 MB higher on 500 examples than on 250, 2.6 numbers a value more than a step of training.
std::size_t check_bytes(const ExampleSize& s, std::size_t b, std::size_t m_test) {
  return activation_bytes(s, b, b, m_test, times(3, plus(s.units, s.maps)));
}

}  // namespace

namespace {

// What a gradient check asks for, in the words of its refusal; `widest` names the layer with the
// most numbers, or is empty.
std::string gradient_check_request(const std::string& network, std::size_t b, std::size_t bytes,
                                   std::size_t m_test, const std::string& widest) {
  return fmt::format(
      "checking the gradients of {} on {} examples ({} for the activations of the batch, "
      "recorded and by hand{}{})",
      network, b, bytes_str(bytes), m_test ? ", or of an evaluated chunk of the test set" : "",
      widest.empty() ? "" : ", " + widest);
}

}  // namespace

void require_gradient_check_memory(const std::vector<std::size_t>& sizes, std::size_t b, std::size_t m_test) {
  const std::size_t bytes = check_bytes(example_size(sizes), b, m_test);
  require_memory(bytes,
                 gradient_check_request(fmt::format("[{}]", fmt::join(sizes, ",")), b, bytes, m_test, ""));
}

void require_gradient_check_memory(const Network& net, const std::string& name, std::size_t b,
                                   std::size_t m_test) {
  const std::size_t bytes = check_bytes(example_size(net), b, m_test);
  require_memory(bytes, gradient_check_request(name, b, bytes, m_test, widest_layer_str(net)));
}

}  // namespace tg::nn
