// Files for tests (and fuzz/'s corpus maker): read whole, written whole, and the names in a
// directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>

namespace tg::test {

// The bytes of `file` ("" when it cannot be opened). Reads a FIFO too, to its end.
inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Replaces `file`'s contents with bytes (throws std::runtime_error when that fails).
inline void write_file(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.good()) throw std::runtime_error("cannot write " + file.string());
}

// The names of the entries in dir.
inline std::set<std::string> file_names(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

}  // namespace tg::test
