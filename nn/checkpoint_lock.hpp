// dir/checkpoint.lock: how saves and loads of one checkpoint directory take turns (the rules
// are in nn/checkpoint.hpp). Byte 0 is the save lock, byte 1 the loads'.
#pragma once

#include <filesystem>

#include "nn/posix_file.hpp"

namespace tg::nn::detail {

// The lock file, open, and the bytes of it this process holds.
class DirLock {
 public:
  // For a save: the save byte alone, waiting for another save up to checkpoint_lock_wait;
  // checkpoint_error when it cannot be had.
  static DirLock for_saving(const std::filesystem::path& dir);

  // For a load: the loads' byte, shared with other loads. Without a lock file that can be
  // opened or created (a read-only directory, where nobody saves) or locks, the load goes on
  // without one. `who` names the public function in errors.
  static DirLock for_loading(const std::filesystem::path& dir, const char* who);

  // Holding the save lock: takes the loads' byte alone if no load holds it (without waiting).
  bool keep_loads_out();
  void let_loads_in();

 private:
  Fd fd_;
};

}  // namespace tg::nn::detail
