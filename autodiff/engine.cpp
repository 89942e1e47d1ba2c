// The reverse pass, shared by Variable::backward and tg::grad.
//
// 1. Order: a depth-first search from the outputs, with an explicit stack (no recursion, so a
//    chain of a million nodes is fine), lists every node that requires grad in post-order:
//    each node after all of its inputs. Read backwards, that is a topological order from the
//    outputs to the leaves, so a node's gradient is complete before it is passed on.
// 2. Play the tape backwards (run_pass): each node's gradient ∂C/∂y is complete when its turn
//    comes; backward() stores it in the node's .grad if it keeps one (store_gradient), and it
//    goes through the derivative of each input, the results ADDED to the inputs' gradients: a
//    value used twice receives both contributions, the chain rule summing over all paths
//    (propagate, accumulate).
// 3. Release: unless retain_graph, each node drops its inputs and derivatives once used
//    (release). The order drops its hold on each node once used too, so a node nobody else
//    holds is freed then.
#include "autodiff/engine.hpp"

#include <algorithm>
#include <atomic>

#include <fmt/format.h>

#include "autodiff/backward_trace.hpp"
#include "autodiff/broadcast.hpp"
#include "autodiff/elementwise.hpp"
#include "autodiff/error.hpp"
#include "autodiff/grad_mode.hpp"
#include "autodiff/node.hpp"
#include "autodiff/ops/arithmetic.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {

namespace {

using detail::Node;

std::atomic<std::uint64_t> next_pass{1};

std::string describe(const Node& n) { return fmt::format("'{}' (shape {})", n.op, shape_str(n.value)); }

// Step 1. Nodes reachable from `roots` through inputs that require grad, inputs first.
// Marks each node's `needed`: it is wanted (is_wanted) or some input of it is needed.
template <class IsWanted>
std::vector<Variable> topological_order(const std::vector<Variable>& roots, std::uint64_t pass,
                                        IsWanted is_wanted) {
  struct Frame {
    Variable v;
    std::size_t next_edge;
  };
  std::vector<Variable> order;
  std::vector<Frame> stack;
  for (const Variable& root : roots) {
    if (root.node()->scratch.pass == pass) continue;
    root.node()->scratch.pass = pass;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      Node* n = stack.back().v.node();
      if (n->released)
        throw graph_error(
            fmt::format("backward: the graph through {} was already released by an earlier backward pass; "
                        "pass retain_graph=true to the first one to go through a graph twice",
                        describe(*n)));
      if (stack.back().next_edge < n->edges.size()) {
        const Variable& in = n->edges[stack.back().next_edge++].input;
        Node* m = in.node();
        if (m->requires_grad && m->scratch.pass != pass) {
          m->scratch.pass = pass;
          stack.push_back({in, 0});  // may reallocate: n and `in` are not used after this
        }
        continue;
      }
      n->scratch.needed = is_wanted(*n);
      for (const Edge& e : n->edges)
        n->scratch.needed =
            n->scratch.needed || (e.input.node()->requires_grad && e.input.node()->scratch.needed);
      order.push_back(std::move(stack.back().v));
      stack.pop_back();
    }
  }
  return order;
}

// The gradient an input receives from one derivative, checked and summed back to its shape.
Variable input_gradient(const Node& n, std::size_t i, const Backward& ctx) {
  const Node& in = *n.edges[i].input.node();
  const bool check = is_anomaly_enabled();
  Variable g;
  {
    detail::anomaly_pause pause;  // checked below, in the name of this op
    g = n.edges[i].derivative(ctx);
  }
  if (!g.defined())
    throw graph_error(fmt::format("backward of {}: the derivative for input {} returned an empty Variable",
                                  describe(n), i));
  if (!same_shape(g.value(), in.value)) {
    if (!broadcastable_to(shape_of(in.value), g.shape()))
      throw graph_error(fmt::format(
          "backward of {}: the derivative for input {} has shape {}, which cannot be summed to the "
          "input's shape {}",
          describe(n), i, shape_str(g.value()), shape_str(in.value)));
    g = sum_to(g, shape_of(in.value));  // undo broadcasting
  }
  if (check) check_finite(g.value(), n.op, fmt::format("the gradient for its input {} (backward)", i));
  return g;
}

// How accumulate adds a gradient to one already pending: in place when nobody else holds the
// pending value (a plain backward pass, saving a node per fan-out), or always as a new value
// (a recorded +, when the pass builds a graph; and for seeds, which belong to the caller).
enum class Sum { in_place_if_unshared, as_new_value };

// pending += g.
void accumulate(Variable& pending, Variable g, Sum sum) {
  if (!pending.defined()) pending = std::move(g);
  else if (sum == Sum::in_place_if_unshared && pending.node_ptr().use_count() == 1 &&
           same_shape(pending.value(), g.value()))
    add_into(pending.node()->value, g.value());
  else pending = pending + g;
}

struct PassOptions {
  bool accumulate_into_grad;  // backward(): add into leaves' and retained nodes' .grad
  bool create_graph;
  bool retain_graph;
};

// The gradient collected for n, taken out of its scratch.
Variable take_pending(Node& n) {
  Variable gy = std::move(n.scratch.pending);
  n.scratch.pending = Variable();
  return gy;
}

// Under detect_anomaly: each contribution was checked as it was made; their sum can still
// overflow (1e308 + 1e308) or cancel to NaN (∞ − ∞).
void check_gradient_sum(const Node& n, const Variable& gy) {
  if (is_anomaly_enabled())
    check_finite(gy.value(), n.label.empty() ? n.op.str() : n.label.str(),
                 "the sum of the gradients reaching its output (backward)");
}

// backward() keeps the gradient of leaves and retain_grad() nodes: n.grad += gy.
void store_gradient(Node& n, Variable& gy) {
  if (!n.is_leaf && !n.retains_grad) return;
  if (n.grad) add_into(*n.grad, gy.value());
  else if (n.is_leaf && gy.node_ptr().use_count() == 1)  // nobody else holds it: no copy
    n.grad = std::make_unique<Tensor>(std::move(gy.node()->value));
  else n.grad = std::make_unique<Tensor>(gy.value());
}

// Step 2 at node y: each input that needs a gradient receives its derivative's share of gy.
void propagate(const Variable& y, const Variable& gy, Sum sum) {
  Node& n = *y.node();
  const Backward ctx{gy, y, n.edges};
  for (std::size_t i = 0; i < n.edges.size(); ++i) {
    Node* in = n.edges[i].input.node();
    if (!in->requires_grad || !in->scratch.needed) continue;
    accumulate(in->scratch.pending, input_gradient(n, i, ctx), sum);
  }
}

// Step 3 at node n: an op's node drops its inputs and derivatives (a leaf has none).
void release(Node& n) {
  if (n.is_leaf) return;
  n.edges.clear();
  n.released = true;
}

// Steps 2 and 3 for roots with their seeds; `order` from topological_order.
void run_pass(std::vector<Variable>& order, const std::vector<Variable>& roots,
              const std::vector<Variable>& seeds, std::uint64_t pass, const PassOptions& opt) {
  for (std::size_t k = 0; k < roots.size(); ++k)
    accumulate(roots[k].node()->scratch.pending, seeds[k], Sum::as_new_value);
  const Sum sum = opt.create_graph ? Sum::as_new_value : Sum::in_place_if_unshared;
  backward_trace* trace = detail::active_backward_trace();  // usually none (backward_trace.hpp)
  if (trace) trace->begin_pass();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Variable& y = *it;
    Node* n = y.node();
    if (Variable gy = take_pending(*n); gy.defined()) {
      if (trace) trace->record(y);
      check_gradient_sum(*n, gy);
      if (n->scratch.target_pass == pass)
        n->scratch.pending = gy;  // complete now: grad() reads it at the end
      if (opt.accumulate_into_grad) store_gradient(*n, gy);
      if (n->scratch.needed) propagate(y, gy, sum);
    }
    if (!opt.retain_graph) release(*n);
    // Freed now while still in cache, rather than in one more walk over the graph at the end.
    // (A node whose gradient grad() returns keeps it in pending: the cleaner must see it.)
    if (n->scratch.target_pass != pass) *it = Variable();
  }
}

// Leaves no scratch behind in the nodes, also when a derivative throws.
struct ScratchCleaner {
  const std::vector<Variable>& order;
  ~ScratchCleaner() {
    for (const Variable& v : order) {
      if (v.defined()) v.node()->scratch.pending = Variable();
    }
  }
};

}  // namespace

void Variable::backward() const {
  if (!node_) throw graph_error("backward: the Variable is empty (default-constructed)");
  const detail::Node& n = *node_;
  if (n.value.size() != 1)
    throw graph_error(
        fmt::format("backward: the output {} is not a single element; pass a seed of shape {} (∂C/∂output)",
                    describe(n), shape_str(n.value)));
  backward(filled(shape_of(n.value), 1.0));
}

void Variable::backward(std::initializer_list<double> seed, bool retain_graph) const {
  backward(Tensor(seed), retain_graph);  // a 1-d seed, as Tensor{a, b}
}

void Variable::backward(Tensor seed, bool retain_graph) const {
  backward(Variable(std::move(seed)), retain_graph);  // moved, not copied: it can be megabytes
}

void Variable::backward(const Variable& seed, bool retain_graph) const {
  if (!node_) throw graph_error("backward: the Variable is empty (default-constructed)");
  if (!seed.defined()) throw graph_error("backward: the seed is an empty Variable");
  if (!node_->requires_grad)
    throw graph_error(
        fmt::format("backward: {} does not require grad: no Variable it was computed from has "
                    "requires_grad=true (or it was computed under no_grad)",
                    describe(*node_)));
  if (!same_shape(seed.value(), node_->value))
    throw shape_error(fmt::format("backward: the seed has shape {} but the output {} has shape {}",
                                  shape_str(seed.value()), describe(*node_), shape_str(node_->value)));
  const std::uint64_t pass = next_pass++;
  const std::vector<Variable> roots{*this};
  auto order = topological_order(roots, pass, [](const Node& m) { return m.is_leaf || m.retains_grad; });
  ScratchCleaner cleaner{order};
  no_grad guard;  // the derivatives compute plain values
  run_pass(order, roots, {seed}, pass,
           {.accumulate_into_grad = true, .create_graph = false, .retain_graph = retain_graph});
}

std::vector<Variable> grad(const std::vector<Variable>& outputs, const std::vector<Variable>& inputs,
                           bool create_graph) {
  std::vector<Variable> seeds;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    if (!outputs[k].defined()) throw graph_error(fmt::format("grad: output {} is an empty Variable", k));
    if (outputs[k].numel() != 1)
      throw graph_error(
          fmt::format("grad: output {} {} is not a single element; pass seeds (one per output, of its shape)",
                      k, describe(*outputs[k].node())));
    seeds.emplace_back(filled(outputs[k].shape(), 1.0));
  }
  return grad(outputs, inputs, seeds, create_graph);
}

std::vector<Variable> grad(const std::vector<Variable>& outputs, const std::vector<Variable>& inputs,
                           const std::vector<Variable>& seeds, bool create_graph,
                           std::optional<bool> retain_graph) {
  if (outputs.empty()) throw graph_error("grad: no outputs given");
  if (seeds.size() != outputs.size())
    throw graph_error(fmt::format("grad: {} seeds for {} outputs", seeds.size(), outputs.size()));
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    if (!outputs[k].defined()) throw graph_error(fmt::format("grad: output {} is an empty Variable", k));
    if (!outputs[k].requires_grad())
      throw graph_error(
          fmt::format("grad: output {} {} does not require grad: no Variable it was computed from has "
                      "requires_grad=true",
                      k, describe(*outputs[k].node())));
    if (!seeds[k].defined() || !same_shape(seeds[k].value(), outputs[k].value()))
      throw shape_error(fmt::format("grad: seed {} has shape {} but output {} has shape {}", k,
                                    seeds[k].defined() ? shape_str(seeds[k].value()) : "(empty)", k,
                                    shape_str(outputs[k].value())));
  }
  const std::uint64_t pass = next_pass++;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) throw graph_error(fmt::format("grad: input {} is an empty Variable", i));
    if (!inputs[i].requires_grad())
      throw graph_error(
          fmt::format("grad: input {} {} does not require grad; create it with requires_grad=true", i,
                      describe(*inputs[i].node())));
    inputs[i].node()->scratch.target_pass = pass;
  }
  auto order =
      topological_order(outputs, pass, [pass](const Node& m) { return m.scratch.target_pass == pass; });
  ScratchCleaner cleaner{order};
  std::vector<Variable> result;
  {
    std::optional<no_grad> off;
    std::optional<enable_grad> on;
    if (create_graph) on.emplace();
    else off.emplace();
    run_pass(order, outputs, seeds, pass,
             {.accumulate_into_grad = false,
              .create_graph = create_graph,
              .retain_graph = retain_graph.value_or(create_graph)});
  }
  for (const Variable& in : inputs) {
    Node* n = in.node();
    // Not reached from any output: the outputs do not depend on it, its gradient is zero.
    result.push_back(n->scratch.pending.defined() ? n->scratch.pending
                                                  : Variable(filled(shape_of(n->value), 0.0)));
  }
  return result;
}

}  // namespace tg
