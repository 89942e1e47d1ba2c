// The graph node behind a Variable. Internal: only the engine's .cpp files include this.
//
// A big graph is mostly nodes, so a node is kept small: the op's name is interned (one string
// per distinct name), the optional label lives out of line, and up to two edges (every unary
// and binary op) live inside the node instead of in a heap block of their own. Node blocks come
// from an arena of slabs (variable.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "autodiff/define_op.hpp"

namespace tg::detail {

// An op's name. Interned: each distinct name is stored once, for the program's life, and a node
// holds a pointer to it (8 bytes rather than a 32-byte std::string). Op names are few, one per
// kind of op; a per-use text belongs in the label.
class OpName {
 public:
  OpName();  // "leaf"
  explicit OpName(std::string_view name);
  const std::string& str() const { return *name_; }
  operator const std::string&() const { return *name_; }

 private:
  const std::string* name_;
};

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

// A node's edges: up to two inside the node, more in a heap array.
class EdgeList {
 public:
  EdgeList() {}
  ~EdgeList() { clear(); }
  EdgeList(const EdgeList&) = delete;
  EdgeList& operator=(const EdgeList&) = delete;
  EdgeList& operator=(std::vector<Edge>&& edges);     // moves the edges in
  EdgeList& operator=(std::initializer_list<Edge> edges);  // copies them

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Edge* data() { return size_ <= local_capacity ? local_ : heap_; }
  const Edge* data() const { return size_ <= local_capacity ? local_ : heap_; }
  Edge* begin() { return data(); }
  Edge* end() { return data() + size_; }
  const Edge* begin() const { return data(); }
  const Edge* end() const { return data() + size_; }
  Edge& operator[](std::size_t i) { return data()[i]; }
  const Edge& operator[](std::size_t i) const { return data()[i]; }
  void clear();

 private:
  static constexpr std::size_t local_capacity = 2;
  template <class It>
  void assign(It first, std::size_t n);
  union {  // local_ while size_ ≤ local_capacity, heap_ beyond
    Edge local_[local_capacity];
    Edge* heap_;
  };
  std::size_t size_ = 0;
};

struct Node {
  // The backward pass's scratch first, then the edges: the engine's walks over a big graph
  // read these, so they share the node's first cache lines. Not synchronised: two threads
  // must not backpropagate through one node at once (see tests/autodiff/test_threads.cpp).
  std::uint64_t pass = 0;         // the pass that last visited this node
  std::uint64_t target_pass = 0;  // the pass whose grad() asked for this node's gradient
  Variable pending;               // gradient accumulated from the node's consumers so far;
                                  // for grad(), the finished gradient of a requested input
  bool needed = false;            // does some wanted gradient lie beyond this node?
  bool requires_grad = false;
  bool is_leaf = true;
  bool retains_grad = false;
  bool released = false;  // backward ran without retain_graph: edges are gone

  EdgeList edges;              // inputs and their derivatives; empty for leaves and once released
  OpName op;                   // "leaf" for leaves
  Label label;
  std::unique_ptr<Tensor> grad;  // ∂C/∂value, kept for leaves and retain_grad() nodes
  Tensor value;

  explicit Node(Tensor&& v);
  ~Node();  // iterative: destroying a chain of a million nodes does not recurse
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
};

// A new node holding `value`, from the node arena (see variable.cpp).
std::shared_ptr<Node> new_node(Tensor&& value);

// Bytes of slabs the node arena holds now (memory.hpp: node_arena_bytes).
extern std::atomic<std::size_t> node_slab_bytes;

}  // namespace tg::detail

// fmt::format("{}", node.op) and node.label print the text.
template <>
struct fmt::formatter<tg::detail::OpName> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const tg::detail::OpName& n, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(n.str(), ctx);
  }
};
template <>
struct fmt::formatter<tg::detail::Label> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const tg::detail::Label& l, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(l.str(), ctx);
  }
};
