#include "nn/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "nn/memory_estimate.hpp"

namespace tg::nn {

namespace {

std::filesystem::file_type file_type_of(mode_t mode) {
  using type = std::filesystem::file_type;
  if (S_ISREG(mode)) return type::regular;
  if (S_ISDIR(mode)) return type::directory;
  if (S_ISFIFO(mode)) return type::fifo;
  if (S_ISCHR(mode)) return type::character;
  if (S_ISBLK(mode)) return type::block;
  if (S_ISSOCK(mode)) return type::socket;
  return type::unknown;
}

struct Descriptor {
  int fd;
  ~Descriptor() { ::close(fd); }
};

}  // namespace

const char* kind_of(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::directory: return "a directory";
    case std::filesystem::file_type::fifo: return "a FIFO (named pipe)";
    case std::filesystem::file_type::character: return "a character device";
    case std::filesystem::file_type::block: return "a block device";
    case std::filesystem::file_type::socket: return "a socket";
    default: return nullptr;
  }
}

int open_regular_file(const std::filesystem::path& file) {
  const int fd =
      ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // O_NONBLOCK: a FIFO's open returns at once
  if (fd < 0) throw input_file_error(std::strerror(errno));     // "No such file or directory"
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int saved = errno;
    ::close(fd);
    if (!S_ISREG(st.st_mode) && st.st_mode != 0) {
      const char* kind = kind_of(file_type_of(st.st_mode));
      throw input_file_error(fmt::format("it is {}, not a regular file", kind ? kind : "not a regular file"));
    }
    throw input_file_error(std::strerror(saved));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // a regular file: reads as usual
  return fd;
}

std::string read_regular_file(const std::filesystem::path& file, std::uintmax_t max_bytes) {
  const Descriptor d{open_regular_file(file)};
  struct stat st {};
  ::fstat(d.fd, &st);
  const auto too_large = [&](std::uintmax_t size, const char* at_least) {
    return input_file_error(fmt::format("it is {}{} bytes ({}), more than the {} such a file may be",
                                        at_least, size, bytes_str(size), bytes_str(max_bytes)));
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
    throw too_large(static_cast<std::uintmax_t>(st.st_size), "");
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  for (;;) {  // to the end, which may have moved since fstat: a file growing past the limit is refused too
    if (done == bytes.size()) {
      if (done > max_bytes) throw too_large(done, "at least ");
      bytes.resize(done + 4096);
    }
    const ssize_t n = ::read(d.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw input_file_error(fmt::format("at byte {}: {}", done, std::strerror(errno)));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace tg::nn
