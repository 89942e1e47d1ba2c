// Variable: a handle to one node of the computational graph (the tape).
//
// A node holds a value, and, once backward has reached it, a gradient ∂C/∂(value). A node made
// by an op also holds its inputs and, for each input, the derivative that carries a gradient
// back to it (see define_op.hpp). Copies of a Variable share the node, like shared_ptr.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"

namespace tg {

namespace detail {
struct Node;
}

// Every method that reads the node throws tg::graph_error on an empty handle (defined() false).
class Variable {
 public:
  // An empty handle (no node); defined() is false.
  Variable() = default;
  // A leaf holding `value`; with requires_grad, backward() fills its grad().
  explicit Variable(Tensor value, bool requires_grad = false);
  // A 0-d leaf holding v.
  explicit Variable(double v, bool requires_grad = false);

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const;
  // The value, to change in place: how optimizers update parameters and finite differences
  // nudge them. Only for leaves (tg::graph_error otherwise); a graph already recorded from this leaf
  // saw the old value, so backpropagate it before changing the value.
  Tensor& mutable_value() const;
  Shape shape() const;
  std::size_t numel() const;
  // The value of a one-element Variable as a double (tg::shape_error for any other size).
  double item() const;

  // ∂C/∂(this value), accumulated by backward(). Throws tg::graph_error, saying why, when there
  // is none: it does not require grad, it is an intermediate without retain_grad(), or
  // backward has not reached it.
  const Tensor& grad() const;
  bool has_grad() const;
  // Sets the gradient to zeros (backward adds to it, so call this between steps).
  void zero_grad() const;

  bool requires_grad() const;
  // Only for leaves (tg::graph_error otherwise): whether backward should compute this leaf's gradient.
  Variable& set_requires_grad(bool on);
  // True for Variables not made by a recorded op: inputs, parameters, constants.
  bool is_leaf() const;
  // Keep the gradient of this intermediate (non-leaf) Variable when backward passes it.
  // It must require grad (tg::graph_error otherwise); on a leaf it changes nothing, since a
  // leaf that requires grad keeps its gradient anyway (as in PyTorch).
  Variable& retain_grad();
  bool retains_grad() const;
  // A new leaf with the same value and no history; requires_grad is false.
  Variable detach() const;

  // The op that made this Variable ("leaf" for leaves), and an optional label for pictures.
  const std::string& op_name() const;
  const std::string& name() const;
  Variable& set_name(std::string name);

  // Backpropagates from this Variable. Without a seed it must hold one element (dC/dC = 1).
  // The seed is ∂C/∂(this) and has this Variable's shape. Without retain_graph the graph's
  // saved inputs are released, and a second backward through it throws.
  // tg::graph_error: the Variable does not require grad, holds more than one element and no
  // seed is given, or its graph was released; tg::shape_error: the seed's shape differs.
  // (const: like every method here, it acts on the node, not on the handle.)
  // The seed is not copied when it is a temporary Tensor, a std::move'd one, or a Variable (held
  // shared, as PyTorch holds y.backward(G)'s G); a named Tensor is copied into the parameter. The
  // pass never changes the seed.
  // A seed in braces is a Tensor's values: y.backward({1.0, 2.0}) for a y of shape (2),
  // y.backward({{1.0, 2.0}, {3.0, 4.0}}) for (2,2) (without the first overload below, {a, b}
  // would be ambiguous: a Tensor, or a Variable's (value, requires_grad)).
  void backward() const;
  void backward(std::initializer_list<double> seed, bool retain_graph = false) const;
  void backward(Tensor seed, bool retain_graph = false) const;
  void backward(const Variable& seed, bool retain_graph = false) const;

  // The inputs of the op that made this Variable (empty for leaves and released nodes).
  std::vector<Variable> inputs() const;
  // Is this the same node as other?
  bool same_node(const Variable& other) const { return node_ == other.node_; }

  // For the engine: the node this handle points to.
  explicit Variable(std::shared_ptr<detail::Node> node) : node_(std::move(node)) {}
  detail::Node* node() const { return node_.get(); }
  const std::shared_ptr<detail::Node>& node_ptr() const { return node_; }
  // For the engine: empties this handle and hands over its share of the node.
  std::shared_ptr<detail::Node> take_node() { return std::move(node_); }

 private:
  std::shared_ptr<detail::Node> node_;
};

// The value of v, which is emptied: moved out when v was its node's only handle (no copy; the
// usual case for a gradient tg::grad returned), copied otherwise, so that no other holder of
// the node ever sees its value change. An empty v throws tg::graph_error.
Tensor take_value(Variable&& v);

// How many graph nodes are alive in the whole program (for leak tests and teaching).
std::size_t live_nodes();

}  // namespace tg
