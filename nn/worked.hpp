// A value worked out in the open, as nn::explain prints it: the formula in symbols, the same
// formula with the numbers (plain arithmetic that evaluates to the value), and the value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace tg::nn {

struct Worked {
  std::string formula;  // "a^3_1 − y_1"
  std::string numbers;  // "0.7514 − 1"
  double value = 0.0;   // computed in the order the numbers are written
};

// a × b rounded to a double on its own, as the printed "a × b + c" is: the compiler may otherwise
// fuse a × b + c into one FMA (GCC does, with its default -ffp-contract=fast), whose value can
// differ in the last bit from what the printed numbers give.
[[gnu::noinline]] inline double product(double a, double b) { return a * b; }

// Numbers to `digits` significant digits: 0.2486; as an operand, negative ones in parentheses
// ("0.4 × (-0.25)").
class NumberWriter {
 public:
  explicit NumberWriter(int digits) : digits_(digits) {}
  std::string num(double v) const { return fmt::format("{:.{}g}", v, digits_); }
  std::string operand(double v) const {
    const std::string s = num(v);
    return s[0] == '-' ? "(" + s + ")" : s;
  }

 private:
  int digits_;
};

// The output layer of one example, 0-based j, as the cost's rows read it: a^L, y, and ln a^L,
// ln(1 − a^L) where the cost takes them (explain's ln rows computed them from z^L).
struct OutputColumn {
  NumberWriter w;
  std::size_t L;
  std::vector<double> a, y, ln_a, ln_1ma;
};

}  // namespace tg::nn
