#include "cli/app.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace tg::cli {

namespace {

// text with its control characters escaped (\n, \r, \t, \x01, ...), so that a value the user
// typed cannot split an error message into several lines.
std::string escape_controls(std::string_view text) {
  std::string s;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') s += "\\n";
    else if (c == '\r') s += "\\r";
    else if (c == '\t') s += "\\t";
    else if (u < 0x20 || u == 0x7f) s += fmt::format("\\x{:02x}", u);
    else s += c;
  }
  return s;
}

}  // namespace

void add_commands(CLI::App& app, CommandLine& result) {
  app.set_version_flag("--version", TG_VERSION);
  app.require_subcommand(0, 1);
  app.footer(
      "Run 'tapegrad COMMAND --help' for a command's options.\n"
      "Exit codes: 0 success, 1 the command failed, 2 a wrong command line.");

  // The options are parsed straight into result's fields.
  CLI::App* train_app = app.add_subcommand("train", "train a network; progress, per-epoch CSV, checkpoints");
  add_train_options(*train_app, result.train);

  CLI::App* verify_app =
      app.add_subcommand("verify", "BP1–BP4 by hand vs autodiff (vs finite differences) on one batch");
  add_verify_options(*verify_app, result.verify);

  CLI::App* eval_app = app.add_subcommand("eval", "a checkpoint on a test set: accuracy and confusion matrix");
  add_eval_options(*eval_app, result.eval);

  CLI::App* report_app = app.add_subcommand(
      "report", "one self-contained HTML page: training curves, the graph, the gradient check, test images");
  add_report_options(*report_app, result.report);

  CLI::App* graph_app = app.add_subcommand("graph", "a small network's cost as a graph: DOT, SVG or PNG, labelled z^l, a^l, δ^l");
  add_graph_options(*graph_app, result.graph);

  CLI::App* explain_app =
      app.add_subcommand("explain", "BP1–BP4 for one example, neuron by neuron with the numbers, beside autodiff's");
  add_explain_options(*explain_app, result.explain);

  CLI::App* demo_app =
      app.add_subcommand("demo", "seed 002's 2-2-1 worked example: every gradient beside finite differences");
  demo_app->add_option("--dot", result.demo.dot_path, "also write the loss's computational graph as Graphviz DOT")
      ->check(non_empty("a file name"))->type_name("FILE");
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine result;
  CLI::App app{"tapegrad: reverse-mode autodiff and BP1–BP4 for learning backpropagation", "tapegrad"};
  add_commands(app, result);
  CLI::App* train_app = app.get_subcommand("train");
  CLI::App* verify_app = app.get_subcommand("verify");
  CLI::App* eval_app = app.get_subcommand("eval");
  CLI::App* report_app = app.get_subcommand("report");
  CLI::App* graph_app = app.get_subcommand("graph");
  CLI::App* explain_app = app.get_subcommand("explain");
  CLI::App* demo_app = app.get_subcommand("demo");

  std::vector<const char*> argv{"tapegrad"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  old_spelling_notes().clear();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    result.notes = std::move(old_spelling_notes());
    old_spelling_notes().clear();
  } catch (const CLI::CallForHelp&) {
    result.message = app.help();
    return result;
  } catch (const CLI::CallForVersion&) {
    result.message = fmt::format("tapegrad {}\n", TG_VERSION);
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_code = 2;
    result.message = fmt::format("tapegrad: {} (try 'tapegrad --help')", escape_controls(e.what()));
    return result;
  }

  using Command = CommandLine::Command;
  if (train_app->parsed()) result.command = Command::train;
  else if (verify_app->parsed()) result.command = Command::verify;
  else if (eval_app->parsed()) result.command = Command::eval;
  else if (report_app->parsed()) result.command = Command::report;
  else if (graph_app->parsed()) result.command = Command::graph;
  else if (explain_app->parsed()) result.command = Command::explain;
  else if (demo_app->parsed()) result.command = Command::demo;
  else result.message = app.help();  // no command: what there is to run
  return result;
}

namespace {

// Runs the command; a failure is one line on err (with the command's name) and exit code 1.
int run_command(const CommandLine& line, std::FILE* out, std::FILE* err, const char*& command) {
  using Command = CommandLine::Command;
  try {
    switch (line.command) {
      case Command::train: return command = "tapegrad train", run_train(line.train, out, err);
      case Command::verify: return command = "tapegrad verify", run_verify(line.verify, out);
      case Command::eval: return command = "tapegrad eval", run_eval(line.eval, out);
      case Command::report: return command = "tapegrad report", run_report(line.report, out);
      case Command::graph: return command = "tapegrad graph", run_graph(line.graph, out);
      case Command::explain: return command = "tapegrad explain", run_explain(line.explain, out);
      case Command::demo: return command = "tapegrad demo", run_demo(line.demo, out);
      case Command::none: break;
    }
  } catch (const std::bad_alloc&) {  // what() is only "std::bad_alloc": say what it means
    std::fflush(out);
    fmt::print(err, "{}: out of memory: the request needed more than the machine could give "
               "(smaller --sizes, --batch-size or --train-size need less)\n", command);
    return 1;
  } catch (const std::exception& e) {
    // A write to a full stdout throws from fmt; run_app reports that once, after the command.
    if (!std::ferror(out)) {
      std::fflush(out);
      fmt::print(err, "{}: {}\n", command, e.what());
    }
    return 1;
  }
  return 0;
}

// Why what was printed to out did not all arrive (a full disk: ENOSPC, a closed pipe: EPIPE),
// or nothing. A buffered write fails late, so this is asked once everything is printed.
std::optional<std::string> output_error(std::FILE* out) {
  errno = 0;
  const bool flushed = std::fflush(out) == 0;
  if (flushed && !std::ferror(out)) return std::nullopt;
  return fmt::format("cannot write to standard output: {}",
                     !flushed && errno != 0 ? std::strerror(errno) : "an earlier write failed");
}

}  // namespace

int run_app(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  const CommandLine line = parse_command_line(args);
  const char* command = "tapegrad";
  int code = line.exit_code;
  if (line.command == CommandLine::Command::none) {
    if (line.exit_code == 0) fmt::print(out, "{}", line.message);
    else fmt::print(err, "{}\n", line.message);
  } else {
    for (const std::string& note : line.notes) fmt::print(err, "{}\n", note);
    code = run_command(line, out, err, command);
  }
  if (const std::optional<std::string> e = output_error(out)) {  // exit code 0 only if the output arrived
    fmt::print(err, "{}: {}\n", command, *e);
    if (code == 0) code = 1;
  }
  return code;
}

}  // namespace tg::cli
