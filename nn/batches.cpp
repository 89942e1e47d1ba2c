#include "nn/batches.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace tg::nn {

namespace {

// A uniform integer in [0, n), by rejection, so that no value is favoured and a seed gives the
// same numbers with every standard library (std::uniform_int_distribution and std::shuffle
// leave their algorithms to the implementation; std::mt19937_64 itself is fully specified).
std::size_t uniform_below(std::mt19937_64& rng, std::size_t n) {
  const std::uint64_t range = n;
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % range;  // a multiple of n
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return static_cast<std::size_t>(x % range);
}

}  // namespace

// std::seed_seq's mixing is specified by the standard, so this too is the same with every
// standard library; it takes 32-bit words, hence the halves.
std::mt19937_64 epoch_generator(std::uint64_t seed, std::size_t epoch) {
  const std::uint64_t e = epoch;
  std::seed_seq words{seed & 0xffffffffu, seed >> 32, e & 0xffffffffu, e >> 32};
  return std::mt19937_64(words);
}

std::size_t effective_batch_size(std::size_t batch_size, std::size_t m) {
  return batch_size == 0 || batch_size > m ? m : batch_size;
}

std::vector<std::vector<std::size_t>> make_batches(std::size_t m, std::size_t batch_size, bool shuffle,
                                                   std::mt19937_64& rng) {
  batch_size = effective_batch_size(batch_size, m);
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (shuffle)  // Fisher–Yates: swap each position with a uniformly chosen one at or before it
    for (std::size_t i = m; i > 1; --i) std::swap(order[i - 1], order[uniform_below(rng, i)]);

  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t start = 0; start < m; start += batch_size)
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                         order.begin() + static_cast<std::ptrdiff_t>(std::min(start + batch_size, m)));
  return batches;
}

}  // namespace tg::nn
