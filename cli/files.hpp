// Writing the files tapegrad's commands produce (train --csv and its .svg, graph -o, report -o,
// verify --dump) so that none is ever seen half-written and nothing else is touched.
//
// A regular file, or a new one, is replaced whole: the bytes go to a new file beside it,
// .NAME.XXXXXX.tmp (a unique name: another writer's temporary file, or a user's own NAME.tmp,
// is never touched), which is then renamed onto NAME (rename replaces atomically on POSIX file
// systems). A symbolic link is followed: its target gets the content and the link stays a link.
// When two processes write one file at once, each replacement is whole and the last one stays.
//
// A character device or a FIFO (/dev/null, a terminal, a named pipe) is written in place, as a
// shell's > would: /dev/null swallows the bytes, /dev/full is an error, a FIFO without a
// reader is an error rather than a wait. A directory, a block device or a socket is an error.
//
// Every failure throws std::runtime_error naming the file and the reason; a replaced file
// then stays as it was.
#pragma once

#include <filesystem>
#include <string_view>

#include "nn/posix_file.hpp"  // Fd

namespace tg::cli {

void write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

// Checks, before a long run, that write_file_atomically(file, ...) can succeed (what is at
// file is writable as above, and a file can be created beside it), and removes the temporary
// files that earlier writes to file left when they were killed (each writer locks its
// temporary file until it is renamed: one that can be locked has no writer any more). Throws
// std::runtime_error naming the file and the reason.
void check_writable(const std::filesystem::path& file);

// Whether file is written in place (an existing character device or FIFO), not replaced.
bool is_written_in_place(const std::filesystem::path& file);

// A file written in place, opened once for a stream of writes (train --csv's rows, each as its
// epoch ends): a FIFO's reader then reads one stream to its end, where a file rewritten whole
// at every epoch would end its input after the first. A FIFO that nothing reads is an error at
// once rather than a wait; every failure throws std::runtime_error naming the file.
class InPlaceStream {
 public:
  explicit InPlaceStream(const std::filesystem::path& file);
  void write(std::string_view bytes);

 private:
  std::filesystem::path file_;
  nn::Fd fd_;
};

}  // namespace tg::cli
