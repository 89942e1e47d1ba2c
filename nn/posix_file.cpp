#include "nn/posix_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace tg::nn {

namespace {

constexpr std::string_view letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t random_letters = 6;  // 62^6 ≈ 5.7e10 names: a clash is retried, and rare

std::string random_name_part() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (std::uint64_t(::getpid()) << 32)};
  std::uniform_int_distribution<std::size_t> pick(0, letters.size() - 1);
  std::string s(random_letters, ' ');
  for (char& c : s) c = letters[pick(rng)];
  return s;
}

bool set_lock(int fd, off_t byte, short type, int command) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  return ::fcntl(fd, command, &lock) == 0;
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd >= 0) ::close(fd);
    fd = std::exchange(other.fd, -1);
  }
  return *this;
}

Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

int create_unique_file(const std::filesystem::path& dir, std::string_view prefix, std::string_view suffix,
                       std::filesystem::path& created) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::filesystem::path path = dir / (std::string(prefix) + random_name_part() + std::string(suffix));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd >= 0) {
      created = std::move(path);
      return fd;
    }
    if (errno != EEXIST) return -1;
  }
  return -1;  // errno is EEXIST
}

bool is_unique_file_name(std::string_view name, std::string_view prefix, std::string_view suffix) {
  if (name.size() != prefix.size() + random_letters + suffix.size()) return false;
  if (name.substr(0, prefix.size()) != prefix || name.substr(name.size() - suffix.size()) != suffix)
    return false;
  return name.substr(prefix.size(), random_letters).find_first_not_of(letters) == std::string_view::npos;
}

std::string make_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    return fmt::format("'{}' exists and is not a directory", dir.string());
  std::filesystem::create_directories(dir, ec);
  if (ec) return fmt::format("cannot create directory '{}': {}", dir.string(), ec.message());
  return {};
}

bool try_lock_byte(int fd, off_t byte, LockKind kind) {
  if (set_lock(fd, byte, kind == LockKind::shared ? F_RDLCK : F_WRLCK, F_OFD_SETLK)) return true;
  if (errno == EACCES) errno = EAGAIN;  // POSIX allows either for "held elsewhere"
  return false;
}

bool lock_byte_within(int fd, off_t byte, LockKind kind, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (try_lock_byte(fd, byte, kind)) return true;
    if (errno != EAGAIN || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

void unlock_byte(int fd, off_t byte) { set_lock(fd, byte, F_UNLCK, F_OFD_SETLK); }

}  // namespace tg::nn
