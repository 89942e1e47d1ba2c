#include "autodiff/variable.hpp"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <new>
#include <unordered_set>

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

// Op names, interned. Never destroyed: a node may be named during static destruction.
const std::string* intern(std::string_view name) {
  // The names this thread used last: a handful of ops make almost every node. Plain pointers,
  // trivially destructible, so usable however late in the thread's life.
  constexpr std::size_t recent_size = 16;
  thread_local const std::string* recent[recent_size] = {};
  thread_local std::size_t next = 0;
  for (const std::string* s : recent)
    if (s && *s == name) return s;
  static std::mutex& m = *new std::mutex;
  static auto& names = *new std::unordered_set<std::string>;
  const std::string* s;
  {
    std::lock_guard lock(m);
    s = &*names.emplace(name).first;
  }
  recent[next++ % recent_size] = s;
  return s;
}
}  // namespace

OpName::OpName() {
  static const std::string* const leaf = intern("leaf");
  name_ = leaf;
}
OpName::OpName(std::string_view name) : name_(intern(name)) {}

const std::string& Label::str() const {
  static const std::string& none = *new std::string;
  return text_ ? *text_ : none;
}

Label& Label::operator=(std::string text) {
  if (text.empty()) text_.reset();
  else text_ = std::make_unique<std::string>(std::move(text));
  return *this;
}

template <class It>
void EdgeList::assign(It first, std::size_t n) {
  clear();
  Edge* to = local_;
  if (n > local_capacity) to = heap_ = static_cast<Edge*>(::operator new(n * sizeof(Edge)));
  for (std::size_t i = 0; i < n; ++i, ++first) new (to + i) Edge(*first);
  size_ = n;
}

EdgeList& EdgeList::operator=(std::vector<Edge>&& edges) {
  assign(std::make_move_iterator(edges.begin()), edges.size());
  return *this;
}

EdgeList& EdgeList::operator=(std::initializer_list<Edge> edges) {
  assign(edges.begin(), edges.size());
  return *this;
}

void EdgeList::clear() {
  Edge* d = data();
  for (std::size_t i = 0; i < size_; ++i) d[i].~Edge();
  if (size_ > local_capacity) ::operator delete(heap_);
  size_ = 0;
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

std::atomic<std::size_t> node_slab_bytes{0};

namespace {

// Node blocks come from an arena: slabs of slab_bytes, each cut into blocks of one size (a
// node with its shared_ptr count). A graph's nodes are made and freed in bursts (the forward
// pass, then backward freeing them); from malloc, each free merged the block with its freed
// neighbours, which cost more than the arithmetic of a scalar op. Here a free is a push.
//
// Memory policy, as a PyTorch user would expect: a dead graph's memory is not kept for nodes.
// A slab goes back to malloc as soon as all its blocks are free, so once a graph of a million
// nodes is gone its memory serves tensors again. Each thread keeps at most 2 × batch free
// blocks for its next graph (each keeps its slab from going back, so a few slabs may stay).
// tg::node_arena_bytes() (memory.hpp) says what the slabs hold.
//
// Threads: each thread has a cache of free blocks that only it touches (no lock). The cache
// refills from, and overflows into, the central pool in batches, under the pool's mutex. Any
// block fits any node, so a block freed in another thread than it was made in joins that
// thread's cache. A thread's cache returns to the pool at the thread's end; a node dying in
// the thread after that (held by a thread_local Variable made before the cache, or by a static
// Variable at exit) goes to the pool directly (tests/autodiff/test_threads.cpp).
template <std::size_t BlockBytes>
class NodeArena {
 public:
  static constexpr std::size_t slab_bytes = std::size_t{64} << 10;
  static constexpr std::size_t batch = 128;  // blocks moved between a cache and the pool at once

  static void* allocate() {
    Cache* c = cache();
    if (!c) return pool().take();
    if (!c->head) pool().refill(*c);
    return c->pop();
  }
  static void deallocate(void* p) {
    Cache* c = cache();
    if (!c) return pool().give(p);
    c->push(p);
    if (c->count >= 2 * batch) pool().drain(*c, batch);
  }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  // The header at the start of a slab; slabs are aligned to slab_bytes, so a block's address
  // gives its slab.
  struct alignas(std::max_align_t) Slab {
    Slab* prev = nullptr;
    Slab* next = nullptr;       // in the pool's list of slabs with blocks to give
    FreeBlock* free = nullptr;  // blocks given back to the pool
    std::size_t carved = 0;     // blocks handed out at least once; the rest are untouched
    std::size_t out = 0;        // blocks in caches or holding nodes
    char* block(std::size_t i) { return reinterpret_cast<char*>(this) + sizeof(Slab) + i * BlockBytes; }
  };
  static constexpr std::size_t capacity = (slab_bytes - sizeof(Slab)) / BlockBytes;

  struct Cache {
    FreeBlock* head = nullptr;
    std::size_t count = 0;
    bool& gone;
    explicit Cache(bool& g) : gone(g) {}
    ~Cache() {
      pool().drain(*this, count);
      gone = true;
    }
    void push(void* p) {
      head = new (p) FreeBlock{head};
      ++count;
    }
    void* pop() {
      FreeBlock* b = head;
      head = b->next;
      --count;
      return b;
    }
  };
  // This thread's cache, or nullptr once it has been destroyed.
  static Cache* cache() {
    thread_local bool gone = false;  // trivially destructible: readable until the thread ends
    if (gone) return nullptr;
    thread_local Cache c(gone);
    return &c;
  }

  class Pool {
   public:
    void refill(Cache& c) {
      std::lock_guard lock(m_);
      for (std::size_t i = 0; i < batch; ++i) c.push(take_locked());
    }
    void drain(Cache& c, std::size_t n) {
      std::lock_guard lock(m_);
      for (std::size_t i = 0; i < n && c.head; ++i) give_locked(c.pop());
    }
    void* take() {
      std::lock_guard lock(m_);
      return take_locked();
    }
    void give(void* p) {
      std::lock_guard lock(m_);
      give_locked(p);
    }

   private:
    static bool is_full(const Slab& s) { return !s.free && s.carved == capacity; }
    void* take_locked() {
      if (!open_) {
        link(new (::operator new(slab_bytes, std::align_val_t(slab_bytes))) Slab{});
        node_slab_bytes.fetch_add(slab_bytes, std::memory_order_relaxed);
      }
      Slab* s = open_;
      void* p;
      if (s->free) {
        p = s->free;
        s->free = s->free->next;
      } else {
        p = s->block(s->carved++);
      }
      ++s->out;
      if (is_full(*s)) unlink(s);  // nothing left to give
      return p;
    }
    void give_locked(void* p) {
      auto* s = reinterpret_cast<Slab*>(reinterpret_cast<std::uintptr_t>(p) & ~(slab_bytes - 1));
      const bool was_full = is_full(*s);
      s->free = new (p) FreeBlock{s->free};
      if (--s->out == 0) {  // every block is back: the slab returns to malloc
        if (!was_full) unlink(s);
        s->~Slab();
        ::operator delete(s, std::align_val_t(slab_bytes));
        node_slab_bytes.fetch_sub(slab_bytes, std::memory_order_relaxed);
      } else if (was_full) {
        link(s);
      }
    }
    void link(Slab* s) {
      s->prev = nullptr;
      s->next = open_;
      if (open_) open_->prev = s;
      open_ = s;
    }
    void unlink(Slab* s) {
      if (s->prev) s->prev->next = s->next;
      else open_ = s->next;
      if (s->next) s->next->prev = s->prev;
      s->prev = s->next = nullptr;
    }
    std::mutex m_;
    Slab* open_ = nullptr;  // the slabs with blocks to give
  };
  // Never destroyed: nodes may die during static destruction, after a static pool would have.
  static Pool& pool() {
    static Pool& p = *new Pool;
    return p;
  }
};

// The allocator allocate_shared uses: one block holds the node and its shared_ptr count.
template <class T>
struct NodePool {
  using value_type = T;
  static_assert(alignof(T) <= alignof(std::max_align_t));
  using arena = NodeArena<(sizeof(T) + alignof(T) - 1) / alignof(T) * alignof(T)>;
  NodePool() = default;
  template <class U>
  NodePool(const NodePool<U>&) {}

  T* allocate(std::size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(arena::allocate());
  }
  void deallocate(T* p, std::size_t n) {
    if (n != 1) ::operator delete(p);
    else arena::deallocate(p);
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

const std::string& Variable::op_name() const { return checked(node_, "op_name").op.str(); }
const std::string& Variable::name() const { return checked(node_, "name").label.str(); }

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
