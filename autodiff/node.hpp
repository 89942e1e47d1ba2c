// The graph node behind a Variable. Internal: only the engine's .cpp files include this.
//
// A node is a value, its gradient once backward has computed it, and its edges: the inputs it
// was made from, each with the derivative that carries a gradient back to it. The rest is
// bookkeeping: the op's name and an optional label, four flags, and what a backward pass
// writes while it walks the graph.
//
// A big graph is mostly nodes, so a node is kept small: the op's name is interned
// (detail/op_name.hpp), the optional label lives out of line, up to two edges (every unary and
// binary op) live inside the node (detail/edge_list.hpp), and node blocks come from an arena of
// slabs (detail/node_arena.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "autodiff/define_op.hpp"
#include "autodiff/detail/edge_list.hpp"
#include "autodiff/detail/op_name.hpp"

namespace tg::detail {

// The optional label of a node (set_name), out of line: most nodes have none.
class Label {
 public:
  bool empty() const { return !text_; }
  const std::string& str() const;  // "" when there is none
  operator const std::string&() const { return str(); }
  Label& operator=(std::string text);

 private:
  std::unique_ptr<std::string> text_;
};

// What a backward pass (engine.cpp) writes into the nodes it walks. Not synchronised: two
// threads must not backpropagate through one node at once (tests/autodiff/test_threads.cpp).
struct PassScratch {
  std::uint64_t pass = 0;         // the pass that last visited this node
  std::uint64_t target_pass = 0;  // the pass whose grad() asked for this node's gradient
  Variable pending;               // gradient accumulated from the node's consumers so far;
                                  // for grad(), the finished gradient of a requested input
  bool needed = false;            // does some wanted gradient lie beyond this node?
};

struct Node {
  // The scratch, the flags and the edges first: the engine's walks over a big graph read
  // these, so they share the node's first cache lines. ([[no_unique_address]] lets the flags
  // fill the scratch's tail padding, as they did when they were loose fields.)
  [[no_unique_address]] PassScratch scratch;
  bool requires_grad = false;
  bool is_leaf = true;
  bool retains_grad = false;
  bool released = false;  // backward ran without retain_graph: edges are gone

  EdgeList edges;  // inputs and their derivatives; empty for leaves and once released
  OpName op;       // "leaf" for leaves
  Label label;
  std::unique_ptr<Tensor> grad;  // ∂C/∂value, kept for leaves and retain_grad() nodes
  Tensor value;

  explicit Node(Tensor&& v);
  ~Node();  // iterative: destroying a chain of a million nodes does not recurse
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
};

// A new node holding `value`, from the node arena (node.cpp).
std::shared_ptr<Node> new_node(Tensor&& value);

}  // namespace tg::detail

// fmt::format("{}", node.label) prints the text.
template <>
struct fmt::formatter<tg::detail::Label> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const tg::detail::Label& l, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(l.str(), ctx);
  }
};
