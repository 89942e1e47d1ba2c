#include "autodiff/define_op.hpp"

#include <fmt/format.h>

#include "autodiff/error.hpp"
#include "autodiff/grad_mode.hpp"
#include "autodiff/node.hpp"

namespace tg {

namespace {

// Checks the edges; true when the result must be recorded: grad mode is on and some input
// requires grad.
template <class Edges>
bool should_record(const std::string& name, const Edges& edges) {
  bool any = false;
  std::size_t i = 0;
  for (const Edge& e : edges) {
    if (!e.input.defined()) throw graph_error(fmt::format("{}: input {} is an empty Variable", name, i));
    if (!e.derivative) throw graph_error(fmt::format("{}: input {} has no derivative", name, i));
    any = any || e.input.requires_grad();
    ++i;
  }
  return any && is_grad_enabled();
}

// The node y = op(...) holding `value`, without history yet.
std::shared_ptr<detail::Node> make_node(std::string&& name, Tensor&& value) {
  if (is_anomaly_enabled()) check_finite(value, name, "its forward value");
  auto node = detail::new_node(std::move(value));
  node->op = detail::OpName(name);
  return node;
}

}  // namespace

Variable define_op(std::string name, Tensor value, std::vector<Edge> edges) {
  const bool record = should_record(name, edges);
  auto node = make_node(std::move(name), std::move(value));
  if (record) {
    node->requires_grad = true;
    node->is_leaf = false;
    node->edges = std::move(edges);
  }
  return Variable(std::move(node));
}

Variable define_op(std::string name, Tensor value, std::initializer_list<Edge> edges) {
  const bool record = should_record(name, edges);
  auto node = make_node(std::move(name), std::move(value));
  if (record) {  // as above, copying the edges straight into the node
    node->requires_grad = true;
    node->is_leaf = false;
    node->edges = edges;
  }
  return Variable(std::move(node));  // without record, a constant: no edges kept
}

}  // namespace tg
