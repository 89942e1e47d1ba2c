#include "autodiff/detail/edge_list.hpp"

#include <iterator>
#include <new>

namespace tg::detail {

// Constructs n edges from `first` in local_ or, when they do not fit, in a new heap array.
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

// Destroys the edges in place and frees the heap array if there was one.
void EdgeList::clear() {
  Edge* d = data();
  for (std::size_t i = 0; i < size_; ++i) d[i].~Edge();
  if (size_ > local_capacity) ::operator delete(heap_);
  size_ = 0;
}

}  // namespace tg::detail
