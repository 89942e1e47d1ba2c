// What a run needs in memory, estimated before anything large is allocated, against what the
// machine can give. A request that does not fit is refused at once with the numbers
//
//   training [2,100000000,2] needs 17.6 GB: 16.0 GB for the 400000004 weights and biases (...), ...;
//   only 2.0 GB is available (ulimit -v / RLIMIT_AS: 2.1 GB, of which 96.5 MB in use)
//
// instead of std::bad_alloc after minutes of work, or the kernel's OOM killer.
//
// Available is the least of: the kernel's MemAvailable (/proc/meminfo: what can be allocated
// without swapping); the address-space limit RLIMIT_AS (ulimit -v) and the data limit
// RLIMIT_DATA, less what the process already uses; the cgroup's memory.max less its
// memory.current; and the environment variable TAPEGRAD_MAX_MEMORY (bytes, or with a suffix
// K, M, G: 10^3, 10^6, 10^9), a cap of one's own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/network.hpp"

namespace tg::nn {

struct memory_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// 4800000000 -> "4.8 GB" (decimal units: B, KB, MB, GB, TB, PB, EB).
std::string bytes_str(std::uintmax_t bytes);

// a·b and a + b, or the largest count when they would overflow: an estimate that saturates is
// refused like any other too large.
std::size_t times(std::size_t a, std::size_t b);
std::size_t plus(std::size_t a, std::size_t b);

struct MemoryBudget {
  std::uintmax_t bytes = 0;
  std::string source;  // which limit it is, with its numbers: "MemAvailable in /proc/meminfo"
};
MemoryBudget available_memory();

// Throws memory_error "{what} needs {bytes}, but only ... is available (...)" when `bytes` is
// more than available_memory() gives.
void require_memory(std::uintmax_t bytes, const std::string& what);

// Σ_{l=2..L} N^l (N^{l−1} + 1): the weights and biases of a network of these sizes.
std::size_t parameter_count(const std::vector<std::size_t>& sizes);

// The bytes of training a network of `sizes` on m_train examples (tested on m_test) in batches
// of `batch` (0: all m_train) with an optimizer keeping `optimizer_slots` tensors per parameter
// (SGD 0, momentum 1, Adam 2), each held twice: by the optimizer and by the snapshot an epoch
// starts from. The data itself (an ExampleSet) is already in memory and not counted; batches
// gather X from its rows.
struct TrainingMemory {
  std::size_t parameters = 0;   // θ, ∂C/∂θ, the update, the epoch's snapshot, the optimizer's state ×2
  std::size_t activations = 0;  // z^l, a^l, δ^l of a batch, or of a chunk of a set being evaluated
  std::size_t batch_copy = 0;   // the mini-batch gatherer's copy of the targets Y (0: full batch)
  std::size_t total() const;
};
TrainingMemory estimate_training(const std::vector<std::size_t>& sizes, std::size_t m_train,
                                 std::size_t m_test, std::size_t batch, std::size_t optimizer_slots);

// require_memory of estimate_training, the message naming each part; plus `resumed_numbers`, the
// doubles of a resumed checkpoint's optimizer state (`train --resume`): read before the run, they
// are in memory beside the new optimizer's until it takes them back.
void require_training_memory(const std::vector<std::size_t>& sizes, std::size_t m_train, std::size_t m_test,
                             std::size_t batch, std::size_t optimizer_slots, std::size_t resumed_numbers = 0);

// The same for a network of layers: its parameters; per example its input and each layer's
// output z^l, fully connected layers' in the Mlp's proportions, the maps of conv, pooling and
// flatten layers in their own (measured on LeNet, nn/memory_estimate.cpp); and the im2col
// columns of one example for the largest conv layer.
TrainingMemory estimate_training(const Network& net, std::size_t m_train, std::size_t m_test,
                                 std::size_t batch, std::size_t optimizer_slots);
// require_memory of it (and of resumed_numbers, as above), naming the network (name: its
// description) and its widest layer.
void require_training_memory(const Network& net, const std::string& name, std::size_t m_train,
                             std::size_t m_test, std::size_t batch, std::size_t optimizer_slots,
                             std::size_t resumed_numbers = 0);
// require_memory of the activations of evaluating net on m examples, a chunk at a time.
void require_evaluation_memory(const Network& net, const std::string& name, std::size_t m);

// require_memory of checking a network's gradients on b examples (`verify`, `report`): the
// activations of a recorded step on them, and of the hand-written pass beside it; with m_test,
// also of evaluating that many test examples a chunk at a time (`report`). name: the network's
// description.
void require_gradient_check_memory(const std::vector<std::size_t>& sizes, std::size_t b, std::size_t m_test);
void require_gradient_check_memory(const Network& net, const std::string& name, std::size_t b,
                                   std::size_t m_test);

// require_memory of a network's weights and biases (twice: the values and what makes them).
void require_network_memory(const std::vector<std::size_t>& sizes, const std::string& what);

}  // namespace tg::nn
