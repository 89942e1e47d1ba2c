// Writing a file so that it is never seen half-written: the bytes go to "<file>.tmp", which is
// then renamed onto the file (rename replaces atomically on POSIX file systems). A failure
// throws std::runtime_error naming the file and the reason, and leaves the old file as it was.
#pragma once

#include <filesystem>
#include <string_view>

namespace tg::cli {

void write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

}  // namespace tg::cli
