// Evaluates the arithmetic that nn::explain prints ("(0.4 × (-0.2486)) × 0.2413",
// "-(1 × ln(0.7514) + (1 − 1) × ln(1 − 0.7514))"), so that tests can check that the printed
// numbers give the printed result: numbers, + − (U+2212) - × · /, parentheses, unary minus,
// max(a, b, ...) and the functions exp, ln and each activation by its symbol (σ, tanh, relu: nn/activation.hpp's
// table). Anything else throws std::invalid_argument.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nn/activation.hpp"

namespace tg::test {

class Arithmetic {
 public:
  static double evaluate(std::string_view text) {
    Arithmetic p(text);
    const double v = p.sum();
    p.skip_spaces();
    if (p.pos_ != text.size()) p.fail("trailing text");
    return v;
  }

 private:
  explicit Arithmetic(std::string_view text) : s_(text) {}

  [[noreturn]] void fail(const char* what) const {
    throw std::invalid_argument(std::string(what) + " at " + std::to_string(pos_) + " in '" +
                                std::string(s_) + "'");
  }
  void skip_spaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool eat(std::string_view token) {
    skip_spaces();
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  double sum() {
    double v = product();
    for (;;) {
      if (eat("+")) v += product();
      else if (eat("−") || eat("-")) v -= product();
      else return v;
    }
  }
  double product() {
    double v = unary();
    for (;;) {
      if (eat("×") || eat("·")) v *= unary();
      else if (eat("/")) v /= unary();
      else return v;
    }
  }
  double unary() {
    if (eat("-") || eat("−")) return -unary();
    return primary();
  }
  double call(double (*f)(double)) {
    if (!eat("(")) fail("expected '('");
    const double v = sum();
    if (!eat(")")) fail("expected ')'");
    return f(v);
  }
  double primary() {
    if (eat("(")) {
      const double v = sum();
      if (!eat(")")) fail("expected ')'");
      return v;
    }
    for (const nn::ActivationRow& r : nn::activation_table())  // σ(…), tanh(…), relu(…): each row's f
      if (r.f && eat(std::string(r.symbol) + "(")) {
        --pos_;  // call reads the "("
        return call(r.f);
      }
    if (eat("max(")) {  // max(a, b, ...): a max pooling window
      double v = sum();
      while (eat(",")) v = std::max(v, sum());
      if (!eat(")")) fail("expected ')'");
      return v;
    }
    if (eat("exp")) return call([](double z) { return std::exp(z); });
    if (eat("ln")) return call([](double z) { return std::log(z); });
    skip_spaces();
    const std::string rest(s_.substr(pos_));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str() || rest[0] == '-' || rest[0] == '+') fail("expected a number");
    pos_ += static_cast<std::size_t>(end - rest.c_str());
    return v;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace tg::test
