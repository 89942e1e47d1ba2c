// The demo (cli/demo.cpp): what the README's main command prints.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/demo.hpp"

namespace {
// Runs the demo into a temporary file and returns what it printed.
std::string run(const tg::cli::DemoOptions& options, int& code) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  code = tg::cli::run_demo(options, f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  std::fclose(f);
  return text;
}
}  // namespace

TEST_CASE("the demo's gradients agree with finite differences and seed 002's a − y") {
  int code = -1;
  const std::string text = run({}, code);
  CHECK(code == 0);
  CHECK(text.find("autodiff and finite differences agree.") != std::string::npos);
  // Seed 002: ∂L/∂z[2] = a − y, printed by hand and by the engine: the same number twice.
  CHECK(text.find("a - y = -0.2486349304; autodiff: -0.2486349304") != std::string::npos);
  CHECK(text.find("W[1]     (1,1)") != std::string::npos);  // every parameter element is listed
  CHECK(text.find("b[2]     (0,0)") != std::string::npos);
}

TEST_CASE("the demo writes the graph as DOT, and says so when it cannot") {
  tg::cli::DemoOptions options;
  options.dot_path = "demo_graph_test.dot";
  int code = -1;
  run(options, code);
  CHECK(code == 0);
  std::ifstream in(options.dot_path);
  std::stringstream dot;
  dot << in.rdbuf();
  CHECK(dot.str().find("digraph tapegrad") != std::string::npos);
  CHECK(dot.str().find("W[1]") != std::string::npos);
  std::remove(options.dot_path.c_str());

  options.dot_path = "no/such/directory/graph.dot";
  std::string message;  // the option, the file and the reason
  try {
    run(options, code);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK_MESSAGE(message.starts_with("--dot: "), message);
  CHECK_MESSAGE(message.find("'no/such/directory/graph.dot") != std::string::npos, message);
  CHECK_MESSAGE(message.find("No such file or directory") != std::string::npos, message);
}
