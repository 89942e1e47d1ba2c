#include "cli/progress.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

namespace tg::cli {

bool is_terminal(std::FILE* f) { return ::isatty(::fileno(f)) == 1; }

std::string with_commas(double x) {
  std::string digits = fmt::format("{:.0f}", std::round(x));
  const std::size_t first = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = digits.size(); i > first + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

void Progress::step(const nn::StepReport& s, double examples_per_second) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (s.step != s.steps && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr std::size_t bar = 20;
  const std::size_t done = s.steps == 0 ? bar : bar * s.step / s.steps;
  const std::string line =
      fmt::format("epoch {}/{} [{}{}] {:3}%  {:>10} examples/s", s.epoch, last_epoch_, std::string(done, '#'),
                  std::string(bar - done, '-'), 100 * s.step / std::max<std::size_t>(s.steps, 1),
                  with_commas(examples_per_second));
  fmt::print(out_, "\r{}", line);
  if (line.size() < width_) fmt::print(out_, "{}", std::string(width_ - line.size(), ' '));
  width_ = line.size();
  std::fflush(out_);
}

void Progress::clear() {
  if (!live_ || width_ == 0) return;
  fmt::print(out_, "\r{}\r", std::string(width_, ' '));
  width_ = 0;
  std::fflush(out_);
}

}  // namespace tg::cli
