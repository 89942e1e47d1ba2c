// Exercise 01, the reference solution (graded with scripts/grade.sh --solutions).
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include "value.hpp"

namespace tg::exercises {

std::vector<double> local_derivatives(const Node& out) {
  const auto& p = out.parents;
  if (out.op == "+") return {1.0, 1.0};                      // ∂(a + b)/∂a = ∂(a + b)/∂b = 1
  if (out.op == "*") return {p[1]->data, p[0]->data};        // ∂(ab)/∂a = b, ∂(ab)/∂b = a
  if (out.op == "tanh") return {1.0 - out.data * out.data};  // 1 − tanh²x, from the output
  if (out.op == "exp") return {out.data};                    // (eˣ)' = eˣ
  if (out.op == "pow") return {out.exponent * std::pow(p[0]->data, out.exponent - 1.0)};  // k xᵏ⁻¹
  if (out.op.empty()) return {};                                                          // a leaf
  throw std::invalid_argument("local_derivatives: unknown op " + std::string(out.op));
}

void chain_rule(Node& out) {
  const std::vector<double> local = local_derivatives(out);
  for (std::size_t i = 0; i < out.parents.size(); ++i) out.parents[i]->grad += local[i] * out.grad;
}

// Depth-first, with an explicit stack of (node, parents visited?) in place of recursion: a node
// is appended once all of its parents are.
std::vector<Node*> topological_order(const Value& root) {
  std::vector<Node*> order;
  std::unordered_set<Node*> seen;
  std::vector<std::pair<Node*, bool>> stack = {{root.get(), false}};
  while (!stack.empty()) {
    auto [node, parents_done] = stack.back();
    stack.pop_back();
    if (parents_done) {
      order.push_back(node);
      continue;
    }
    if (!seen.insert(node).second) continue;
    stack.push_back({node, true});
    for (const Value& p : node->parents)
      if (!seen.count(p.get())) stack.push_back({p.get(), false});
  }
  return order;
}

void backward(const Value& root) {
  const std::vector<Node*> order = topological_order(root);
  root->grad = 1.0;  // ∂root/∂root
  for (auto it = order.rbegin(); it != order.rend(); ++it) chain_rule(**it);
}

void zero_grad(const Value& root) {
  for (Node* n : topological_order(root)) n->grad = 0.0;
}

}  // namespace tg::exercises
