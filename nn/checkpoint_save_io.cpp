#include "nn/checkpoint_save_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace tg::nn::detail {

namespace fs = std::filesystem;

void SaveIo::fail(std::string_view what, const fs::path& path) {
  throw checkpoint_error(
      fmt::format("save_checkpoint: cannot {} '{}': {}", what, path.string(), std::strerror(errno)));
}

void SaveIo::write_durably(const fs::path& file, std::string_view bytes, std::vector<fs::path>& created) {
  Fd f(run([&] { return ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644); }));
  if (f.fd < 0) fail("create", file);
  created.push_back(file);
  write_and_sync(f, file, bytes);
}

fs::path SaveIo::write_durably_unique(const fs::path& dir, std::string_view prefix, std::string_view suffix,
                                      std::string_view bytes, std::vector<fs::path>& created) {
  fs::path file;
  Fd f(run([&] { return create_unique_file(dir, prefix, suffix, file); }));
  if (f.fd < 0) fail("create a file in", dir);
  created.push_back(file);
  write_and_sync(f, file, bytes);
  return file;
}

void SaveIo::write_and_sync(Fd& f, const fs::path& file, std::string_view bytes) {
  for (std::size_t done = 0; done < bytes.size();) {  // write() may take fewer bytes than asked
    const ssize_t n = run([&] { return ::write(f.fd, bytes.data() + done, bytes.size() - done); });
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;  // no progress and no error: do not loop forever
    if (n <= 0) fail("write", file);
    done += static_cast<std::size_t>(n);
  }
  if (run([&] { return ::fsync(f.fd); }) != 0) fail("fsync", file);
  // close reports errors of delayed writes (NFS); when the seam fails it, ~Fd still closes.
  if (run([&] { return ::close(std::exchange(f.fd, -1)); }) != 0) fail("close", file);
}

void SaveIo::sync_directory(const fs::path& dir) {
  Fd d(run([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
  if (d.fd < 0) fail("open directory", dir);
  if (run([&] { return ::fsync(d.fd); }) != 0) fail("fsync directory", dir);
}

void SaveIo::rename(const fs::path& from, const fs::path& to) {
  if (run([&] { return ::rename(from.c_str(), to.c_str()); }) != 0)
    fail(fmt::format("rename '{}' to", from.string()), to);
}

}  // namespace tg::nn::detail
