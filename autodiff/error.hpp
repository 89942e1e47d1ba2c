// The exceptions tapegrad throws. Every message names the op (or function) and what was wrong.
#pragma once

#include <stdexcept>

namespace tg {

// Operands whose shapes do not fit the op: "matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ".
struct shape_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Misuse of the graph: backward on a released graph, a missing seed, grad() of a constant...
struct graph_error : std::logic_error {
  using std::logic_error::logic_error;
};

// detect_anomaly found a NaN or Inf in a forward value or a gradient.
struct anomaly_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tg
