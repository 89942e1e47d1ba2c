// TAPEGRAD_MAX_MEMORY set for a scope: nn::available_memory() gives at most that much, so a
// test can see a request refused without a machine too small for it.
#pragma once

#include <cstdlib>

namespace tg::test {

struct MemoryCap {
  explicit MemoryCap(const char* value) { ::setenv("TAPEGRAD_MAX_MEMORY", value, 1); }
  ~MemoryCap() { ::unsetenv("TAPEGRAD_MAX_MEMORY"); }
  MemoryCap(const MemoryCap&) = delete;
  MemoryCap& operator=(const MemoryCap&) = delete;
};

}  // namespace tg::test
