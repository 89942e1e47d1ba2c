// A parameter θ of a layer, by the name explain and checkpoints give it, with the hand-written
// equation that gives its gradient ∂C/∂θ: what compare and verify name when it is wrong, and
// what the loss graph writes beside it.
#pragma once

#include <string>
#include <utility>

#include "autodiff/variable.hpp"

namespace tg::nn {

struct Parameter {
  // Every field is given: a layer kind cannot leave its equation out.
  Parameter(std::string name, Variable value, bool weight, std::string equation)
      : name(std::move(name)), value(std::move(value)), weight(weight), equation(std::move(equation)) {}

  std::string name;  // "W", "b" (fully connected), "w", "b" (conv)
  Variable value;
  bool weight;           // L2 regularises weights, not biases
  std::string equation;  // "BP4", "BP3" (fully connected); "BP4-conv", "BP3-conv" (conv)
};

}  // namespace tg::nn
