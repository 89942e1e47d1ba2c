#include "nn/column_gatherer.hpp"

#include <sys/mman.h>  // madvise: huge pages for the gatherer's copy

#include <algorithm>
#include <cstdlib>
#include <new>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

Tensor select_columns(const Tensor& A, const std::vector<std::size_t>& index) {
  // A: (n, m) -> (n, index.size())
  if (A.dimension() != 2)
    throw shape_error(fmt::format("select_columns: expected a matrix, got {}", shape_str(A)));
  const std::size_t n = A.shape()[0], m = A.shape()[1];
  Tensor out = Tensor::from_shape({n, index.size()});
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (index[k] >= m)
      throw std::out_of_range(
          fmt::format("select_columns: column {} of a {} matrix", index[k], shape_str(A)));
    for (std::size_t i = 0; i < n; ++i) out(i, k) = A(i, index[k]);
  }
  return out;
}

ColumnGatherer::ColumnGatherer(const Tensor& A) : n_(A.shape()[0]), m_(A.shape()[1]) {
  std::shared_ptr<double> rows_ptr = allocate(n_ * m_);
  constexpr std::size_t block = 64;  // columns per pass: 64 rows of Aᵀ are written at a time
  const double* a = A.data();
  double* rows = rows_ptr.get();
  for (std::size_t j0 = 0; j0 < m_; j0 += block)
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t j = j0; j < std::min(j0 + block, m_); ++j) rows[j * n_ + i] = a[i * m_ + j];
  doubles_ = std::move(rows_ptr);
}

ColumnGatherer::ColumnGatherer(std::vector<std::uint8_t> bytes, std::size_t n, double divisor)
    : n_(n), m_(n == 0 ? 0 : bytes.size() / n) {
  if (n == 0 || bytes.size() % n != 0)
    throw shape_error(
        fmt::format("ColumnGatherer: {} bytes are not whole examples of {} features", bytes.size(), n));
  for (std::size_t v = 0; v < value_.size(); ++v) value_[v] = static_cast<double>(v) / divisor;
  bytes_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
}

std::size_t ColumnGatherer::memory() const { return n_ * m_ * (holds_bytes() ? 1 : sizeof(double)); }

// Row by row of the result, eight examples at a time: eight sequential streams through the
// examples (few enough for the hardware prefetcher) and eight adjacent doubles written per row
// (faster than all b streams at once, and than example by example). row(j) points at example j;
// value(r, i) reads element i of the row r as a double.
template <std::size_t streams, class Row, class Value>
void gather_group(const Row* const* row, std::size_t n, std::size_t b, const Value& value, double* o) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < streams; ++k) o[i * b + k] = value(row[k][i]);  // o: column k of the group
}

template <class Row, class Value>
Tensor gather_rows(const Row* rows, std::size_t n, const std::vector<std::size_t>& index,
                   const Value& value) {
  const std::size_t b = index.size();
  Tensor out = Tensor::from_shape({n, b});
  constexpr std::size_t streams = 8;
  const Row* row[streams];
  for (std::size_t k0 = 0; k0 < b; k0 += streams) {
    const std::size_t group = std::min(streams, b - k0);
    for (std::size_t k = 0; k < group; ++k) row[k] = rows + index[k0 + k] * n;
    if (group == streams)  // a whole group: a fixed count the compiler unrolls
      gather_group<streams>(row, n, b, value, out.data() + k0);
    else
      for (std::size_t k = 0; k < group; ++k) gather_group<1>(row + k, n, b, value, out.data() + k0 + k);
  }
  return out;
}

Tensor ColumnGatherer::gather(const std::vector<std::size_t>& index) const {
  if (holds_bytes()) return gather_rows(bytes_->data(), n_, index, [&](std::uint8_t v) { return value_[v]; });
  return gather_rows(doubles_.get(), n_, index, [](double v) { return v; });
}

Tensor ColumnGatherer::columns(std::size_t begin, std::size_t end) const {
  if (begin > end || end > m_)
    throw std::out_of_range(
        fmt::format("ColumnGatherer::columns: columns {}..{} of a ({}, {}) matrix", begin, end, n_, m_));
  std::vector<std::size_t> index(end - begin);
  std::iota(index.begin(), index.end(), begin);
  return gather(index);
}

void ColumnGatherer::Free::operator()(double* p) const { std::free(p); }

// Room for `count` doubles, in 2 MB-aligned memory that the kernel may back with huge pages.
std::shared_ptr<double> ColumnGatherer::allocate(std::size_t count) {
  constexpr std::size_t huge_page = std::size_t{2} << 20;
  const std::size_t bytes =
      std::max<std::size_t>((count * sizeof(double) + huge_page - 1) / huge_page, 1) * huge_page;
  auto* p = static_cast<double*>(std::aligned_alloc(huge_page, bytes));
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages it works the same
#endif
  return std::shared_ptr<double>(p, Free{});
}

}  // namespace tg::nn
