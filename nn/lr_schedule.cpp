#include "nn/lr_schedule.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

void check_step_decay(const StepDecay& d, const char* who) {
  if (!(d.factor > 0.0 && d.factor <= 1.0))
    throw std::invalid_argument(
        fmt::format("{}: the decay factor F must lie in (0, 1], got {}", who, d.factor));
  if (d.every == 0)
    throw std::invalid_argument(fmt::format("{}: η must be decayed every N ≥ 1 epochs, got N = 0", who));
}

double scheduled_learning_rate(double eta0, const StepDecay& d, std::size_t epoch) {
  check_step_decay(d, "scheduled_learning_rate");
  if (epoch == 0)
    throw std::invalid_argument("scheduled_learning_rate: epochs are numbered from 1, got epoch 0");
  const std::size_t decays = (epoch - 1) / d.every;               // ⌊(e − 1)/N⌋
  return eta0 * std::pow(d.factor, static_cast<double>(decays));  // η₀ · F^k
}

std::size_t first_vanishing_epoch(double eta0, const StepDecay& d, std::size_t last) {
  check_step_decay(d, "first_vanishing_epoch");
  if (last == 0 || scheduled_learning_rate(eta0, d, last) > 0.0) return 0;  // η only falls with e
  std::size_t low = 1, high = last;  // η_low > 0 (η₀ > 0), η_high = 0: bisect on the epoch
  if (!(eta0 > 0.0)) return 1;
  while (high - low > 1) {
    const std::size_t mid = low + (high - low) / 2;
    (scheduled_learning_rate(eta0, d, mid) > 0.0 ? low : high) = mid;
  }
  return high;
}

std::string describe(const StepDecay& d) {
  return d.every == 1 ? fmt::format("×{:g} every epoch", d.factor)
                      : fmt::format("×{:g} every {} epochs", d.factor, d.every);
}

}  // namespace tg::nn
