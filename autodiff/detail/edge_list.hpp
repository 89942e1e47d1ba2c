// A node's edges, stored compactly: every unary and binary op (almost every node) keeps its
// one or two edges inside the node; an op with more inputs keeps them in one heap array.
// Internal: only node.hpp includes this.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "autodiff/define_op.hpp"

namespace tg::detail {

class EdgeList {
 public:
  EdgeList() {}
  ~EdgeList() { clear(); }
  EdgeList(const EdgeList&) = delete;
  EdgeList& operator=(const EdgeList&) = delete;
  EdgeList& operator=(std::vector<Edge>&& edges);          // moves the edges in
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

  // The storage: size_ says which member is alive. Up to local_capacity edges, local_ holds
  // them (constructed in place by assign, destroyed by clear); beyond, heap_ points to an array
  // of size_ edges from ::operator new. A union, not two members, because one node per op is
  // most of a graph's memory: the in-node array costs no extra pointer, and the heap pointer
  // no extra space. (The empty constructor and destructor bodies are needed: a union with
  // non-trivial members has none of its own, and its lifetime is managed here by hand.)
  union {
    Edge local_[local_capacity];
    Edge* heap_;
  };
  std::size_t size_ = 0;
};

}  // namespace tg::detail
