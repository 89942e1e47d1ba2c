// Process-wide memory policy for training loops.
#pragma once

namespace tg {

// Training allocates the same large tensors every step (a 100×784 gradient is 627 KB). By
// default glibc serves blocks that large with mmap and returns them, or trims the heap, when
// they are freed, so every step pays for fresh zeroed pages again (seen as page faults taking
// a third of a [784,100,10] step). This keeps freed memory in the process for reuse instead.
// Call it once at the start of a program that trains; the library never calls it itself.
void keep_freed_memory_for_reuse();

}  // namespace tg
