// The node arena: where graph nodes live. Internal: only node.cpp includes it, for new_node.
// (Stan Math keeps its arena apart in the same way, in memory/.)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>

namespace tg::detail {

// Bytes of slabs the node arena holds now (memory.hpp: node_arena_bytes).
inline std::atomic<std::size_t> node_slab_bytes{0};

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
  bool operator==(const NodePool<U>&) const {
    return true;
  }
};

}  // namespace tg::detail
