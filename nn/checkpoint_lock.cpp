#include "nn/checkpoint_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include <fmt/format.h>

#include "nn/checkpoint.hpp"
#include "nn/checkpoint_json.hpp"  // checkpoint_json_name
#include "nn/checkpoint_save_io.hpp"

namespace tg::nn::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view lock_name = "checkpoint.lock";
constexpr off_t saving_byte = 0, loading_byte = 1,  // the bytes of lock_name that saves and loads lock
    run_byte = 2;                                   // and training runs (RunClaim)

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

namespace tg::nn {

namespace fs = std::filesystem;
using detail::lock_name, detail::run_byte;

namespace {

// The outermost of dir and its ancestors that does not exist yet (empty: dir exists).
fs::path outermost_missing(const fs::path& dir) {
  std::error_code ec;
  fs::path missing;
  for (fs::path p = fs::absolute(dir, ec).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    missing = p;
    if (p == p.parent_path()) break;
  }
  return missing;
}

}  // namespace

RunClaim::RunClaim(const fs::path& dir, Use use) : dir_(dir) {
  if (use == Use::save) {  // the lock file needs its directory: made as the save would make it
    const fs::path missing = outermost_missing(dir);
    std::error_code ec;
    if (!missing.empty() && fs::create_directories(dir, ec)) created_ = missing;
  }
  const fs::path file = dir / lock_name;
  const int mode = use == Use::save ? O_RDWR : O_RDONLY;  // F_WRLCK needs a file open for writing
  fd_ = Fd(::open(file.c_str(), mode | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
  if (fd_.fd < 0) return;
  if (try_lock_byte(fd_.fd, run_byte, use == Use::save ? LockKind::exclusive : LockKind::shared)) return;
  const int error = errno;
  fd_ = Fd();
  if (error != EAGAIN) return;  // a file system without locks: no claim, as loads do
  throw checkpoint_in_use(fmt::format(
      "another training run is using the checkpoint in '{}' (it holds '{}'){}; nothing was read or "
      "written: wait for it to end{}",
      dir.string(), file.string(),
      use == Use::save ? ", and this run would save into it" : " and will save into it",
      use == Use::save ? ", or save elsewhere" : ""));
}

RunClaim::~RunClaim() {
  std::error_code ec;
  if (created_.empty() || fs::exists(dir_ / detail::checkpoint_json_name, ec)) return;
  fs::remove(dir_ / lock_name, ec);  // nothing was saved into the directories this claim made:
  for (fs::path p = fs::absolute(dir_, ec).lexically_normal(); !p.empty(); p = p.parent_path()) {
    fs::remove(p, ec);  // each one if it is empty, from dir_ out to the outermost it made
    if (p == created_ || p == p.parent_path()) break;
  }
}

}  // namespace tg::nn
