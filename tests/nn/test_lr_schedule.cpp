// The step decay of η (nn/lr_schedule.cpp): η_e = η₀ · F^⌊(e − 1)/N⌋, as PyTorch's StepLR
// gives it epoch by epoch, its bad settings, and the epoch where F^k underflows to 0.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nn/lr_schedule.hpp"

using tg::nn::scheduled_learning_rate;
using tg::nn::StepDecay;

namespace {

std::vector<double> first_etas(double eta0, StepDecay d, std::size_t epochs) {
  std::vector<double> etas;
  for (std::size_t e = 1; e <= epochs; ++e) etas.push_back(scheduled_learning_rate(eta0, d, e));
  return etas;
}

}  // namespace

TEST_CASE("η_e = η₀·F^⌊(e−1)/N⌋: StepLR's sequence, epoch by epoch") {
  // StepLR(step_size=2, gamma=0.5) on lr 0.1, scheduler.step() after each epoch:
  // 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125
  CHECK(first_etas(0.1, {0.5, 2}, 7) == std::vector<double>{0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125});
  // N = 1: a decay after every epoch
  CHECK(first_etas(1.0, {0.1, 1}, 4) ==
        std::vector<double>{1.0, 0.1, std::pow(0.1, 2.0), std::pow(0.1, 3.0)});
  // N = 3, F = 0.2 (η₀ = 0.001): three epochs at each η
  const std::vector<double> three = first_etas(0.001, {0.2, 3}, 7);
  CHECK(three[0] == 0.001);
  CHECK(three[2] == 0.001);
  CHECK(three[3] == 0.001 * 0.2);
  CHECK(three[5] == 0.001 * 0.2);
  CHECK(three[6] == 0.001 * std::pow(0.2, 2.0));
  // F = 1: η never changes
  CHECK(first_etas(0.5, {1.0, 1}, 5) == std::vector<double>(5, 0.5));
  // Epoch e alone gives η_e, far from the start too (a resumed run's epoch 1001)
  CHECK(scheduled_learning_rate(2.0, {0.5, 100}, 1001) == 2.0 * std::pow(0.5, 10.0));
}

TEST_CASE("a decay factor F outside 0 < F ≤ 1, N = 0 or epoch 0 is a clear error") {
  CHECK_THROWS_WITH_AS(scheduled_learning_rate(0.1, {0.0, 2}, 1),
                       "scheduled_learning_rate: the decay factor F must lie in (0, 1], got 0",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(tg::nn::check_step_decay({1.5, 2}, "--lr-decay"),
                       "--lr-decay: the decay factor F must lie in (0, 1], got 1.5", std::invalid_argument);
  CHECK_THROWS_WITH_AS(tg::nn::check_step_decay({std::numeric_limits<double>::quiet_NaN(), 2}, "x"),
                       "x: the decay factor F must lie in (0, 1], got nan", std::invalid_argument);
  CHECK_THROWS_WITH_AS(tg::nn::check_step_decay({0.5, 0}, "--lr-decay"),
                       "--lr-decay: η must be decayed every N ≥ 1 epochs, got N = 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(scheduled_learning_rate(0.1, {0.5, 2}, 0),
                       "scheduled_learning_rate: epochs are numbered from 1, got epoch 0",
                       std::invalid_argument);
}

TEST_CASE("first_vanishing_epoch finds where η₀·F^k underflows to 0, or says none does") {
  // 0.5^1075 is below the smallest double (2^-1074): with η₀ = 1 and N = 1, epoch 1076 is the first at 0
  CHECK(scheduled_learning_rate(1.0, {0.5, 1}, 1075) > 0.0);
  CHECK(scheduled_learning_rate(1.0, {0.5, 1}, 1076) == 0.0);
  CHECK(tg::nn::first_vanishing_epoch(1.0, {0.5, 1}, 5000) == 1076);
  CHECK(tg::nn::first_vanishing_epoch(1.0, {0.5, 1}, 1075) == 0);
  CHECK(tg::nn::first_vanishing_epoch(1.0, {0.5, 10}, 5000) == 0);
  CHECK(tg::nn::first_vanishing_epoch(1.0, {0.5, 1}, std::numeric_limits<std::size_t>::max()) == 1076);
  CHECK(tg::nn::first_vanishing_epoch(0.1, {1.0, 1}, std::numeric_limits<std::size_t>::max()) == 0);
}

TEST_CASE("describe says the factor and the period") {
  CHECK(tg::nn::describe({0.5, 3}) == "×0.5 every 3 epochs");
  CHECK(tg::nn::describe({0.1, 1}) == "×0.1 every epoch");
}
