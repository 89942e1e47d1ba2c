#include "autodiff/memory.hpp"

#include <malloc.h>

#include "autodiff/detail/node_arena.hpp"

namespace tg {

void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);   // blocks up to 64 MB come from the heap...
  mallopt(M_TRIM_THRESHOLD, 512 << 20);  // ...and freed heap is only returned above 512 MB
}

std::size_t node_arena_bytes() { return detail::node_slab_bytes.load(std::memory_order_relaxed); }

}  // namespace tg
