#include "autodiff/variable.hpp"

#include <atomic>
#include <cmath>

#include <fmt/format.h>

#include "autodiff/error.hpp"
#include "autodiff/node.hpp"

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

namespace {

// Node blocks are recycled through a small per-thread free list. A backward pass frees its
// nodes in a burst, far more than malloc's own per-thread cache keeps, and the slow path of
// free() then cost more than the arithmetic of a scalar op. The list is bounded, so a big
// graph's memory goes back to malloc when it dies.
//
// Threads: each list is touched by its own thread only, so there is no lock. A block joins the
// list of the thread that frees it, whichever thread made it (blocks are plain operator new
// memory). A thread's list is destroyed at the thread's end (the main thread's before static
// objects), yet a node can still die in that thread afterwards: one held by a thread_local
// Variable constructed before the list, or by a static Variable at exit. Its block used to go
// onto the destroyed list, a write into freed memory (tests/autodiff/test_threads.cpp, caught by
// the ASan and TSan passes of scripts/test.sh); now it goes straight back to operator delete.
template <class T>
struct NodePool {
  using value_type = T;
  NodePool() = default;
  template <class U>
  NodePool(const NodePool<U>&) {}

  struct FreeList {
    std::vector<void*> blocks;
    bool& gone;
    explicit FreeList(bool& g) : gone(g) {}
    ~FreeList() {
      for (void* b : blocks) ::operator delete(b);
      gone = true;
    }
  };
  // This thread's list, or nullptr once it has been destroyed.
  static std::vector<void*>* free_list() {
    thread_local bool gone = false;  // trivially destructible: readable until the thread ends
    if (gone) return nullptr;
    thread_local FreeList list(gone);
    return &list.blocks;
  }
  static constexpr std::size_t max_kept = 4096;

  T* allocate(std::size_t n) {
    std::vector<void*>* list = free_list();
    if (n == 1 && list && !list->empty()) {
      void* b = list->back();
      list->pop_back();
      return static_cast<T*>(b);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    std::vector<void*>* list = free_list();
    if (n == 1 && list && list->size() < max_kept) list->push_back(p);
    else ::operator delete(p);
  }
  template <class U>
  bool operator==(const NodePool<U>&) const { return true; }
};

}  // namespace

std::shared_ptr<Node> new_node(Tensor&& value) {
  return std::allocate_shared<Node>(NodePool<Node>(), std::move(value));
}

}  // namespace detail

std::size_t live_nodes() { return detail::node_count.load(std::memory_order_relaxed); }

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
    throw graph_error(fmt::format("mutable_value: '{}' is the result of an op; only leaves can be "
                                  "changed in place", n.op));
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
      throw graph_error(fmt::format(
          "grad: this Variable ('{}', shape {}) does not require grad, so it never gets one",
          n.op, shape_str(n.value)));
    if (!n.is_leaf && !n.retains_grad)
      throw graph_error(fmt::format(
          "grad: '{}' (shape {}) is an intermediate result; call retain_grad() on it before "
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
    throw graph_error(fmt::format(
        "set_requires_grad: '{}' is the result of an op; only leaves can change requires_grad "
        "(use detach() for a leaf copy)",
        n.op));
  n.requires_grad = on;
  return *this;
}

bool Variable::is_leaf() const { return checked(node_, "is_leaf").is_leaf; }

Variable& Variable::retain_grad() {
  detail::Node& n = checked(node_, "retain_grad");
  if (!n.requires_grad)
    throw graph_error(fmt::format("retain_grad: '{}' (shape {}) does not require grad", n.op,
                                  shape_str(n.value)));
  n.retains_grad = true;
  return *this;
}

bool Variable::retains_grad() const { return checked(node_, "retains_grad").retains_grad; }

Variable Variable::detach() const { return Variable(checked(node_, "detach").value, false); }

const std::string& Variable::op_name() const { return checked(node_, "op_name").op; }
const std::string& Variable::name() const { return checked(node_, "name").label; }

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
