#include "nn/loss_graph.hpp"

#include <stdexcept>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace tg::nn {

namespace {

// Every Variable C depends on (through inputs()), each node once.
std::vector<Variable> ancestors(const Variable& C) {
  std::vector<Variable> found{C}, todo{C};
  std::unordered_set<const void*> seen{C.node()};
  while (!todo.empty()) {
    const Variable v = todo.back();
    todo.pop_back();
    for (const Variable& in : v.inputs())
      if (seen.insert(in.node()).second) {
        found.push_back(in);
        todo.push_back(in);
      }
  }
  return found;
}

// The note beside node v: the gradient it receives in BP notation, the equation that gives it,
// and its step in the backward pass.
DotAnnotation annotation(const NamedRun& run, const Variable& v, bool a_L_used, const backward_trace& order,
                         const LossGraphOptions& opt) {
  const std::size_t L = run.net.num_layers();
  DotAnnotation note;
  std::string what;      // the gradient's name, when the values do not show it
  std::string equation;  // the BP equation that gives it
  for (std::size_t l = 2; l <= L; ++l) {
    if (v.same_node(run.trace.z[l])) {
      note.grad_label = fmt::format("δ^{} = ∂C/∂z^{}", l, l);
      equation = l == L ? "(BP1)" : "(BP2)";
      note.fillcolor = "lightyellow";
    } else if (v.same_node(run.trace.a[l])) {
      note.grad_label = fmt::format("∂C/∂a^{}", l);
      if (l == L && !a_L_used) equation = "(the output; C is computed from z^L)";
    } else if (v.same_node(run.net.layer(l).W)) {
      note.grad_label = fmt::format("∂C/∂W^{} = δ^{} (a^{})ᵀ", l, l, l - 1);
      equation = "(BP4)";
    } else if (v.same_node(run.net.layer(l).b)) {
      note.grad_label = fmt::format("∂C/∂b^{} = δ^{}", l, l);
      equation = "(BP3)";
    }
  }
  if (!equation.empty() && equation != "(the output; C is computed from z^L)" && !opt.values)
    what = note.grad_label + " ";
  note.note = what + equation;
  if (const auto step = order.step_of(v); step && opt.backward_order)
    note.note += fmt::format("{}backward step {}", note.note.empty() ? "" : ", ", *step);
  return note;
}

}  // namespace

NamedRun named_run(const Mlp& original, const Cost& cost_spec, const Tensor& X, const Tensor& Y) {
  Mlp net = original.copy();
  const std::size_t L = net.num_layers();
  Variable x(X);
  x.set_name("x = a^1");
  Mlp::Trace t = net.forward_trace(x);  // checks X's shape
  for (std::size_t l = 2; l <= L; ++l) {
    net.layer(l).W.set_name(fmt::format("W^{}", l));
    net.layer(l).b.set_name(fmt::format("b^{}", l));
    t.a[l].retain_grad().set_name(fmt::format("a^{}", l));
    // An identity activation returns z^l itself: one node, both names.
    t.z[l].retain_grad().set_name(t.z[l].same_node(t.a[l]) ? fmt::format("z^{} = a^{}", l, l)
                                                           : fmt::format("z^{}", l));
  }
  Variable C = cost(cost_spec, net, t, Y);  // checks Y's shape
  C.set_name("C");
  return {std::move(net), std::move(x), std::move(t), std::move(C)};
}

std::string loss_graph_dot(const Mlp& original, const Cost& cost_spec, const Tensor& X, const Tensor& Y,
                           const LossGraphOptions& opt) {
  if (opt.precision < 0)
    throw std::invalid_argument(fmt::format("loss_graph_dot: precision must be ≥ 0, got {}", opt.precision));
  NamedRun run = named_run(original, cost_spec, X, Y);
  const Mlp::Trace& t = run.trace;
  const Variable &x = run.x, &C = run.C;
  const std::size_t L = run.net.num_layers();

  // The targets enter the cost as a constant leaf holding Y: name it y.
  bool a_L_used = false;
  for (Variable& v : ancestors(C)) {
    a_L_used = a_L_used || v.same_node(t.a[L]);
    if (v.is_leaf() && !v.requires_grad() && !v.same_node(x) && v.shape() == shape_of(Y) && v.value() == Y)
      v.set_name("y");
  }

  backward_trace order;
  C.backward(filled(C.shape(), 1.0), /*retain_graph=*/true);  // kept, so that the picture has its edges

  DotOptions dot;
  dot.values = dot.grads = opt.values;
  dot.precision = opt.precision;
  dot.max_elements = opt.max_elements;
  dot.annotate = [&](const Variable& v) { return annotation(run, v, a_L_used, order, opt); };
  std::vector<Variable> outputs{C};
  if (!a_L_used) outputs.push_back(t.a[L]);
  return to_dot(outputs, dot);
}

}  // namespace tg::nn
