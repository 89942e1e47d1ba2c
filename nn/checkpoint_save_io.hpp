// The I/O calls of one checkpoint save (nn/checkpoint.cpp), and the fault seam that tests use
// to make any of them fail.
//
// Every call that can fail (opening, writing, fsync-ing or closing a file, a rename, a
// directory's fsync) is numbered: with detail::checkpoint_fail_at_step = n (nn/checkpoint.hpp),
// the n-th fails with ENOSPC as it would on a full disk. Each failure throws checkpoint_error
// naming the path.
#pragma once

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

#include "nn/checkpoint.hpp"
#include "nn/posix_file.hpp"

namespace tg::nn::detail {

class SaveIo {
 public:
  // call(), or -1 with errno = ENOSPC when it is the step the seam fails.
  template <class Call>
  auto run(Call call) {
    if (++steps_ == checkpoint_fail_at_step) {
      errno = ENOSPC;
      return decltype(call())(-1);
    }
    return call();
  }

  // checkpoint_error "save_checkpoint: cannot <what> '<path>': <strerror(errno)>".
  [[noreturn]] static void fail(std::string_view what, const std::filesystem::path& path);

  // Writes bytes to the new file `file` (O_EXCL: nothing there is ever overwritten) and fsyncs
  // it, so that it is on disk before the JSON that names it can be.
  // Its name is added to `created` once it exists.
  void write_durably(const std::filesystem::path& file, std::string_view bytes,
                     std::vector<std::filesystem::path>& created);

  // The same to a new file dir/<prefix>XXXXXX<suffix> (create_unique_file); returns its name.
  std::filesystem::path write_durably_unique(const std::filesystem::path& dir, std::string_view prefix,
                                             std::string_view suffix, std::string_view bytes,
                                             std::vector<std::filesystem::path>& created);

  // fsync of a directory makes the names created or renamed in it durable.
  void sync_directory(const std::filesystem::path& dir);

  void rename(const std::filesystem::path& from, const std::filesystem::path& to);

 private:
  void write_and_sync(Fd& f, const std::filesystem::path& file, std::string_view bytes);
  std::size_t steps_ = 0;
};

}  // namespace tg::nn::detail
