// TAPEGRAD_MAX_MEMORY set for a scope: nn::available_memory() gives at most that much, so a
// test can see a request refused without a machine too small for it. At the scope's end the
// variable is as it was: its old value back, or unset if it had none (a test run under
// TAPEGRAD_MAX_MEMORY=... keeps it).
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace tg::test {

class MemoryCap {
 public:
  explicit MemoryCap(const char* value) {
    if (const char* old = std::getenv("TAPEGRAD_MAX_MEMORY")) before_ = old;
    ::setenv("TAPEGRAD_MAX_MEMORY", value, 1);
  }
  ~MemoryCap() {
    if (before_) ::setenv("TAPEGRAD_MAX_MEMORY", before_->c_str(), 1);
    else ::unsetenv("TAPEGRAD_MAX_MEMORY");
  }
  MemoryCap(const MemoryCap&) = delete;
  MemoryCap& operator=(const MemoryCap&) = delete;

 private:
  std::optional<std::string> before_;  // none: it was unset
};

}  // namespace tg::test
