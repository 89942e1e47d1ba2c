// dir/checkpoint.lock: how saves and loads of one checkpoint directory take turns (the rules
// are in nn/checkpoint.hpp). Byte 0 is the save lock, byte 1 the loads', byte 2 the training
// runs' (RunClaim, below).
#pragma once

#include <filesystem>

#include "nn/checkpoint.hpp"
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

namespace tg::nn {

// Another training run holds a checkpoint directory this one needs.
struct checkpoint_in_use : checkpoint_error {
  using checkpoint_error::checkpoint_error;
};

// A training run's claim on a checkpoint directory for as long as the run lasts (byte 2 of its
// lock file), so that two runs never silently supersede each other's checkpoint: a run that
// will save into dir holds it alone; runs that resume from dir (saving elsewhere) share it.
// A claim that conflicts with another run's is refused at once (checkpoint_in_use, naming the
// directory and the lock file), before anything is read or written. Loads (eval) and the saves
// themselves do not claim: they take bytes 0 and 1 as before, and wait for each other.
class RunClaim {
 public:
  enum class Use { resume, save };
  // A missing directory to save into is created with its missing ancestors (as the save makes
  // them), and what this claim created is removed again on destruction if nothing was saved into
  // it. A directory where no lock file can be made (read-only) is not claimed.
  RunClaim(const std::filesystem::path& dir, Use use);
  ~RunClaim();
  RunClaim(const RunClaim&) = delete;
  RunClaim& operator=(const RunClaim&) = delete;

 private:
  std::filesystem::path dir_;
  std::filesystem::path created_;  // the outermost directory this claim made (empty: none)
  Fd fd_;
};

}  // namespace tg::nn
