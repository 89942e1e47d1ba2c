#include "nn/loss_graph.hpp"

#include <stdexcept>
#include <utility>
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

// The note's end, shared by both kinds of network: the gradient's name before its equation
// (when the values, which name it, are not shown) and the node's step in the backward pass.
void finish_note(DotAnnotation& note, const std::string& equation, bool named, const Variable& v,
                 const backward_trace& order, const LossGraphOptions& opt) {
  note.note = (named && !opt.values ? note.grad_label + " " : std::string()) + equation;
  if (const auto step = order.step_of(v); step && opt.backward_order)
    note.note += fmt::format("{}backward step {}", note.note.empty() ? "" : ", ", *step);
}

// The equation that gives δ^l = ∂C/∂z^l: BP1 at the output, else BP2 (an Mlp's layers are
// all fully connected); in a network of layers, the form of BP2 of layer l+1, which carries
// δ^{l+1} back (nn/network_backprop.hpp).
std::string delta_equation(const Mlp& net, std::size_t l) {
  return l == net.num_layers() ? "(BP1)" : "(BP2)";
}
std::string delta_equation(const Network& net, std::size_t l) {
  if (l == net.num_layers()) return "(BP1)";
  const std::string next = net.layer(l + 1).kind();
  if (next == "conv") return "(BP2-conv)";
  if (next == "maxpool" || next == "avgpool") return "(BP2-pool)";
  if (next == "flatten") return fmt::format("(δ^{} back in images' layout)", l + 1);
  return "(BP2)";
}

// ∂C/∂θ^l's formula for parameter θ of layer l, by the equation that gives it (Parameter::equation).
std::string gradient_formula(const Parameter& p, std::size_t l) {
  if (p.equation == "BP4-conv") return fmt::format("∂C/∂{}^{} = a^{} ⋆ δ^{}", p.name, l, l - 1, l);
  if (p.equation == "BP3-conv") return fmt::format("∂C/∂{}^{}_f = Σ δ^{} over map f", p.name, l, l);
  if (p.equation == "BP4") return fmt::format("∂C/∂{}^{} = δ^{} (a^{})ᵀ", p.name, l, l, l - 1);
  if (p.equation == "BP3") return fmt::format("∂C/∂{}^{} = δ^{}", p.name, l, l);
  return fmt::format("∂C/∂{}^{}", p.name, l);
}

// The note beside node v: the gradient it receives in BP notation, the equation that gives it,
// and its step in the backward pass.
template <class Net>
DotAnnotation annotation(const NamedRun<Net>& run, const Variable& v, bool a_L_used,
                         const backward_trace& order, const LossGraphOptions& opt) {
  const std::size_t L = run.net.num_layers();
  DotAnnotation note;
  std::string equation;  // the BP equation that gives it
  bool named = true;     // equation is one of the BP equations
  for (std::size_t l = 2; l <= L; ++l) {
    if (v.same_node(run.trace.z[l])) {
      note.grad_label = fmt::format("δ^{} = ∂C/∂z^{}", l, l);
      equation = delta_equation(run.net, l);
      note.fillcolor = "lightyellow";
    } else if (v.same_node(run.trace.a[l])) {
      note.grad_label = fmt::format("∂C/∂a^{}", l);
      if (l == L && !a_L_used) equation = "(the output; C is computed from z^L)", named = false;
    }
    for (const Parameter& p : run.net.layer(l).parameters())
      if (v.same_node(p.value)) note.grad_label = gradient_formula(p, l), equation = "(" + p.equation + ")";
  }
  finish_note(note, equation, named && !equation.empty(), v, order, opt);
  return note;
}

// Names the targets' leaf y, runs C backward (the graph kept, for its edges) and draws C, and
// a^L as a second output when C is computed from z^L. annotate(v, a_L_used, order) labels v.
template <class Annotate>
std::string draw(const Variable& x, const Variable& C, const Variable& a_L, const Tensor& Y,
                 const LossGraphOptions& opt, Annotate annotate) {
  if (opt.precision < 0)
    throw std::invalid_argument(fmt::format("loss_graph_dot: precision must be ≥ 0, got {}", opt.precision));
  // The targets enter the cost as a constant leaf holding Y: name it y.
  bool a_L_used = false;
  for (Variable& v : ancestors(C)) {
    a_L_used = a_L_used || v.same_node(a_L);
    if (v.is_leaf() && !v.requires_grad() && !v.same_node(x) && v.shape() == shape_of(Y) && v.value() == Y)
      v.set_name("y");
  }

  backward_trace order;
  C.backward(filled(C.shape(), 1.0), /*retain_graph=*/true);  // kept, so that the picture has its edges

  DotOptions dot;
  dot.values = dot.grads = opt.values;
  dot.precision = opt.precision;
  dot.max_elements = opt.max_elements;
  dot.annotate = [&](const Variable& v) { return annotate(v, a_L_used, order); };
  std::vector<Variable> outputs{C};
  if (!a_L_used) outputs.push_back(a_L);
  return to_dot(outputs, dot);
}

// z^l and a^l of layer l, their gradients kept; an identity activation's one node gets both names.
template <class Trace>
void name_layer_outputs(Trace& t, std::size_t l) {
  t.a[l].retain_grad().set_name(fmt::format("a^{}", l));
  t.z[l].retain_grad().set_name(t.z[l].same_node(t.a[l]) ? fmt::format("z^{} = a^{}", l, l)
                                                         : fmt::format("z^{}", l));
}

// A copy of the network run forward on X and into the cost, its nodes named (NamedRun).
template <class Net>
NamedRun<Net> run_named(const Net& original, const Cost& cost_spec, const Tensor& X, const Tensor& Y) {
  Net net = original.copy();
  Variable x(X);
  typename Net::Trace t = net.forward_trace(x);  // checks X's shape
  // Images: a^1 is x's columns laid out as (m, C, H, W), a constant leaf of its own (else x itself).
  x.set_name("x = a^1");
  t.a[1].set_name("x = a^1");
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    for (const Parameter& p : net.layer(l).parameters())
      Variable(p.value).set_name(fmt::format("{}^{}", p.name, l));
    name_layer_outputs(t, l);
  }
  Variable C = cost(cost_spec, net, t, Y);  // checks Y's shape
  C.set_name("C");
  return {std::move(net), std::move(x), std::move(t), std::move(C)};
}

template <class Net>
std::string graph_of(const Net& original, const Cost& cost_spec, const Tensor& X, const Tensor& Y,
                     const LossGraphOptions& opt) {
  const NamedRun<Net> run = run_named(original, cost_spec, X, Y);
  return draw(run.x, run.C, run.trace.a[run.net.num_layers()], Y, opt,
              [&](const Variable& v, bool a_L_used, const backward_trace& order) {
                return annotation(run, v, a_L_used, order, opt);
              });
}

}  // namespace

NamedRun<Mlp> named_run(const Mlp& net, const Cost& cost, const Tensor& X, const Tensor& Y) {
  return run_named(net, cost, X, Y);
}
NamedRun<Network> named_run(const Network& net, const Cost& cost, const Tensor& X, const Tensor& Y) {
  return run_named(net, cost, X, Y);
}

std::string loss_graph_dot(const Mlp& net, const Cost& cost, const Tensor& X, const Tensor& Y,
                           const LossGraphOptions& opt) {
  return graph_of(net, cost, X, Y, opt);
}
std::string loss_graph_dot(const Network& net, const Cost& cost, const Tensor& X, const Tensor& Y,
                           const LossGraphOptions& opt) {
  return graph_of(net, cost, X, Y, opt);
}

}  // namespace tg::nn
