// The POSIX pieces under safe saving (nn/checkpoint.cpp, cli/files.cpp): a file descriptor
// that closes itself, directories made, new files under unique names, and advisory locks.
//
// Locks are Linux open-file-description locks (F_OFD_SETLK) on single bytes of a file: they
// belong to the open file, so threads and processes exclude each other alike, and the kernel
// drops them when the file is closed or its process dies: a lock never outlives its holder,
// and a file whose lock can be had was left by a writer that is gone.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace tg::nn {

// A file descriptor closed on scope exit unless it was closed (and checked) already.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(other.fd) { other.fd = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
};

// Creates dir/<prefix>XXXXXX<suffix>, X a random letter or digit, with O_EXCL (so no existing
// file, a user's or another writer's, is ever opened), for writing, with the mode open() gives a
// new file (0666 less the umask). Returns the descriptor and sets `created`; -1 with errno set
// when it cannot.
int create_unique_file(const std::filesystem::path& dir, std::string_view prefix, std::string_view suffix,
                       std::filesystem::path& created);

// Whether `name` is one that create_unique_file(dir, prefix, suffix, ...) makes.
bool is_unique_file_name(std::string_view name, std::string_view prefix, std::string_view suffix);

// Makes dir a directory (with its parents) unless it is one. Returns what stands in the way,
// for the caller to prefix with its name: "'out' exists and is not a directory", "cannot create
// directory 'out': Permission denied"; empty when dir is a directory.
std::string make_directory(const std::filesystem::path& dir);

enum class LockKind { shared, exclusive };

// Locks byte `byte` of the open file fd without waiting: false when another open file holds a
// conflicting lock on it. Any other failure (ENOLCK: the file system keeps no locks) returns
// false with errno set to it; errno is EAGAIN for a lock held elsewhere.
bool try_lock_byte(int fd, off_t byte, LockKind kind);

// The same, trying again for up to `wait`.
bool lock_byte_within(int fd, off_t byte, LockKind kind, std::chrono::milliseconds wait);

void unlock_byte(int fd, off_t byte);

}  // namespace tg::nn
