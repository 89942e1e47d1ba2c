// write_file_atomically (cli/files.cpp): the file is replaced whole or not at all.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "cli/files.hpp"
#include "support/temp_dir.hpp"

namespace {
std::string slurp(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("write_file_atomically writes, replaces, and leaves no temporary file") {
  tg::test::TempDir dir("files");
  const auto file = dir.path / "a.csv";
  tg::cli::write_file_atomically(file, "one\n");
  CHECK(slurp(file) == "one\n");
  tg::cli::write_file_atomically(file, "two\nlines\n");
  CHECK(slurp(file) == "two\nlines\n");
  CHECK(!std::filesystem::exists(dir.path / "a.csv.tmp"));
}

TEST_CASE("a failed write names the file and keeps what was there") {
  tg::test::TempDir dir("files");
  CHECK_THROWS_WITH_AS(tg::cli::write_file_atomically(dir.path / "missing" / "a.csv", "x"),
                       doctest::Contains("cannot create"), std::runtime_error);
  // Renaming a file onto a non-empty directory fails: the directory and its file stay.
  std::filesystem::create_directories(dir.path / "taken");
  tg::cli::write_file_atomically(dir.path / "taken" / "keep", "kept");
  CHECK_THROWS_WITH_AS(tg::cli::write_file_atomically(dir.path / "taken", "x"), doctest::Contains("cannot replace"),
                       std::runtime_error);
  CHECK(slurp(dir.path / "taken" / "keep") == "kept");
  CHECK(!std::filesystem::exists(dir.path / "taken.tmp"));
}
