#include "cli/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "nn/posix_file.hpp"

namespace tg::cli {

namespace fs = std::filesystem;
using nn::Fd;

namespace {

constexpr std::string_view temp_suffix = ".tmp";

[[noreturn]] void fail(std::string_view what, const fs::path& path, int error = errno) {
  throw std::runtime_error(fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(error)));
}

// The prefix of file's temporary names: ".NAME.".
std::string temp_prefix(const fs::path& file) { return "." + file.filename().string() + "."; }

fs::path directory_of(const fs::path& file) {
  return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

// How a file is written: replaced by rename, or in place (a character device or a FIFO).
enum class Way { replace, in_place };

Way way_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return Way::replace;  // a new file (for a dangling link: its target)
    fail("write", file);
  }
  if (S_ISREG(st.st_mode)) return Way::replace;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Way::in_place;
  const char* what = S_ISDIR(st.st_mode)   ? "a directory"
                     : S_ISBLK(st.st_mode) ? "a block device"
                                           : "a socket";
  throw std::runtime_error(fmt::format("cannot write '{}': it is {}, not a file", file.string(), what));
}

// file with its symbolic links followed: the file whose content is replaced.
fs::path follow_links(const fs::path& file) {
  fs::path path = file;
  for (int depth = 0; depth < 40; ++depth) {  // Linux's own limit
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::error_code ec;
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) fail("follow the link", path, ec.value());
    path = target.is_absolute() ? target : directory_of(path) / target;
  }
  fail("follow the link", file, ELOOP);
}

// Writes all of bytes to fd. A FIFO whose reader has gone gives EPIPE instead of SIGPIPE,
// which would end the process (and a training run with it).
void write_all(int fd, const fs::path& file, std::string_view bytes) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  int error = 0;
  for (std::size_t done = 0; done < bytes.size() && error == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) done += static_cast<std::size_t>(n);
    else if (n == 0) error = EIO;  // no progress and no error: do not loop forever
    else if (errno != EINTR) error = errno;
  }
  if (error == EPIPE) {  // take the SIGPIPE it raised before it is unblocked
    const timespec no_wait{};
    sigtimedwait(&pipe_signal, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (error != 0) fail("write", file, error);
}

// A device or a FIFO, open for writing. O_NONBLOCK: a FIFO without a reader fails (ENXIO)
// instead of waiting for one.
Fd open_in_place(const fs::path& file) {
  Fd f(::open(file.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (f.fd < 0 && errno == ENXIO)
    throw std::runtime_error(fmt::format(
        "cannot write '{}': it is a FIFO and nothing reads it (start its reader first)", file.string()));
  if (f.fd < 0) fail("open", file);
  ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);  // then wait for a slow reader
  return f;
}

void write_in_place(const fs::path& file, std::string_view bytes) {
  Fd f = open_in_place(file);
  write_all(f.fd, file, bytes);
  if (::close(std::exchange(f.fd, -1)) != 0) fail("write", file);
}

bool same_file(int fd, const fs::path& path) {
  struct stat a {
  }, b{};
  return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

// A new temporary file for `target`, locked (byte 0) for as long as it is open.
Fd create_temporary(const fs::path& target, fs::path& temp) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    Fd f(nn::create_unique_file(directory_of(target), temp_prefix(target), temp_suffix, temp));
    if (f.fd < 0) fail("write", target);  // e.g. its directory is missing or read-only
    // Between its creation and the lock, a cleaner may have taken it for an orphan: then again.
    if (nn::try_lock_byte(f.fd, 0, nn::LockKind::exclusive) && same_file(f.fd, temp)) return f;
  }
  fail("write", target, EEXIST);
}

void replace(const fs::path& target, std::string_view bytes) {
  fs::path temp;
  Fd f = create_temporary(target, temp);
  try {
    write_all(f.fd, temp, bytes);
    if (struct stat st{}; ::stat(target.c_str(), &st) == 0)
      ::fchmod(f.fd, st.st_mode & 07777);  // keep its mode
    if (::rename(temp.c_str(), target.c_str()) != 0) fail("replace", target);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(std::exchange(f.fd, -1)) != 0) fail("write", target);  // the lock ends with the name gone
}

// Temporary files of target whose writers are gone (their lock can be had).
void remove_orphans(const fs::path& target) {
  const std::string prefix = temp_prefix(target);
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_of(target), ec)) {
    const fs::path path = entry.path();
    if (!nn::is_unique_file_name(path.filename().string(), prefix, temp_suffix)) continue;
    const Fd f(::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (f.fd >= 0 && nn::try_lock_byte(f.fd, 0, nn::LockKind::exclusive) && same_file(f.fd, path))
      ::unlink(path.c_str());
  }
}

}  // namespace

void write_file_atomically(const fs::path& file, std::string_view bytes) {
  if (way_of(file) == Way::in_place) write_in_place(file, bytes);
  else replace(follow_links(file), bytes);
}

void check_writable(const fs::path& file) {
  if (way_of(file) == Way::in_place) {
    struct stat st {};
    // A FIFO is not opened: opening and closing it would end its reader's input.
    if (::stat(file.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) return;
    Fd f(::open(file.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (f.fd < 0) fail("open", file);
    return;
  }
  const fs::path target = follow_links(file);
  remove_orphans(target);
  fs::path probe;
  const Fd f = create_temporary(target, probe);
  ::unlink(probe.c_str());
}

InPlaceStream::InPlaceStream(const fs::path& file) : file_(file), fd_(open_in_place(file)) {}

void InPlaceStream::write(std::string_view bytes) { write_all(fd_.fd, file_, bytes); }

bool is_written_in_place(const fs::path& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

}  // namespace tg::cli
