// The live progress line (cli/progress.cpp): drawn only when live, erased before other output.
#include <doctest/doctest.h>

#include <cstdio>

#include "cli/progress.hpp"
#include "support/run_tapegrad.hpp"

using tg::cli::Progress;

TEST_CASE("with_commas groups thousands") {
  CHECK(tg::cli::with_commas(0) == "0");
  CHECK(tg::cli::with_commas(999.4) == "999");
  CHECK(tg::cli::with_commas(1000) == "1,000");
  CHECK(tg::cli::with_commas(1234567.8) == "1,234,568");
  CHECK(tg::cli::with_commas(-12345) == "-12,345");
}

TEST_CASE("a live progress line is redrawn in place, and nothing is drawn when not live") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  Progress live(f, true, 3);
  live.step({2, 5, 10, 50}, 12345.0);
  live.step({2, 10, 10, 100}, 23456.0);  // the last step of an epoch is always drawn
  live.clear();
  const std::string text = tg::test::read_all(f);
  CHECK(text.find("\repoch 2/3 [##########----------]  50%") != std::string::npos);
  CHECK(text.find("100%") != std::string::npos);
  CHECK(text.find("23,456 examples/s") != std::string::npos);
  CHECK(text.back() == '\r');  // cleared: the cursor is back at the start of a blank line

  std::FILE* g = std::tmpfile();
  REQUIRE(g != nullptr);
  CHECK_FALSE(tg::cli::is_terminal(g));  // a file: `auto` progress would not be live
  Progress quiet(g, false, 3);
  quiet.step({1, 10, 10, 100}, 1.0);
  quiet.clear();
  CHECK(tg::test::read_all(g).empty());
}
