// A node's life: made from the arena, counted, and destroyed without recursion.
#include "autodiff/node.hpp"

#include <atomic>
#include <vector>

#include "autodiff/detail/node_arena.hpp"

namespace tg {

namespace detail {

namespace {
std::atomic<std::size_t> node_count{0};

// Moves n's input handles onto `doomed` and drops its derivatives, so that destroying n
// no longer reaches its inputs.
void detach_edges(Node& n, std::vector<std::shared_ptr<Node>>& doomed) {
  for (Edge& e : n.edges) {
    e.derivative = nullptr;
    if (e.input.defined()) doomed.push_back(e.input.take_node());
  }
  n.edges.clear();
}
}  // namespace

const std::string& Label::str() const {
  static const std::string& none = *new std::string;
  return text_ ? *text_ : none;
}

Label& Label::operator=(std::string text) {
  if (text.empty()) text_.reset();
  else text_ = std::make_unique<std::string>(std::move(text));
  return *this;
}

Node::Node(Tensor&& v) : value(std::move(v)) { node_count.fetch_add(1, std::memory_order_relaxed); }

// A node owns its inputs; letting shared_ptr destroy them would recurse once per node and
// overflow the stack on a long chain. Instead, inputs whose last owner is being destroyed are
// collected on a worklist and emptied one by one.
Node::~Node() {
  if (!edges.empty()) {
    std::vector<std::shared_ptr<Node>> doomed;
    detach_edges(*this, doomed);
    while (!doomed.empty()) {
      std::shared_ptr<Node> n = std::move(doomed.back());
      doomed.pop_back();
      if (n.use_count() == 1) detach_edges(*n, doomed);
    }  // n is destroyed here with no edges left
  }
  node_count.fetch_sub(1, std::memory_order_relaxed);
}

// One arena block holds the node and its shared_ptr count (allocate_shared).
std::shared_ptr<Node> new_node(Tensor&& value) {
  return std::allocate_shared<Node>(NodePool<Node>(), std::move(value));
}

}  // namespace detail

std::size_t live_nodes() { return detail::node_count.load(std::memory_order_relaxed); }

}  // namespace tg
