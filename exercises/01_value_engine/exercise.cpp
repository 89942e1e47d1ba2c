// Exercise 01: an engine of your own, for scalars.                    <-- YOUR FILE: edit it
//
// THE TASK
//   value.hpp holds a Node (data, grad, op, parents) and the ops +, *, tanh, exp, pow that build
//   a graph of them: y = tanh(a * b + a) records y's op and parents. Write the five functions
//   below, in order; each has its own test cases, so each passing one scores.
//     (1) local_derivatives: ∂out/∂(each parent) for one op, e.g. ∂(ab)/∂a = b.
//     (2) chain_rule: parents[i]->grad += local[i] * out.grad  (the chain rule, one node).
//     (3) topological_order: root and everything it depends on, each node after its parents.
//     (4) backward: root->grad = 1, then chain_rule at every node from the root back.
//     (5) zero_grad: every grad back to 0.
//   The test builds random expressions twice, with your Value and with tapegrad's engine, and
//   compares every leaf's gradient.
//
// HINTS
//   - (1) tanh and exp: their derivatives are functions of the output (1 − out², out).
//   - (2) "+=": a value used twice (y = x * x, or a non-leaf t in t + t) gets one contribution
//     per use. With "=" the last use wins (micrograd's issue #64).
//   - (3) No recursion: a chain of 100,000 nodes would overflow the stack (micrograd's issue #90).
//     Depth-first with your own std::vector as the stack, pushing (node, parents done?) pairs;
//     a std::unordered_set<Node*> for the nodes seen.
//   - (4) chain_rule at a node may run only when its grad is complete: after every node that uses
//     it, which is what the reversed topological order gives.
//   - Follows docs/autodiff.md (the tape, the reverse sweep) and seed 000's chain rule; about an
//     hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 01        (or ctest --test-dir build -R exercises/01 --output-on-failure)
#include <stdexcept>

#include "value.hpp"

namespace tg::exercises {

std::vector<double> local_derivatives([[maybe_unused]] const Node& out) {
  throw std::logic_error(
      "exercise: not written yet (exercises/01_value_engine/exercise.cpp: local_derivatives)");
}

void chain_rule([[maybe_unused]] Node& out) {
  throw std::logic_error("exercise: not written yet (exercises/01_value_engine/exercise.cpp: chain_rule)");
}

std::vector<Node*> topological_order([[maybe_unused]] const Value& root) {
  throw std::logic_error(
      "exercise: not written yet (exercises/01_value_engine/exercise.cpp: topological_order)");
}

void backward([[maybe_unused]] const Value& root) {
  throw std::logic_error("exercise: not written yet (exercises/01_value_engine/exercise.cpp: backward)");
}

void zero_grad([[maybe_unused]] const Value& root) {
  throw std::logic_error("exercise: not written yet (exercises/01_value_engine/exercise.cpp: zero_grad)");
}

}  // namespace tg::exercises
