// Reading input files whole (nn/input_file.cpp): a regular file is read; anything else at the
// path (a FIFO, a device, a directory) is refused by name before a byte is read, and so is a
// file larger than the caller's limit.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "nn/input_file.hpp"
#include "support/temp_dir.hpp"

using tg::nn::input_file_error;
using tg::nn::read_regular_file;

TEST_CASE("read_regular_file reads a regular file, also through a symbolic link") {
  tg::test::TempDir dir("input-file");
  std::ofstream(dir / "a.txt") << "hello\nworld\n";
  CHECK(read_regular_file(dir / "a.txt", 100) == "hello\nworld\n");
  std::filesystem::create_symlink(dir / "a.txt", dir / "link.txt");
  CHECK(read_regular_file(dir / "link.txt", 100) == "hello\nworld\n");
  std::ofstream(dir / "empty.txt");
  CHECK(read_regular_file(dir / "empty.txt", 0).empty());
}

TEST_CASE("read_regular_file refuses what is not a regular file, saying what it is") {
  tg::test::TempDir dir("input-file");
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(read_regular_file(dir / "fifo", 100), "it is a FIFO (named pipe), not a regular file",
                       input_file_error);
  CHECK_THROWS_WITH_AS(read_regular_file("/dev/zero", 100), "it is a character device, not a regular file",
                       input_file_error);
  CHECK_THROWS_WITH_AS(read_regular_file(dir.path, 100), "it is a directory, not a regular file",
                       input_file_error);
  CHECK_THROWS_WITH_AS(read_regular_file(dir / "missing", 100), "No such file or directory",
                       input_file_error);
}

TEST_CASE("read_regular_file refuses a file over the limit with both sizes, before reading it") {
  tg::test::TempDir dir("input-file");
  std::ofstream(dir / "big.txt") << std::string(2500, 'x');
  CHECK_THROWS_WITH_AS(read_regular_file(dir / "big.txt", 1000),
                       "it is 2500 bytes (2.5 KB), more than the 1.0 KB such a file may be",
                       input_file_error);
  CHECK(read_regular_file(dir / "big.txt", 2500).size() == 2500);
}
