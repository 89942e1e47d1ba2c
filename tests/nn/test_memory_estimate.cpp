// The memory estimate (nn/memory_estimate.cpp): sizes in words, counts that saturate instead
// of wrapping, the estimate of a training run by hand, and a request above the budget
// refused with the numbers.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/pool_layer.hpp"
#include "support/memory_cap.hpp"

using namespace tg::nn;
using tg::test::MemoryCap;

namespace {

constexpr std::size_t max_count = std::numeric_limits<std::size_t>::max();

// conv 2×3×3 on (1,6,6) -> (2,4,4), max pooling 2 -> (2,2,2), flatten -> (8), fully connected 3
Network small_conv_network() {
  std::mt19937_64 rng(1);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(tg::Shape{1, 6, 6}, 2, 3, 3, 1, 0, Activation::relu, Init::scaled_normal, rng));
  layers.push_back(std::make_unique<Pooling>(layers.back()->output_shape(), Pool::max, 2, 2));
  layers.push_back(std::make_unique<Flatten>(layers.back()->output_shape()));
  layers.push_back(
      std::make_unique<FullyConnected>(Linear(8, 3, Init::scaled_normal, rng), Activation::softmax));
  return Network({1, 6, 6}, std::move(layers));
}

}  // namespace

TEST_CASE("bytes_str writes sizes in decimal units") {
  CHECK(bytes_str(0) == "0 B");
  CHECK(bytes_str(999) == "999 B");
  CHECK(bytes_str(1500) == "1.5 KB");
  CHECK(bytes_str(4'800'000'000) == "4.8 GB");
  CHECK(bytes_str(max_count) == "18.4 EB");
}

TEST_CASE("times and plus saturate at the largest count instead of wrapping") {
  CHECK(times(3, 4) == 12);
  CHECK(times(max_count, 0) == 0);
  CHECK(times(std::size_t{1} << 40, std::size_t{1} << 30) == max_count);
  CHECK(plus(max_count - 1, 1) == max_count);
  CHECK(plus(max_count, 5) == max_count);
}

TEST_CASE("the estimate of a training run, term by term") {
  // [2,3,1]: W^2 3×2 + b^2 3 + W^3 1×3 + b^3 1 = 13 parameters
  CHECK(parameter_count({2, 3, 1}) == 13);
  CHECK(parameter_count({2, 100'000'000, 2}) == 500'000'002);
  CHECK(parameter_count({max_count, max_count}) == max_count);
  // Adam (2 slots, each also in the epoch's snapshot): 13 × (4 + 2·2) doubles; batch 10 of 100:
  // a step 10 × (2·2 + 7·4) = 320 numbers, evaluating 100 examples 100 × (2·2 + 3·4) = 1600; the
  // gatherer's copy of Y 100 × 1
  const TrainingMemory t = estimate_training({2, 3, 1}, 100, 50, 10, 2);
  CHECK(t.parameters == 13 * 8 * 8);
  CHECK(t.activations == 1600 * 8);
  CHECK(t.batch_copy == 100 * 8);
  CHECK(t.total() == (13 * 8 + 1600 + 100) * 8);
  CHECK(estimate_training({2, 3, 1}, 100, 50, 10, 1).parameters == 13 * 6 * 8);  // momentum: 4 + 2·1
  CHECK(estimate_training({2, 3, 1}, 100, 50, 10, 0).parameters == 13 * 4 * 8);  // SGD: none
  // a set is evaluated 1,000 examples at a time: 60,000 of [784,100,10] cost 1000 × (2·784 + 3·110)
  CHECK(estimate_training({784, 100, 10}, 60000, 10000, 64, 0).activations == 1000 * 1898 * 8);
  CHECK(estimate_training({2, 3, 1}, 100, 50, 0, 0).batch_copy == 0);  // full batch: no copy
  CHECK(estimate_training({2, 3, 1}, 100, 50, 0, 0).activations ==
        100 * 32 * 8);  // the step: 100 × (2·2 + 7·4)
  CHECK(estimate_training({2, max_count, 2}, 100, 50, 0, 0).total() == max_count);
}

TEST_CASE(
    "a network of layers: fully connected units as an Mlp's, maps and im2col columns by their own factors") {
  const Network net = small_conv_network();
  // per example: input 36; maps 32 + 8 + 8 = 48; units 3. A step 2·36 + 7·3 + 7·48 = 429 numbers,
  // an evaluation 2·36 + 3·3 + 2·48 = 177; and the conv layer's im2col of one example, 9 × 16,
  // forward's and backward's
  const TrainingMemory t = estimate_training(net, 100, 50, 10, 0);
  CHECK(t.activations == (std::max(10 * 429, 100 * 177) + 2 * 144) * 8);
  CHECK(estimate_training(net, 100, 50, 0, 0).activations == (100 * 429 + 2 * 144) * 8);  // full batch
  // checking gradients on b examples adds the hand-written z, a, δ: 3 (48 + 3) numbers an example
  const MemoryCap cap("1M");
  CHECK_NOTHROW(require_gradient_check_memory(net, "the net", 100, 0));  // (100 × 582 + 288) × 8 = 468 KB
  // and 1000 examples (1000 × 582 + 288) × 8 = 4.66 MB
  CHECK_THROWS_WITH_AS(
      require_gradient_check_memory(net, "the net", 1000, 0),
      "checking the gradients of the net on 1000 examples (4.7 MB for the activations of the "
      "batch, recorded and by hand, the most of them in layer 2 (conv 2 kernels 3×3, stride 1, "
      "padding 0, relu: (1,6,6) -> (2,4,4): 32 numbers an example)) needs 4.7 MB, but only "
      "1.0 MB is available (TAPEGRAD_MAX_MEMORY=1M)",
      memory_error);
  // an Mlp's: [2,3,1] is small; [2,1000,2] on 1000 examples (2·2 + 7·1002 + 3·1002) × 1000 numbers
  CHECK_NOTHROW(require_gradient_check_memory({2, 3, 1}, 1000, 0));
  CHECK_THROWS_WITH_AS(require_gradient_check_memory({2, 1000, 2}, 1000, 500),
                       doctest::Contains(
                           "checking the gradients of [2,1000,2] on 1000 examples (80.2 MB for the "
                           "activations of the batch, recorded and by hand, or of an evaluated chunk "
                           "of the test set) needs 80.2 MB"),
                       memory_error);
}

TEST_CASE("a request above the budget is refused with what it needs and what is available") {
  const MemoryCap cap("1M");
  CHECK(available_memory().bytes == 1'000'000);
  CHECK(available_memory().source == "TAPEGRAD_MAX_MEMORY=1M");
  CHECK_NOTHROW(require_memory(999'999, "a test"));
  CHECK_THROWS_WITH_AS(require_memory(2'500'000, "a test"),
                       "a test needs 2.5 MB, but only 1.0 MB is available (TAPEGRAD_MAX_MEMORY=1M)",
                       memory_error);
  CHECK_THROWS_WITH_AS(require_memory(max_count, "a test"),
                       doctest::Contains("a test needs more than 18.4 EB"), memory_error);
  CHECK_THROWS_WITH_AS(
      require_training_memory({2, 1000, 2}, 1000, 500, 10, 0),
      doctest::Contains(
          "training [2,1000,2] on 1000 examples in batches of 10 (160.1 KB for the 5002 weights"),
      memory_error);
}

TEST_CASE("a resumed checkpoint's optimizer state is counted beside the run, and named") {
  // [2,3,1] with Adam on 10 examples fits in a cap 100 bytes above its estimate; Adam's saved m
  // and v, 2 × 13 doubles = 208 bytes, no longer do.
  const std::string fits = std::to_string(estimate_training({2, 3, 1}, 10, 10, 10, 2).total() + 100);
  const MemoryCap cap(fits.c_str());
  CHECK_NOTHROW(require_training_memory({2, 3, 1}, 10, 10, 10, 2));
  const std::string named =
      fmt::format("; {} for the resumed checkpoint's optimizer state) needs", bytes_str(208));
  CHECK_THROWS_WITH_AS(require_training_memory({2, 3, 1}, 10, 10, 10, 2, 26),
                       doctest::Contains(named.c_str()), memory_error);
}

TEST_CASE("without a cap of one's own the budget is a real limit of the machine") {
  const MemoryBudget b = available_memory();
  CHECK(b.bytes > 0);
  CHECK(b.bytes < max_count);  // MemAvailable at least is known on Linux
  const MemoryCap bad("lots");
  CHECK_THROWS_WITH_AS(available_memory(), doctest::Contains("TAPEGRAD_MAX_MEMORY is 'lots'"), memory_error);
}

TEST_CASE("a MemoryCap puts back the TAPEGRAD_MAX_MEMORY it found, or unsets it if there was none") {
  const auto now = []() -> std::string {
    const char* v = std::getenv("TAPEGRAD_MAX_MEMORY");
    return v ? v : "(unset)";
  };
  const MemoryCap outer("3M");  // as a run under TAPEGRAD_MAX_MEMORY=3M
  {
    const MemoryCap inner("1K");
    CHECK(now() == "1K");
  }
  CHECK(now() == "3M");
  CHECK(available_memory().bytes == 3'000'000);

  ::unsetenv("TAPEGRAD_MAX_MEMORY");
  { const MemoryCap cap("1K"); }
  CHECK(now() == "(unset)");
}
