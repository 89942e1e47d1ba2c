// Runs the tapegrad program in-process (tg::cli::run_app) and captures what it printed.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli/app.hpp"

namespace tg::test {

struct Run {
  int code = -1;
  std::string out, err;
};

inline std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  std::fclose(f);
  return text;
}

// tapegrad args...: its exit code, stdout and stderr (files, not terminals).
inline Run run_tapegrad(const std::vector<std::string>& args) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  Run r;
  r.code = cli::run_app(args, out, err);
  r.out = read_all(out);
  r.err = read_all(err);
  return r;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace tg::test
