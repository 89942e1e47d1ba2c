// A data set's examples as training and evaluation read them: the inputs X (n, m), held one
// row per example as bytes (images) or doubles (see ColumnGatherer), and the targets Y (k, m),
// one column per example. Fashion-MNIST's 60,000 training images take 47 MB so, not 376 MB of
// doubles; a batch or an evaluation's chunk becomes doubles when it is gathered.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "autodiff/xtensor_headers.hpp"
#include "autodiff/tensor.hpp"
#include "nn/column_gatherer.hpp"
#include "nn/data/synthetic.hpp"

namespace tg::nn {

struct ExampleSet {
  ColumnGatherer X;  // (n, m)
  Tensor Y;          // (k, m)

  ExampleSet() = default;
  ExampleSet(ColumnGatherer X, Tensor Y) : X(std::move(X)), Y(std::move(Y)) {}
  // Examples of doubles (the synthetic sets): X is copied into rows.
  ExampleSet(const data::Examples& e) : X(e.X), Y(e.Y) {}  // NOLINT: implicit, as a set is one

  std::size_t size() const { return X.cols(); }                                  // m
  std::size_t features() const { return X.rows(); }                              // n = N^1
  std::size_t targets() const { return Y.dimension() == 2 ? Y.shape()[0] : 0; }  // k = N^L

  // Examples begin..end − 1 as doubles (std::out_of_range past m).
  data::Examples range(std::size_t begin, std::size_t end) const {
    return {X.columns(begin, end), xt::view(Y, xt::all(), xt::range(begin, end))};
  }
  // The first n examples (all of them when n is 0 or at least m), as doubles.
  data::Examples first(std::size_t n) const { return range(0, n == 0 ? size() : std::min(n, size())); }
};

}  // namespace tg::nn
