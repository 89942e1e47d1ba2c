// Reading an input file whole (checkpoint.json, a .npy file, the per-epoch CSV) without being
// led astray by what sits at its path: only a regular file is read. A FIFO would block the
// reader forever, /dev/zero and /dev/urandom never end, a directory holds no bytes; each is
// refused by name before a byte is read. The size is checked against a limit before reading
// too, so that a file larger than its kind ever is cannot exhaust memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace tg::nn {

// what(): the reason alone ("it is a FIFO (named pipe), not a regular file", "Permission
// denied"); the caller adds "cannot read", the file's name and its own.
struct input_file_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What sits at a path that is no regular file, for messages: "a directory", "a FIFO (named
// pipe)", "a character device", "a block device", "a socket"; nullptr for a regular file,
// nothing, or another kind.
const char* kind_of(std::filesystem::file_type type);

// Opens `file` for reading (never blocking on a FIFO: O_NONBLOCK) and returns its descriptor if
// it is a regular file; otherwise throws input_file_error saying what it is: "a directory",
// "a FIFO (named pipe)", "a character device", "a block device", "a socket", or why it cannot
// be opened (strerror alone: "No such file or directory"). Symbolic links are followed.
int open_regular_file(const std::filesystem::path& file);

// The bytes of the regular file `file`: input_file_error as above, or when it holds more than
// max_bytes ("it is 5368709120 bytes (5.0 GB), more than the 64.0 MB such a file may be").
std::string read_regular_file(const std::filesystem::path& file, std::uintmax_t max_bytes);

}  // namespace tg::nn
