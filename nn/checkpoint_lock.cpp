#include "nn/checkpoint_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>

#include <fmt/format.h>

#include "nn/checkpoint.hpp"
#include "nn/checkpoint_save_io.hpp"

namespace tg::nn::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view lock_name = "checkpoint.lock";
constexpr off_t saving_byte = 0, loading_byte = 1;  // the bytes of lock_name that saves and loads lock

}  // namespace

DirLock DirLock::for_saving(const fs::path& dir) {
  const fs::path file = dir / lock_name;
  DirLock lock;
  lock.fd_ = Fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
  if (lock.fd_.fd < 0) SaveIo::fail("create the lock file", file);
  struct stat st {};
  if (::fstat(lock.fd_.fd, &st) != 0) SaveIo::fail("inspect the lock file", file);
  if (!S_ISREG(st.st_mode))
    throw checkpoint_error(
        fmt::format("save_checkpoint: '{}' should be a regular file, the directory's lock", file.string()));
  const std::chrono::milliseconds wait = detail::checkpoint_lock_wait;
  if (!lock_byte_within(lock.fd_.fd, saving_byte, LockKind::exclusive, wait)) {
    if (errno != EAGAIN) SaveIo::fail("lock", file);
    throw checkpoint_error(fmt::format(
        "save_checkpoint: another process has been saving a checkpoint into '{}' for {:g} s (it holds the lock '{}'); "
        "nothing was written",
        dir.string(), static_cast<double>(wait.count()) / 1000.0, file.string()));
  }
  return lock;
}

DirLock DirLock::for_loading(const fs::path& dir, const char* who) {
  const fs::path file = dir / lock_name;
  DirLock lock;
  lock.fd_ = Fd(::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
  if (lock.fd_.fd < 0) return DirLock{};
  const std::chrono::milliseconds wait = detail::checkpoint_lock_wait;
  if (!lock_byte_within(lock.fd_.fd, loading_byte, LockKind::shared, wait)) {
    if (errno != EAGAIN) return DirLock{};
    throw checkpoint_error(
        fmt::format("{}: a save into '{}' has been deleting old files for {:g} s (it holds the lock '{}')",
                    who, dir.string(), static_cast<double>(wait.count()) / 1000.0, file.string()));
  }
  return lock;
}

bool DirLock::keep_loads_out() { return try_lock_byte(fd_.fd, loading_byte, LockKind::exclusive); }
void DirLock::let_loads_in() { unlock_byte(fd_.fd, loading_byte); }

}  // namespace tg::nn::detail
