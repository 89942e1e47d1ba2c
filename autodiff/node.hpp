// The graph node behind a Variable. Internal: only the engine's .cpp files include this.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/define_op.hpp"

namespace tg::detail {

struct Node {
  Tensor value;
  std::unique_ptr<Tensor> grad;  // ∂C/∂value, kept for leaves and retain_grad() nodes
  std::vector<Edge> edges;     // inputs and their derivatives; empty for leaves and once released
  std::string op = "leaf";
  std::string label;
  bool requires_grad = false;
  bool is_leaf = true;
  bool retains_grad = false;
  bool released = false;  // backward ran without retain_graph: edges are gone

  // Scratch of the backward pass in progress (see engine.cpp). Not synchronised: two threads
  // must not backpropagate through one node at once (see tests/autodiff/test_threads.cpp).
  std::uint64_t pass = 0;         // the pass that last visited this node
  std::uint64_t target_pass = 0;  // the pass whose grad() asked for this node's gradient
  bool needed = false;            // does some wanted gradient lie beyond this node?
  Variable pending;               // gradient accumulated from the node's consumers so far;
                                  // for grad(), the finished gradient of a requested input

  explicit Node(Tensor&& v);
  ~Node();  // iterative: destroying a chain of a million nodes does not recurse
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
};

// A new node holding `value`, from a per-thread pool of node blocks (see variable.cpp).
std::shared_ptr<Node> new_node(Tensor&& value);

}  // namespace tg::detail
