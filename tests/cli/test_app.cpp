// The program's command line (cli/app.cpp): help, version, exit codes, and a one-line error
// naming the option for every wrong flag or value; parse_command_line, which parses only.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::count_lines;
using tg::test::run_tapegrad;

TEST_CASE("tapegrad --help lists every command, and each command's --help its options") {
  const auto top = run_tapegrad({"--help"});
  CHECK(top.code == 0);
  for (const char* command : {"train", "verify", "eval", "graph", "explain", "report", "info", "demo"})
    CHECK(contains(top.out, command));
  CHECK(contains(top.out, "Exit codes"));
  CHECK(run_tapegrad({}).out == top.out);  // no command: the same summary

  const std::vector<std::pair<std::string, std::vector<std::string>>> expected{
      {"train",
       {"--data", "--sizes", "--hidden", "--output", "--cost", "--l2", "--optimizer", "--lr", "--batch-size",
        "--epochs", "--seed", "--csv", "--save", "--resume", "--progress", "--gradients", "--lr-decay",
        "--lr-decay-every"}},
      {"verify", {"--checkpoint", "--data", "--sizes", "--batch-size", "--numeric", "--tolerance", "--dump"}},
      {"eval", {"--checkpoint", "--data", "--cost"}},
      {"graph",
       {"--checkpoint", "--data", "--sizes", "--batch-size", "--values", "--digits", "-o,--out",
        "--worked-example"}},
      {"explain",
       {"--checkpoint", "--data", "--sizes", "--example", "--worked-example", "--digits", "--force"}},
      {"report",
       {"--checkpoint", "--csv", "-o,--out", "--data", "--batch-size", "--numeric", "--numeric-sample",
        "--no-numeric", "--images", "--dot-program"}},
      {"demo", {"--dot"}}};
  for (const auto& [command, options] : expected) {
    INFO("tapegrad " << command << " --help");
    const auto help = run_tapegrad({command, "--help"});
    CHECK(help.code == 0);
    CHECK(help.err.empty());
    for (const std::string& option : options) CHECK_MESSAGE(contains(help.out, option), option);
  }
}

TEST_CASE("tapegrad --version: the version, then the BLAS in one line") {
  const auto r = run_tapegrad({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("tapegrad " TG_VERSION "\nBLAS: OpenBLAS "));
  CHECK(contains(r.out, " kernel; threads: "));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
}

TEST_CASE("tapegrad info: the library, kernel, build, cores and thread policy, one per line") {
  const auto r = run_tapegrad({"info"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  for (const char* start : {"BLAS library:  OpenBLAS ", "kernel:        ", "build:         OpenBLAS ",
                            "CPU:           ", "threads:       "})
    CHECK_MESSAGE(contains("\n" + r.out, std::string("\n") + start), start);
  CHECK(run_tapegrad({"info", "--bogus"}).code == 2);
}

TEST_CASE("a wrong flag or value is one line on stderr naming it, and exit code 2") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"bogus"}, "bogus"},
      {{"train", "--bogus"}, "--bogus"},
      {{"train", "--lr"}, "--lr"},
      {{"train", "--lr", "-1"}, "--lr: expected a number > 0, got '-1'"},
      {{"train", "--lr", "0"}, "--lr"},
      {{"train", "--lr", "nan"}, "--lr"},
      {{"train", "--lr", "0.1x"}, "--lr"},
      {{"train", "--epochs", "0"}, "--epochs: expected a whole number >= 1, got '0'"},
      {{"train", "--batch-size", "-3"}, "--batch-size: expected a whole number >= 0, got '-3'"},
      {{"train", "--sizes", "2,x,2"}, "--sizes"},
      {{"train", "--sizes", "2,0,2"}, "--sizes"},
      {{"train", "--hidden", "banana"}, "--hidden: unknown activation 'banana'"},
      {{"train", "--output", "soft"}, "--output"},
      {{"train", "--init", "zeros"}, "--init"},
      {{"train", "--cost", "hinge"}, "--cost"},
      {{"train", "--reduction", "max"}, "--reduction"},
      {{"train", "--l2", "-0.1"}, "--l2: expected a number >= 0"},
      {{"train", "--l2-form", "half"}, "--l2-form"},
      {{"train", "--optimizer", "sgdd"}, "--optimizer: expected sgd, momentum, adam, got 'sgdd'"},
      {{"train", "--momentum", "1"}, "--momentum: expected a number in [0, 1)"},
      {{"train", "--lr-decay", "abc"}, "--lr-decay: expected a number in (0, 1], got 'abc'"},
      {{"train", "--lr-decay", "-3"}, "--lr-decay: expected a number in (0, 1], got '-3'"},
      {{"train", "--lr-decay", "1e308"}, "--lr-decay: expected a number in (0, 1], got '1e308'"},
      {{"train", "--lr-decay", "0"}, "--lr-decay: expected a number in (0, 1], got '0'"},
      {{"train", "--lr-decay", "1.5"}, "--lr-decay: expected a number in (0, 1], got '1.5'"},
      {{"train", "--lr-decay", "nan"}, "--lr-decay: expected a number in (0, 1], got 'nan'"},
      {{"train", "--lr-decay-every", "0"}, "--lr-decay-every: expected a whole number >= 1, got '0'"},
      {{"train", "--lr-decay-every", "-3"}, "--lr-decay-every: expected a whole number >= 1, got '-3'"},
      {{"train", "--lr-decay-every", "1e308"}, "--lr-decay-every: expected a whole number >= 1, got '1e308'"},
      {{"train", "--lr-decay-every", "abc"}, "--lr-decay-every: expected a whole number >= 1, got 'abc'"},
      {{"train", "--lr-decay-every", "2.5"}, "--lr-decay-every: expected a whole number >= 1, got '2.5'"},
      {{"train", "--seed", "-1"}, "--seed"},
      {{"train", "--gradients", "magic"}, "--gradients"},
      {{"train", "--progress", "sometimes"}, "--progress"},
      {{"train", "--resume", "/nonexistent/tapegrad"}, "--resume: no directory '/nonexistent/tapegrad'"},
      {{"verify", "--batch", "0"}, "--batch"},
      {{"verify", "--eps", "-1e-6"}, "--eps"},
      {{"verify", "--tolerance", "x"}, "--tolerance"},
      {{"eval"}, "--checkpoint"},
      {{"eval", "--checkpoint", "/nonexistent/tapegrad"}, "--checkpoint: no directory"},
      {{"demo", "--dot"}, "--dot"},
      {{"report", "-o", "r.html"}, "--checkpoint"},
      {{"report", "--checkpoint", "/nonexistent/tapegrad", "-o", "r.html"}, "--checkpoint: no directory"},
      {{"report", "--images", "-1"}, "--images"},
      {{"graph", "--out", "graph.txt"},
       "--out: expected a file name ending in .dot, .gv, .svg or .png, got 'graph.txt'"},
      {{"graph", "-o"}, "-o"},
      {{"graph", "--batch", "0"}, "--batch"},
      {{"graph", "--digits", "0"}, "--digits"},
      {{"graph", "--checkpoint", "/nonexistent/tapegrad"}, "--checkpoint: no directory"},
      {{"explain", "--example", "-1"}, "--example"},
      {{"explain", "--example", "x"}, "--example"},
      {{"explain", "--digits", "18"}, "--digits"},
      {{"explain", "--seed002", "--data", "xor"}, "--data excludes --seed002"},
      {{"explain", "--seed002", "--example", "1"}, "--example excludes --seed002"},
      {{"explain", "--worked-example", "--example", "1"}, "--worked-example"},
      {{"train", "verify"}, "verify"},
      {{"train", "--sizes", "1"}, "--sizes: expected at least two sizes (input and output layers), got '1'"},
      {{"train", "--sizes", "2,,2"}, "--sizes: expected whole numbers >= 1 separated by commas, got '2,,2'"},
      {{"train", "--sizes", "2,2,"}, "--sizes"},
      {{"train", "--sizes", ",2,2"}, "--sizes"},
      {{"train", "--sizes", ""}, "--sizes"},
      {{"train", "--hidden", "softmax"}, "--hidden: softmax is an output activation, not a hidden one"},
      {{"train", "--data", ""}, "--data: expected a data set name or a directory, got ''"},
      {{"train", "--csv", ""}, "--csv: expected a file name, got ''"},
      {{"train", "--save", ""}, "--save: expected a directory name, got ''"},
      {{"train", "--resume", ""}, "--resume"},
      {{"verify", "--dump", ""}, "--dump: expected a directory name, got ''"},
      {{"eval", "--checkpoint", ""}, "--checkpoint"},
      {{"demo", "--dot", ""}, "--dot: expected a file name, got ''"},
      {{"graph", "-o", ""}, "--out"},
      {{"report", "--checkpoint", ".", "-o", ""}, "--out: expected a file name, got ''"},
      {{"report", "--checkpoint", ".", "-o", "r.html", "--csv", ""}, "--csv: expected a file name, got ''"},
      {{"report", "--checkpoint", ".", "-o", "r.html", "--dot-program", ""},
       "--dot-program: expected a program, got ''"},
  };
  for (const auto& [args, names] : cases) {
    std::string line;
    for (const std::string& a : args) line += a + " ";
    INFO("tapegrad " << line);
    const auto r = run_tapegrad(args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.rfind("tapegrad: ", 0) == 0);
    CHECK_MESSAGE(contains(r.err, names), r.err);
  }
}

TEST_CASE("every command refuses the same wrong network and data values with exit code 2") {
  // A value the command line can judge alone is a command-line error, whichever command takes it.
  const std::vector<std::vector<std::string>> wrong{
      {"--sizes", "1"}, {"--sizes", "2,,2"}, {"--hidden", "softmax"}, {"--data", ""}};
  for (const char* command : {"train", "verify", "graph", "explain"}) {
    for (const std::vector<std::string>& value : wrong) {
      std::vector<std::string> args{command};
      args.insert(args.end(), value.begin(), value.end());
      INFO("tapegrad " << command << " " << value[0] << " '" << value[1] << "'");
      const auto r = run_tapegrad(args);
      CHECK(r.code == 2);
      CHECK(r.out.empty());
      CHECK(count_lines(r.err) == 1);
      const bool names_it = contains(r.err, "tapegrad: " + value[0] + ": expected") ||
                            contains(r.err, "tapegrad: " + value[0] + ": softmax");
      CHECK_MESSAGE(names_it, r.err);
    }
  }
  // eval and report take --data too (for the checkpoint's network)
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"eval", "--checkpoint", ".", "--data", ""},
                                             {"report", "--checkpoint", ".", "-o", "r.html", "--data", ""}}) {
    INFO("tapegrad " << args[0] << " --data ''");
    const auto r = run_tapegrad(args);
    CHECK(r.code == 2);
    CHECK_MESSAGE(contains(r.err, "--data: expected a data set name or a directory"), r.err);
  }
}

TEST_CASE("a command that fails says so in one line on stderr, with exit code 1") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"train", "--data", "no-such-set"}, "tapegrad train: unknown data set 'no-such-set'"},
      {{"train", "--data", "moons", "--sizes", "3,4,2"}, "--sizes [3,4,2] does not fit data set 'moons'"},
      {{"train", "--data", "moons", "--batch-size", "5000"},
       "batch_size 5000 is larger than the 1000 examples"},
      {{"verify", "--data", "xor", "--sizes", "2,3,2"},
       "tapegrad verify: --sizes [2,3,2] does not fit data set 'xor'"},
      {{"graph", "--data", "xor", "--sizes", "2,3,2"},
       "tapegrad graph: --sizes [2,3,2] does not fit data set 'xor'"},
      {{"explain", "--data", "spirals"},
       "tapegrad explain: the network [2,32,32,3] has a layer of 32 neurons"},
      {{"explain", "--example", "9"},
       "tapegrad explain: --example 9 is out of range: xor has 4 training examples"},
  };
  for (const auto& [args, message] : cases) {
    INFO(message);
    const auto r = run_tapegrad(args);
    CHECK(r.code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK_MESSAGE(contains(r.err, message), r.err);
  }
}

TEST_CASE("tapegrad demo is the seed 002 demo") {
  const auto r = run_tapegrad({"demo"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "autodiff and finite differences agree."));
}

TEST_CASE("parse_command_line only parses: the command and its options, the help, or a one-line error") {
  using tg::cli::CommandLine;
  using tg::cli::parse_command_line;
  namespace fs = std::filesystem;
  const tg::test::TempDir dir("app");

  // A command with its options; nothing runs, no file is written.
  const CommandLine train = parse_command_line(
      {"train", "--data", "xor", "--sizes", "2,3,2", "--lr", "0.5", "--epochs", "7", "--optimizer", "adam",
       "--save", dir / "saved", "--csv", dir / "epochs.csv", "--resume", dir.path.string()});
  CHECK(train.command == CommandLine::Command::train);
  CHECK(train.exit_code == 0);
  CHECK(train.message.empty());
  CHECK(train.train.data.name == "xor");
  CHECK(train.train.model.sizes == std::vector<std::size_t>{2, 3, 2});
  CHECK(train.train.learning_rate == 0.5);
  CHECK(train.train.epochs == 7u);
  CHECK(train.train.optimizer == "adam");
  CHECK(train.train.save == dir / "saved");
  CHECK(train.train.resume == dir.path.string());
  CHECK(!train.train.batch_size);  // left out: the data set's

  const CommandLine verify =
      parse_command_line({"verify", "--numeric", "--batch", "3", "--dump", dir / "dump"});
  CHECK(verify.command == CommandLine::Command::verify);
  CHECK(verify.verify.numeric);
  CHECK(verify.verify.batch == 3u);
  CHECK(verify.verify.dump == dir / "dump");

  const CommandLine eval =
      parse_command_line({"eval", "--checkpoint", dir.path.string(), "--cost", "quadratic"});
  CHECK(eval.command == CommandLine::Command::eval);
  CHECK(eval.eval.checkpoint == dir.path.string());
  CHECK(eval.eval.model.cost == tg::nn::CostKind::quadratic);

  const CommandLine demo = parse_command_line({"demo", "--dot", dir / "graph.dot"});
  CHECK(demo.command == CommandLine::Command::demo);
  CHECK(demo.demo.dot_path == dir / "graph.dot");

  const CommandLine report = parse_command_line({"report", "--checkpoint", dir.path.string(), "--csv",
                                                 dir / "e.csv", "-o", dir / "r.html", "--no-numeric"});
  CHECK(report.command == CommandLine::Command::report);
  CHECK(report.report.checkpoint == dir.path.string());
  CHECK(report.report.csv == dir / "e.csv");
  CHECK(report.report.output == dir / "r.html");
  CHECK(!report.report.numeric);
  CHECK(report.report.images == 32u);

  CHECK(fs::is_empty(dir.path));  // no checkpoint, CSV, dump, graph or report was written

  // Nothing to run: what to print, and the exit code; the same as run_app prints.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{}, {"--help"}, {"train", "--help"}, {"--version"}}) {
    const CommandLine line = parse_command_line(args);
    CHECK(line.command == CommandLine::Command::none);
    CHECK(line.exit_code == 0);
    CHECK(line.message == run_tapegrad(args).out);
  }
  const CommandLine wrong = parse_command_line({"train", "--lr", "-1"});
  CHECK(wrong.command == CommandLine::Command::none);
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.message == "tapegrad: --lr: expected a number > 0, got '-1' (try 'tapegrad --help')");
  CHECK(run_tapegrad({"train", "--lr", "-1"}).err == wrong.message + "\n");
}

TEST_CASE(
    "a value holding a newline or another control character is shown escaped, so the error stays one line") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"train", "--lr", "1\n2"}, "--lr: expected a number > 0, got '1\\n2'"},
      {{"train", "--optimizer", "adam\r\n"}, "got 'adam\\r\\n'"},
      {{"train", "--hidden", "relu\x1b[2J"}, "'relu\\x1b[2J'"},
      {{"train", "--data", "moons", "a\nb"}, "a\\nb"},
      {{"bo\tgus"}, "bo\\tgus"},
  };
  for (const auto& [args, escaped] : cases) {
    INFO(escaped);
    const auto r = run_tapegrad(args);
    CHECK(r.code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.back() == '\n');
    CHECK_MESSAGE(contains(r.err, escaped), r.err);
  }
}

TEST_CASE("output that cannot be written to stdout fails the command with exit code 1, saying so on stderr") {
  // /dev/full takes no byte: every write fails with ENOSPC, as on a full disk.
  const tg::test::TempDir dir("stdout");
  REQUIRE(run_tapegrad({"train", "--data", "xor", "--epochs", "1", "--save", dir / "ck"}).code == 0);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"demo"}, "tapegrad demo: cannot write to standard output: No space left on device"},
      {{"eval", "--checkpoint", dir / "ck"},
       "tapegrad eval: cannot write to standard output: No space left on device"},
      {{"train", "--data", "xor", "--epochs", "1"}, "tapegrad train: cannot write to standard output"},
      {{"graph"}, "tapegrad graph: cannot write to standard output"},
      {{"explain"},
       "tapegrad explain: cannot write to standard output"},  // fmt throws mid-command: still one line
      {{"--help"}, "tapegrad: cannot write to standard output: No space left on device"},
      {{"--version"}, "tapegrad: cannot write to standard output"},
  };
  for (const auto& [args, message] : cases) {
    INFO(message);
    std::FILE* full = std::fopen("/dev/full", "w");
    std::FILE* err = std::tmpfile();
    REQUIRE(full != nullptr);
    REQUIRE(err != nullptr);
    const int code = tg::cli::run_app(args, full, err);
    std::fclose(full);
    const std::string text = tg::test::read_all(err);
    CHECK(code == 1);
    CHECK(count_lines(text) == 1);
    CHECK_MESSAGE(contains(text, message), text);
  }
}
