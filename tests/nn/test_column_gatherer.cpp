#include "nn/column_gatherer.hpp"

#include <doctest/doctest.h>

#include <random>

#include "nn/batches.hpp"
#include "support/random.hpp"

using namespace tg;
using namespace tg::nn;

TEST_CASE("select_columns picks the columns asked for, in that order, and refuses one beyond the matrix") {
  const Tensor A{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
  CHECK(select_columns(A, {2, 0}) == Tensor{{3.0, 1.0}, {6.0, 4.0}});
  CHECK(select_columns(A, {1, 1}) == Tensor{{2.0, 2.0}, {5.0, 5.0}});
  CHECK_THROWS_AS(select_columns(A, {3}), std::out_of_range);
}

TEST_CASE(
    "ColumnGatherer gives exactly what the reference select_columns gives, for every batch of an epoch") {
  // Sizes that leave remainders everywhere: 37 rows, 203 columns (not a multiple of the 64-column
  // copy blocks), batches of 9 (not a multiple of the 8 streams) and a last one of 5.
  const Tensor A = test::random_tensor({37, 203}, test::Domain::any, 7);
  const ColumnGatherer gatherer(A);
  for (const std::size_t batch_size : {1, 8, 9, 64, 203}) {
    std::mt19937_64 rng = epoch_generator(11, batch_size);
    for (const std::vector<std::size_t>& batch : make_batches(203, batch_size, true, rng)) {
      CAPTURE(batch_size);
      CHECK(gatherer.gather(batch) == select_columns(A, batch));
    }
  }
  CHECK(gatherer.gather({}) == select_columns(A, {}));  // an empty batch: (37, 0)
}

TEST_CASE("ColumnGatherer over bytes gives what select_columns gives of the bytes / divisor, for any batch") {
  const std::size_t n = 13, m = 71;
  std::mt19937_64 rng(3);
  std::vector<std::uint8_t> bytes(n * m);  // example j: bytes[j·n .. j·n + n)
  for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(rng());
  Tensor A = Tensor::from_shape({n, m});  // what the bytes stand for: (n, m) of v / 255
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < n; ++i) A(i, j) = bytes[j * n + i] / 255.0;
  const ColumnGatherer gatherer(bytes, n, 255.0);
  CHECK(gatherer.holds_bytes());
  CHECK(gatherer.memory() == n * m);  // 1 byte an element, not 8
  CHECK(gatherer.rows() == n);
  CHECK(gatherer.cols() == m);
  for (const std::size_t batch_size : {1, 8, 9, 71}) {
    std::mt19937_64 order = epoch_generator(5, batch_size);
    for (const std::vector<std::size_t>& batch : make_batches(m, batch_size, true, order)) {
      CAPTURE(batch_size);
      CHECK(gatherer.gather(batch) == select_columns(A, batch));
    }
  }
  CHECK(gatherer.matrix() == A);
  CHECK(gatherer.columns(70, 71) == select_columns(A, {70}));
  CHECK(ColumnGatherer(A).columns(3, 9) == select_columns(A, {3, 4, 5, 6, 7, 8}));
  CHECK_THROWS_WITH_AS(gatherer.columns(5, 72), "ColumnGatherer::columns: columns 5..72 of a (13, 71) matrix",
                       std::out_of_range);
  CHECK_THROWS_WITH_AS(ColumnGatherer(std::vector<std::uint8_t>(10), 3, 255.0),
                       "ColumnGatherer: 10 bytes are not whole examples of 3 features", tg::shape_error);
}
