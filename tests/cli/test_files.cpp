// write_file_atomically and check_writable (cli/files.cpp): a file is replaced whole or not at
// all, through symbolic links, devices and FIFOs are written in place, and nothing that is not
// ours is touched.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <thread>

#include "cli/files.hpp"
#include "nn/posix_file.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using tg::cli::check_writable;
using tg::cli::write_file_atomically;
using tg::test::file_names;
using tg::test::read_file;
using tg::test::write_file;

TEST_CASE("write_file_atomically writes, replaces, and leaves no temporary file") {
  tg::test::TempDir dir("files");
  const auto file = dir.path / "a.csv";
  write_file_atomically(file, "one\n");
  CHECK(read_file(file) == "one\n");
  write_file_atomically(file, "two\nlines\n");
  CHECK(read_file(file) == "two\nlines\n");
  CHECK(file_names(dir.path) == std::set<std::string>{"a.csv"});
}

TEST_CASE("write_file_atomically never touches a user's own FILE.tmp, and keeps the file's mode") {
  tg::test::TempDir dir("files");
  write_file(dir.path / "keep.csv.tmp", "the user's");
  write_file(dir.path / "keep.csv", "old");
  ::chmod((dir.path / "keep.csv").c_str(), 0640);
  write_file_atomically(dir.path / "keep.csv", "new");
  CHECK(read_file(dir.path / "keep.csv") == "new");
  CHECK(read_file(dir.path / "keep.csv.tmp") == "the user's");
  CHECK((fs::status(dir.path / "keep.csv").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
  CHECK(file_names(dir.path) == std::set<std::string>{"keep.csv", "keep.csv.tmp"});
}

TEST_CASE("a failed write names the file and keeps what was there") {
  tg::test::TempDir dir("files");
  CHECK_THROWS_WITH_AS(write_file_atomically(dir.path / "missing" / "a.csv", "x"),
                       doctest::Contains(("cannot write '" + (dir.path / "missing" / "a.csv").string() +
                                          "': No such file or directory")
                                             .c_str()),
                       std::runtime_error);
  fs::create_directories(dir.path / "taken");
  write_file_atomically(dir.path / "taken" / "keep", "kept");
  CHECK_THROWS_WITH_AS(
      write_file_atomically(dir.path / "taken", "x"),
      doctest::Contains(("cannot write '" + (dir.path / "taken").string() + "': it is a directory").c_str()),
      std::runtime_error);
  CHECK(read_file(dir.path / "taken" / "keep") == "kept");
  CHECK(file_names(dir.path) == std::set<std::string>{"taken"});
}

TEST_CASE("a symbolic link is followed: its target gets the content, the link stays a link") {
  tg::test::TempDir dir("files");
  fs::create_directories(dir.path / "real");
  write_file(dir.path / "real" / "b.csv", "old");
  fs::create_symlink("real/b.csv", dir.path / "a.csv");
  fs::create_symlink("a.csv", dir.path / "chain.csv");
  write_file_atomically(dir.path / "chain.csv", "new");
  CHECK(fs::is_symlink(dir.path / "a.csv"));
  CHECK(fs::is_symlink(dir.path / "chain.csv"));
  CHECK(read_file(dir.path / "real" / "b.csv") == "new");
  CHECK(file_names(dir.path / "real") == std::set<std::string>{"b.csv"});
  // A dangling link: its target is created.
  fs::create_symlink("real/new.csv", dir.path / "dangling.csv");
  write_file_atomically(dir.path / "dangling.csv", "made");
  CHECK(fs::is_symlink(dir.path / "dangling.csv"));
  CHECK(read_file(dir.path / "real" / "new.csv") == "made");
  // A loop is an error, not a hang.
  fs::create_symlink("loop2", dir.path / "loop1");
  fs::create_symlink("loop1", dir.path / "loop2");
  CHECK_THROWS_WITH_AS(write_file_atomically(dir.path / "loop1", "x"),
                       doctest::Contains("Too many levels of symbolic links"), std::runtime_error);
}

TEST_CASE("/dev/null is written in place and stays a device, and /dev/full is an error") {
  write_file_atomically("/dev/null", "swallowed");
  check_writable("/dev/null");
  CHECK(fs::is_character_file("/dev/null"));
  CHECK(tg::cli::is_written_in_place("/dev/null"));
  CHECK(!fs::exists("/dev/.null.tmp"));
  CHECK_THROWS_WITH_AS(write_file_atomically("/dev/full", "x"),
                       doctest::Contains("cannot write '/dev/full': No space left on device"),
                       std::runtime_error);
  CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("a FIFO is written in place, and without a reader it is an error, not a wait") {
  tg::test::TempDir dir("files");
  const fs::path fifo = dir.path / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(write_file_atomically(fifo, "x"),
                       doctest::Contains("it is a FIFO and nothing reads it"), std::runtime_error);
  check_writable(fifo);  // without opening it
  std::string got;
  std::thread reader([&] { got = read_file(fifo); });
  // The reader opens the FIFO at some point: until then a write fails.
  bool written = false;
  for (int attempt = 0; attempt < 2000 && !written; ++attempt) {
    try {
      write_file_atomically(fifo, "through the pipe\n");
      written = true;
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  reader.join();
  CHECK(written);
  CHECK(got == "through the pipe\n");
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("a FIFO whose reader has gone is an error, not a SIGPIPE") {
  tg::test::TempDir dir("files");
  const fs::path fifo = dir.path / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The reader opens and closes at once; a write larger than the pipe's buffer then meets EPIPE.
  const int read_end = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(read_end >= 0);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::close(read_end);
  });
  CHECK_THROWS_WITH_AS(write_file_atomically(fifo, std::string(1 << 20, 'x')),
                       doctest::Contains("Broken pipe"), std::runtime_error);
  closer.join();
}

TEST_CASE("two writers at once: every replacement is whole, the file always one writer's content") {
  tg::test::TempDir dir("files");
  const fs::path file = dir.path / "e.csv";
  const std::string a(100000, 'a'), b(100000, 'b');
  write_file_atomically(file, a);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      const std::string text = read_file(file);
      torn += text != a && text != b;
    }
  });
  auto writer = [&](const std::string& text) {
    for (int i = 0; i < 300; ++i) try {
        write_file_atomically(file, text);
      } catch (const std::exception&) {
        ++failures;
      }
  };
  std::thread w1(writer, a), w2(writer, b);
  w1.join();
  w2.join();
  done = true;
  reader.join();
  CHECK(failures == 0);
  CHECK(torn == 0);
  CHECK(file_names(dir.path) == std::set<std::string>{"e.csv"});
}

TEST_CASE("check_writable removes temporary files whose writer is gone, and only those") {
  tg::test::TempDir dir("files");
  const fs::path file = dir.path / "e.csv";
  write_file(dir.path / ".e.csv.Ab12Cd.tmp", "left by a killed writer");
  write_file(dir.path / ".e.csv.mine.tmp", "a user's");
  write_file(dir.path / ".other.csv.Ab12Cd.tmp", "another file's");
  write_file(dir.path / ".e.csv.Live00.tmp", "a live writer's");
  const tg::nn::Fd live(::open((dir.path / ".e.csv.Live00.tmp").c_str(), O_RDWR));
  REQUIRE(tg::nn::try_lock_byte(live.fd, 0, tg::nn::LockKind::exclusive));
  check_writable(file);
  CHECK(file_names(dir.path) ==
        std::set<std::string>{".e.csv.mine.tmp", ".other.csv.Ab12Cd.tmp", ".e.csv.Live00.tmp"});
  CHECK(!fs::exists(file));  // checking writes nothing
}

TEST_CASE("check_writable names what cannot be written") {
  tg::test::TempDir dir("files");
  fs::create_directories(dir.path / "d");
  CHECK_THROWS_WITH_AS(check_writable(dir.path / "d"), doctest::Contains("it is a directory"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(check_writable(dir.path / "missing" / "e.csv"),
                       doctest::Contains("No such file or directory"), std::runtime_error);
  write_file(dir.path / "plain", "x");
  CHECK_THROWS_WITH_AS(check_writable(dir.path / "plain" / "e.csv"), doctest::Contains("Not a directory"),
                       std::runtime_error);
  check_writable(dir.path / "fine.csv");
  CHECK(file_names(dir.path) == std::set<std::string>{"d", "plain"});
}
