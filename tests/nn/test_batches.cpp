#include "nn/batches.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace tg::nn;

TEST_CASE("an epoch's batches hold every example once, reshuffled each epoch") {
  std::mt19937_64 rng(5);
  const auto first = make_batches(10, 4, true, rng), second = make_batches(10, 4, true, rng);
  for (const auto& epoch : {first, second}) {
    REQUIRE(epoch.size() == 3);
    CHECK(epoch[0].size() == 4);
    CHECK(epoch[2].size() == 2);
    std::vector<std::size_t> all;
    for (const auto& b : epoch) all.insert(all.end(), b.begin(), b.end());
    std::sort(all.begin(), all.end());
    CHECK(all == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
  CHECK(first != second);
  std::mt19937_64 again(5);
  CHECK(make_batches(10, 4, true, again) == first);  // a seed gives the same order
  CHECK(make_batches(5, 0, false, again) == std::vector<std::vector<std::size_t>>{{0, 1, 2, 3, 4}});
}
