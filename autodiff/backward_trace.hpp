// Recording the order in which a backward pass processes the graph's nodes, for teaching and
// for tools that explain a gradient ("δ^2 was produced at step 4").
//
//   tg::backward_trace trace;          // records in this thread while it lives
//   loss.backward();
//   trace.steps();                     // {step 1: the loss, step 2: ..., ...}
//   trace.step_of(z);                  // the step at which z's gradient was complete and passed on
//
// A step is one node whose gradient ∂C/∂(value) was complete and was passed on to its inputs
// (or, for a leaf or a retain_grad() node, stored in .grad): steps run from the output towards
// the leaves, each node after every node that consumed it. Variable::backward and tg::grad are
// both recorded. Recorders nest: an inner one records alone until it is destroyed. Per thread: a
// backward pass in another thread is not seen.
// A recorder holds the nodes it recorded (a step's `node`) until it is destroyed: their memory
// stays in use while it lives.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "autodiff/variable.hpp"

namespace tg {

struct BackwardStep {
  std::size_t step = 0;  // 1, 2, 3, ... in the order processed (counted over all passes recorded)
  std::size_t pass = 0;  // 1 for the first backward pass recorded, 2 for the second, ...
  std::string op;        // the node's op ("leaf" for leaves)
  std::string label;     // its name (Variable::set_name), or empty
  Shape shape;           // its value's shape
  Variable node;         // the node itself, held while this step is: a freed node's address can be
                         // reused, so identity is compared on a live node (node.same_node(v))
};

class backward_trace {
 public:
  backward_trace();
  ~backward_trace();
  backward_trace(const backward_trace&) = delete;
  backward_trace& operator=(const backward_trace&) = delete;

  const std::vector<BackwardStep>& steps() const { return steps_; }
  // The first step that processed v's node, or nullopt if no recorded pass reached it.
  std::optional<std::size_t> step_of(const Variable& v) const;

  // For the engine (autodiff/engine.cpp): a pass starts / a node is processed.
  void begin_pass();
  void record(const Variable& node);

 private:
  std::vector<BackwardStep> steps_;
  std::size_t passes_ = 0;
  backward_trace* previous_;
};

// The steps one a line, "   1  C = mul ()", "   2  z^3 = add (1,1)", ..., for printing.
std::string format_steps(const std::vector<BackwardStep>& steps);

namespace detail {
// The recorder active in this thread, or nullptr: the engine's hook.
backward_trace* active_backward_trace();
}  // namespace detail

}  // namespace tg
