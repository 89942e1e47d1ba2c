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
