// `tapegrad graph` (cli/graph_command.cpp): the cost's graph as DOT, SVG or PNG.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/files.hpp"
#include "support/idx_files.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::read_file;
using tg::test::run_tapegrad;
using tg::test::TempDir;

TEST_CASE("graph prints DOT of a small network's cost, labelled z^l, a^l, δ^l, on stdout") {
  const auto r = run_tapegrad({"graph"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.rfind("digraph tapegrad {", 0) == 0);
  for (const char* label :
       {"x = a^1", "W^2", "b^2", "z^2 = add", "a^2 = sigmoid", "δ^2 = ∂C/∂z^2 (BP2)", "W^3", "z^3 = add",
        "δ^3 = ∂C/∂z^3 (BP1)", "a^3 = sigmoid", "label=\"y\\n(1,1)\"", "C = "})
    CHECK_MESSAGE(contains(r.out, label), label);
  CHECK(!contains(r.out, "value"));
}

TEST_CASE("graph --values --batch shows values and gradients of a batch") {
  const auto r = run_tapegrad({"graph", "--data", "moons", "--sizes", "2,3,2", "--batch", "3", "--values"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "label=\"x = a^1\\n(2,3)\\nvalue [["));
  CHECK(contains(r.out, "δ^3 = ∂C/∂z^3 [["));
  CHECK(contains(r.out, "δ^2 = ∂C/∂z^2 [["));
}

TEST_CASE("graph -o writes DOT, SVG or PNG by the extension, atomically") {
  TempDir dir("graph");
  const auto dot = run_tapegrad({"graph", "-o", dir / "g.dot"});
  CHECK(dot.code == 0);
  CHECK(read_file(dir / "g.dot") == run_tapegrad({"graph"}).out);
  const auto svg = run_tapegrad({"graph", "--values", "--out", dir / "g.svg"});
  REQUIRE(svg.code == 0);
  CHECK(contains(svg.out, "written to"));
  const std::string s = read_file(dir / "g.svg");
  CHECK((s.rfind("<?xml", 0) == 0 || s.rfind("<svg", 0) == 0));
  CHECK(contains(s, "δ^3 = ∂C/∂z^3"));
  REQUIRE(run_tapegrad({"graph", "-o", dir / "g.png"}).code == 0);
  CHECK(read_file(dir / "g.png").substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(!std::filesystem::exists(dir / "g.png.tmp"));
}

TEST_CASE("graph of a checkpoint") {
  TempDir dir("graph");
  REQUIRE(run_tapegrad({"train", "--data", "sine", "--sizes", "1,3,1", "--epochs", "1", "--save", dir / "c"})
              .code == 0);
  const auto r = run_tapegrad({"graph", "--checkpoint", dir / "c"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "a^2 = tanh"));
  CHECK(contains(r.out, "label=\"z^3 = a^3 = add"));  // an identity output: z^3 and a^3 are one node
}

TEST_CASE("graph: an unwritable output, an unknown extension, a network that does not fit") {
  const auto unwritable = run_tapegrad({"graph", "-o", "/nonexistent/tapegrad/g.svg"});
  CHECK(unwritable.code == 1);
  CHECK(tg::test::count_lines(unwritable.err) == 1);
  CHECK(contains(unwritable.err,
                 "tapegrad graph: cannot write '/nonexistent/tapegrad/g.svg': No such file or directory"));
  const auto extension = run_tapegrad({"graph", "-o", "g.pdf"});
  CHECK(extension.code == 2);
  CHECK(
      contains(extension.err, "--out: expected a file name ending in .dot, .gv, .svg or .png, got 'g.pdf'"));
  const auto misfit = run_tapegrad({"graph", "--sizes", "3,2,1"});
  CHECK(misfit.code == 1);
  CHECK(contains(misfit.err, "tapegrad graph: --sizes [3,2,1] does not fit data set 'xor'"));
}

TEST_CASE(
    "graph of a network of layers: --layers and a version 2 checkpoint, the engine's conv and pooling ops") {
  TempDir dir("graph");
  tg::test::write_image_set(dir.path, 8, 8, 12, 6);
  const std::string data = dir.path.string(), layers = "conv:2x3x3:tanh,pool:2,fc:4,softmax:10";
  const auto r = run_tapegrad({"graph", "--data", data, "--layers", layers, "--batch-size", "2"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  for (const char* label :
       {"label=\"x = a^1\\n(2,1,8,8)\"", "z^2 = conv2d\\n(2,2,6,6)", "a^2 = tanh",
        "z^3 = a^3 = max_pool2d\\n(2,2,3,3)", "z^4 = a^4 = transpose\\n(18,2)", "w^2\\n(2,1,3,3)",
        "δ^2 = ∂C/∂z^2 (BP2-pool)", "δ^5 = ∂C/∂z^5 (BP2)", "δ^6 = ∂C/∂z^6 (BP1)", "(BP4-conv)"})
    CHECK_MESSAGE(contains(r.out, label), label);
  const auto values =
      run_tapegrad({"graph", "--data", data, "--layers", layers, "--values", "--digits", "3"});
  REQUIRE(values.code == 0);
  CHECK(contains(values.out, ", ...] shape (1,2,6,6)"));  // z^2's 72 numbers: the first ones and the shape

  REQUIRE(run_tapegrad({"train", "--data", data, "--layers", layers, "--epochs", "1", "--save", dir / "ck"})
              .code == 0);
  const auto saved = run_tapegrad({"graph", "--checkpoint", dir / "ck", "-o", dir / "g.dot"});
  REQUIRE(saved.code == 0);
  CHECK(contains(saved.out,
                 "tapegrad graph: the cost of conv:2x3x3:tanh,pool:2,fc:4:sigmoid,softmax:10 on (1,8,8), "));
  CHECK(contains(read_file(dir / "g.dot"), "z^2 = conv2d"));
  const auto worked = run_tapegrad({"graph", "--worked-example", "--layers", layers});
  CHECK(worked.code == 2);
}
