// The input format of fuzz_checkpoint: the files of a checkpoint directory in one byte string,
// each introduced by a line "==> NAME <==" (as `head` prints several files):
//
//   ==> checkpoint.json <==
//   {"format": "tapegrad-mlp-checkpoint", ...}
//   ==> W2.g1.npy <==
//   \x93NUMPY...
//
// A file's contents run to the '\n' before the next "==> " line, or to the end of the input.
// Bytes before the first header are ignored; a header whose name is not a plain file name
// (letters, digits, '.', '_', '-'; not "." or "..") is skipped with its contents.
// make_checkpoint_corpus writes the seeds in this format; fuzz_checkpoint reads it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tg::fuzz {

using File = std::pair<std::string, std::string>;  // name, contents

inline bool plain_file_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

inline std::vector<File> split_files(std::string_view input) {
  constexpr std::string_view marker = "==> ", end_marker = " <==", separator = "\n==> ";
  // Where each header line starts: at byte 0, or after a '\n'.
  std::vector<std::size_t> headers;
  if (input.substr(0, marker.size()) == marker) headers.push_back(0);
  for (std::size_t at = input.find(separator); at != std::string_view::npos;
       at = input.find(separator, at + 1))
    headers.push_back(at + 1);

  std::vector<File> files;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const std::size_t begin = headers[i] + marker.size();
    const std::size_t next =
        i + 1 < headers.size() ? headers[i + 1] - 1 : input.size();  // the '\n' before it
    const std::size_t eol = input.find('\n', begin);
    if (eol == std::string_view::npos || eol > next) continue;  // a header with no contents line
    std::string_view name = input.substr(begin, eol - begin);
    if (name.size() >= end_marker.size() && name.substr(name.size() - end_marker.size()) == end_marker)
      name.remove_suffix(end_marker.size());
    if (!plain_file_name(name)) continue;
    // eol == next: the header line's '\n' is also the one before the next header, no contents
    files.emplace_back(std::string(name),
                       eol < next ? std::string(input.substr(eol + 1, next - eol - 1)) : std::string());
  }
  return files;
}

inline std::string join_files(const std::vector<File>& files) {
  std::string out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i > 0) out += '\n';
    out += "==> " + files[i].first + " <==\n" + files[i].second;
  }
  return out;
}

}  // namespace tg::fuzz
