// Columns of a matrix, picked by index: the examples of a mini-batch out of X (N^1, m).
//
// select_columns is the reference: the definition, one element at a time. ColumnGatherer
// holds a data set's inputs one row per example, as doubles or as bytes (images: 1 byte a
// pixel, 8× smaller), and gives select_columns's result fast, as doubles, for the many batches
// of a training run and the chunks of an evaluation (a test holds the two equal;
// docs/benchmarks.md says what it gains).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "autodiff/error.hpp"
#include "autodiff/tensor.hpp"

namespace tg::nn {

// The columns `index` of A, in that order.    A: (n, m) -> (n, index.size())
// A must be 2-D (tg::shape_error) and every index below m (std::out_of_range).
Tensor select_columns(const Tensor& A, const std::vector<std::size_t>& index);

// The matrix X (n, m) of a data set, stored as rows: example j is one contiguous row of n
// numbers. Picking 64 random columns of a (784, 60000) matrix stored row by row (a Tensor)
// reads one double from each of 50,000 cache lines 480 KB apart; from rows, a batch is read as
// whole rows and written back as columns while it is in cache.
//   - from a Tensor: the doubles are copied once into rows (a second copy of X while the
//     gatherer lives), in 2 MB pages: an epoch reads the whole copy, with no TLB misses;
//   - from bytes (IDX images): the bytes are the rows, taken over without a copy; a byte v
//     reads as v / divisor (255: pixels in [0, 1]), the same double a Tensor of v / divisor holds.
// Copies are cheap: they share the (immutable) rows. Indices of gather are not checked: they
// come from make_batches, below m.
class ColumnGatherer {
 public:
  ColumnGatherer() = default;                // no examples: (0, 0)
  explicit ColumnGatherer(const Tensor& A);  // A: (n, m)
  // bytes: m·n of them, example j in bytes[j·n .. j·n + n) (tg::shape_error otherwise).
  ColumnGatherer(std::vector<std::uint8_t> bytes, std::size_t n, double divisor);

  std::size_t rows() const { return n_; }  // n: features per example
  std::size_t cols() const { return m_; }  // m: examples
  bool holds_bytes() const { return bytes_ != nullptr; }
  std::size_t memory() const;  // the bytes the rows take

  // The columns `index` of X, in that order.    -> (n, index.size())
  Tensor gather(const std::vector<std::size_t>& index) const;
  // Columns begin..end − 1 (an evaluation's chunk; std::out_of_range past m).    -> (n, end − begin)
  Tensor columns(std::size_t begin, std::size_t end) const;
  // All of X as a Tensor (n, m): for small sets and tests; a large set is read in chunks.
  Tensor matrix() const { return columns(0, m_); }

 private:
  struct Free {
    void operator()(double* p) const;
  };
  static std::shared_ptr<double> allocate(std::size_t count);

  std::size_t n_ = 0, m_ = 0;
  std::shared_ptr<const double> doubles_;                   // Xᵀ: example j is [j·n .. j·n + n)
  std::shared_ptr<const std::vector<std::uint8_t>> bytes_;  // or the bytes, likewise
  std::array<double, 256> value_{};                         // value_[v] = v / divisor
};

}  // namespace tg::nn
