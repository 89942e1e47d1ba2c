// The reverse pass: gradients as values, with tg::grad. (Variable::backward uses the same pass.)
#pragma once

#include <optional>
#include <vector>

#include "autodiff/variable.hpp"

namespace tg {

// ∂(outputs)/∂(inputs) as Variables, one per input, without touching any .grad.
// Each output must hold one element (its seed is 1). An input the outputs do not depend on
// gets zeros. With create_graph the pass is recorded, so the results can be differentiated
// again (Hessians, Hessian-vector products); the graph is then kept as if retain_graph.
// tg::graph_error: no outputs, an empty Variable among them or the inputs, an output that does
// not require grad or holds more than one element, an input that does not require grad.
std::vector<Variable> grad(const std::vector<Variable>& outputs, const std::vector<Variable>& inputs,
                           bool create_graph = false);

// The same with an explicit seed ∂C/∂output for every output (each of its output's shape):
// the result is Σ_k J_kᵀ seed_k. retain_graph defaults to create_graph.
// As above, and: as many seeds as outputs (tg::graph_error), each of its output's shape
// (tg::shape_error).
std::vector<Variable> grad(const std::vector<Variable>& outputs, const std::vector<Variable>& inputs,
                           const std::vector<Variable>& seeds, bool create_graph = false,
                           std::optional<bool> retain_graph = std::nullopt);

}  // namespace tg
