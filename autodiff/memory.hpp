// Process-wide memory policy for training loops, and what the graph's nodes hold.
#pragma once

#include <cstddef>

namespace tg {

// Training allocates the same large tensors every step (a 100×784 gradient is 627 KB). By
// default glibc serves blocks that large with mmap and returns them, or trims the heap, when
// they are freed, so every step pays for fresh zeroed pages again (seen as page faults taking
// a third of a [784,100,10] step). This keeps freed memory in the process for reuse instead.
// Call it once at the start of a program that trains; the library never calls it itself. With
// a C library other than glibc (macOS, WebAssembly) it does nothing.
void keep_freed_memory_for_reuse();

// Graph nodes come from an arena of 64 KB slabs (autodiff/variable.cpp). A slab goes back to
// malloc as soon as none of its nodes is alive, so when a graph dies its memory is free for
// anything else, as with PyTorch; each thread keeps only a small cache (about 100 KB) of free
// node blocks for its next graph. This is the memory the slabs hold now, in bytes (node
// values' elements are not in it: they live in the tensors' own heap blocks).
std::size_t node_arena_bytes();

}  // namespace tg
