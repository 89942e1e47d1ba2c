// The graph that produced a Variable, as Graphviz DOT text (render with `dot -Tsvg`).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autodiff/variable.hpp"

namespace tg {

// What DotOptions::annotate adds to one node's label. Empty fields add nothing.
struct DotAnnotation {
  std::string grad_label;  // names the gradient line instead of "grad", e.g. "δ^2 = ∂C/∂z^2"
  std::string note;        // more text at the end of the label ('\n' starts a new line)
  std::string fillcolor;   // a Graphviz colour to fill the node with, e.g. "lightyellow"
};

struct DotOptions {
  bool values = false;            // print each node's value
  bool grads = false;             // print each node's gradient, where it has one
  int precision = 4;              // significant digits of printed numbers (≥ 0)
  std::size_t max_elements = 12;  // longer tensors are elided
  // Called once per node drawn, with a handle to it (compare with Variable::same_node), to
  // name its gradient or add a line: how nn/loss_graph.hpp marks z^l with δ^l.
  std::function<DotAnnotation(const Variable&)> annotate;
};

// Nodes are ops (ellipses: op name, shape) and leaves (boxes: name or "leaf", shape; filled
// when they require grad). Edges run from each input to the op that used it, numbered by
// argument position. The outputs are drawn with a double border.
// An empty (default-constructed) output throws tg::graph_error; a negative precision,
// std::invalid_argument.
std::string to_dot(const Variable& y, const DotOptions& options = {});
std::string to_dot(const std::vector<Variable>& outputs, const DotOptions& options = {});

}  // namespace tg
