// Variable: the handle to a graph node. Every method reads or changes the node it points to,
// after checking that there is one.
#include "autodiff/variable.hpp"

#include <fmt/format.h>

#include "autodiff/error.hpp"
#include "autodiff/node.hpp"

namespace tg {

namespace {
detail::Node& checked(const std::shared_ptr<detail::Node>& n, const char* what) {
  if (!n) throw graph_error(fmt::format("Variable::{}: the Variable is empty (default-constructed)", what));
  return *n;
}
}  // namespace

Variable::Variable(Tensor value, bool requires_grad) : node_(detail::new_node(std::move(value))) {
  node_->requires_grad = requires_grad;
}

Variable::Variable(double v, bool requires_grad) : Variable(scalar_tensor(v), requires_grad) {}

const Tensor& Variable::value() const { return checked(node_, "value").value; }
Tensor& Variable::mutable_value() const {
  detail::Node& n = checked(node_, "mutable_value");
  if (!n.is_leaf)
    throw graph_error(
        fmt::format("mutable_value: '{}' is the result of an op; only leaves can be "
                    "changed in place",
                    n.op));
  return n.value;
}

Shape Variable::shape() const { return shape_of(checked(node_, "shape").value); }
std::size_t Variable::numel() const { return checked(node_, "numel").value.size(); }

double Variable::item() const {
  const Tensor& v = checked(node_, "item").value;
  if (v.size() != 1)
    throw shape_error(fmt::format("item: the Variable has shape {}, not one element", shape_str(v)));
  return v.data()[0];
}

const Tensor& Variable::grad() const {
  const detail::Node& n = checked(node_, "grad");
  if (!n.grad) {
    if (!n.requires_grad)
      throw graph_error(
          fmt::format("grad: this Variable ('{}', shape {}) does not require grad, so it never gets one",
                      n.op, shape_str(n.value)));
    if (!n.is_leaf && !n.retains_grad)
      throw graph_error(
          fmt::format("grad: '{}' (shape {}) is an intermediate result; call retain_grad() on it before "
                      "backward() to keep its gradient",
                      n.op, shape_str(n.value)));
    throw graph_error(fmt::format("grad: no gradient yet for '{}' (shape {}): backward() has not reached it",
                                  n.op, shape_str(n.value)));
  }
  return *n.grad;
}

bool Variable::has_grad() const { return node_ && node_->grad != nullptr; }

void Variable::zero_grad() const {
  detail::Node& n = checked(node_, "zero_grad");
  if (n.grad) n.grad->fill(0.0);
}

bool Variable::requires_grad() const { return checked(node_, "requires_grad").requires_grad; }

Variable& Variable::set_requires_grad(bool on) {
  detail::Node& n = checked(node_, "set_requires_grad");
  if (!n.is_leaf)
    throw graph_error(
        fmt::format("set_requires_grad: '{}' is the result of an op; only leaves can change requires_grad "
                    "(use detach() for a leaf copy)",
                    n.op));
  n.requires_grad = on;
  return *this;
}

bool Variable::is_leaf() const { return checked(node_, "is_leaf").is_leaf; }

Variable& Variable::retain_grad() {
  detail::Node& n = checked(node_, "retain_grad");
  if (!n.requires_grad)
    throw graph_error(
        fmt::format("retain_grad: '{}' (shape {}) does not require grad", n.op, shape_str(n.value)));
  n.retains_grad = true;
  return *this;
}

bool Variable::retains_grad() const { return checked(node_, "retains_grad").retains_grad; }

Variable Variable::detach() const { return Variable(checked(node_, "detach").value); }

const std::string& Variable::op_name() const { return checked(node_, "op_name").op.str(); }
const std::string& Variable::name() const { return checked(node_, "name").label.str(); }

Variable& Variable::set_name(std::string name) {
  checked(node_, "set_name").label = std::move(name);
  return *this;
}

Tensor take_value(Variable&& v) {
  std::shared_ptr<detail::Node> n = v.take_node();
  checked(n, "take_value");
  if (n.use_count() == 1) return std::move(n->value);  // nobody else can see the node
  return n->value;
}

std::vector<Variable> Variable::inputs() const {
  std::vector<Variable> out;
  for (const Edge& e : checked(node_, "inputs").edges) out.push_back(e.input);
  return out;
}

}  // namespace tg
