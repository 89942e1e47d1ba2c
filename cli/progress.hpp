// Training progress for a person at a terminal: one line, redrawn in place (with '\r') at most
// ten times a second, showing the epoch, how far into it, and the examples per second.
//
//   epoch 2/5 [############--------]  61%   18,734 examples/s
//
// When the output is not a terminal (a log file, a pipe, a test) nothing is drawn.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>

#include "nn/train.hpp"

namespace tg::cli {

// Whether f is a terminal (isatty).
bool is_terminal(std::FILE* f);

class Progress {
 public:
  Progress(std::FILE* out, bool live, std::size_t last_epoch)
      : out_(out), live_(live), last_epoch_(last_epoch) {}
  // After each step; examples_per_second over the epoch so far.
  void step(const nn::StepReport& s, double examples_per_second);
  // Erases the line (before something else is printed).
  void clear();
  bool live() const { return live_; }

 private:
  std::FILE* out_;
  bool live_;
  std::size_t last_epoch_;
  std::size_t width_ = 0;  // of the line drawn last, to erase it
  std::chrono::steady_clock::time_point last_draw_{};
};

// 1234567.8 -> "1,234,568"
std::string with_commas(double x);

}  // namespace tg::cli
