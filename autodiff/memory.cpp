#include "autodiff/memory.hpp"

#include <malloc.h>

namespace tg {

void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);   // blocks up to 64 MB come from the heap...
  mallopt(M_TRIM_THRESHOLD, 512 << 20);  // ...and freed heap is only returned above 512 MB
}

}  // namespace tg
