// Columns of a matrix, picked by index: the examples of a mini-batch out of X (N^1, m).
//
// select_columns is the reference: the definition, one element at a time. ColumnGatherer
// gives the same result fast for the many batches of a training run (a test holds the two
// equal; docs/benchmarks.md says what it gains).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

#include "autodiff/error.hpp"
#include "autodiff/tensor.hpp"

namespace tg::nn {

// The columns `index` of A, in that order.    A: (n, m) -> (n, index.size())
// A must be 2-D (tg::shape_error) and every index below m (std::out_of_range).
Tensor select_columns(const Tensor& A, const std::vector<std::size_t>& index);

// select_columns(A, index) for many batches of one matrix A, fast. Picking 64 random columns
// of a (784, 60000) matrix stored row by row reads one double from each of 50,000 cache lines
// 480 KB apart. So the examples are copied once into rows (Aᵀ, one contiguous row per example), a
// batch is gathered as whole rows and written back as columns while it is in cache. The
// price: a second copy of A while the gatherer lives. An epoch still reads the whole copy once
// from memory, so it asks the kernel for 2 MB pages: an example then costs no TLB misses.
// Indices are not checked: they come from make_batches, below m.
class ColumnGatherer {
 public:
  explicit ColumnGatherer(const Tensor& A);  // A: (n, m)
  // The columns `index` of A, in that order.    -> (n, index.size())
  Tensor gather(const std::vector<std::size_t>& index) const;

 private:
  struct Free {
    void operator()(double* p) const { std::free(p); }
  };
  using Rows = std::unique_ptr<double[], Free>;
  static Rows allocate(std::size_t count);
  std::size_t n_, m_;
  Rows rows_;  // Aᵀ: example j is rows_[j·n .. j·n + n)
};

}  // namespace tg::nn
