// A fresh directory under the system's temporary directory, removed with everything in it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <system_error>

#include <fmt/format.h>

namespace tg::test {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const char* what) {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           fmt::format("tapegrad-{}-test-{:016x}", what, (std::uint64_t{rd()} << 32) | rd());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace tg::test
