// The batches of an epoch: which examples (columns of X) each optimizer step takes, shuffled by
// a generator that gives the same order with every standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace tg::nn {

// The shuffling generator of epoch `epoch` of a run seeded with `seed`: each epoch has its own,
// so a run resumed after epoch k sees the same batches as one that never stopped.
std::mt19937_64 epoch_generator(std::uint64_t seed, std::size_t epoch);

// The examples one step takes: batch_size, or all m for batch_size 0 (the full batch) or one
// above m.
std::size_t effective_batch_size(std::size_t batch_size, std::size_t m);

// The batches of one epoch: lists of example (column) indices that together hold 0..m−1 once
// each; in order, or in an order drawn from `rng` when shuffle is set (the same with every
// standard library). batch_size 0, or one above m, means one batch of all m.
std::vector<std::vector<std::size_t>> make_batches(std::size_t m, std::size_t batch_size, bool shuffle,
                                                   std::mt19937_64& rng);

}  // namespace tg::nn
