#include "autodiff/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ with glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "autodiff/detail/node_arena.hpp"

namespace tg {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);   // blocks up to 64 MB come from the heap...
  mallopt(M_TRIM_THRESHOLD, 512 << 20);  // ...and freed heap is only returned above 512 MB
#endif
  // Other C libraries (macOS's, musl) have no such settings: their own policy stays.
}

std::size_t node_arena_bytes() { return detail::node_slab_bytes.load(std::memory_order_relaxed); }

}  // namespace tg
