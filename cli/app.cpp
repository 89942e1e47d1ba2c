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

namespace {

using Command = CommandLine::Command;

// One row per command: its name, its line in --help, how its options are parsed into a
// CommandLine's field, and how it runs from there.
struct Subcommand {
  Command command;
  const char* name;
  const char* help;
  void (*add_options)(CLI::App& app, CommandLine& result);
  int (*run)(const CommandLine& line, std::FILE* out, std::FILE* err);
};

const Subcommand subcommands[] = {
    {Command::train, "train", "train a network; progress, per-epoch CSV, checkpoints",
     [](CLI::App& app, CommandLine& r) { add_train_options(app, r.train); },
     [](const CommandLine& line, std::FILE* out, std::FILE* err) {
       warn_slow_blas_kernel(err);
       return run_train(line.train, out, err);
     }},
    {Command::verify, "verify", "BP1–BP4 by hand vs autodiff (vs finite differences) on one batch",
     [](CLI::App& app, CommandLine& r) { add_verify_options(app, r.verify); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_verify(line.verify, out); }},
    {Command::eval, "eval", "a checkpoint on a test set: accuracy and confusion matrix",
     [](CLI::App& app, CommandLine& r) { add_eval_options(app, r.eval); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_eval(line.eval, out); }},
    {Command::report, "report",
     "one self-contained HTML page: training curves, the graph, the gradient check, test images",
     [](CLI::App& app, CommandLine& r) { add_report_options(app, r.report); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_report(line.report, out); }},
    {Command::graph, "graph", "a small network's cost as a graph: DOT, SVG or PNG, labelled z^l, a^l, δ^l",
     [](CLI::App& app, CommandLine& r) { add_graph_options(app, r.graph); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_graph(line.graph, out); }},
    {Command::explain, "explain",
     "BP1–BP4 for one example, neuron by neuron with the numbers, beside autodiff's",
     [](CLI::App& app, CommandLine& r) { add_explain_options(app, r.explain); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_explain(line.explain, out); }},
    {Command::info, "info", "the BLAS library, the kernel it chose for this CPU, cores and the thread policy",
     [](CLI::App&, CommandLine&) {},
     [](const CommandLine&, std::FILE* out, std::FILE*) { return run_info(out); }},
    {Command::demo, "demo", "seed 002's 2-2-1 worked example: every gradient beside finite differences",
     [](CLI::App& app, CommandLine& r) { add_demo_options(app, r.demo); },
     [](const CommandLine& line, std::FILE* out, std::FILE*) { return run_demo(line.demo, out); }},
};

}  // namespace

void add_commands(CLI::App& app, CommandLine& result) {
  app.set_version_flag("--version", TG_VERSION);
  app.require_subcommand(0, 1);
  app.footer(
      "Run 'tapegrad COMMAND --help' for a command's options.\n"
      "Exit codes: 0 success, 1 the command failed, 2 a wrong command line.");
  // The options are parsed straight into result's fields.
  for (const Subcommand& s : subcommands) s.add_options(*app.add_subcommand(s.name, s.help), result);
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine result;
  CLI::App app{"tapegrad: reverse-mode autodiff and BP1–BP4 for learning backpropagation", "tapegrad"};
  add_commands(app, result);

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
    result.message = fmt::format("tapegrad {}\n{}\n", TG_VERSION, blas_summary_line());
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_code = 2;
    result.message = fmt::format("tapegrad: {} (try 'tapegrad --help')", escape_controls(e.what()));
    return result;
  }

  for (const Subcommand& s : subcommands)
    if (app.get_subcommand(s.name)->parsed()) result.command = s.command;
  if (result.command == Command::none) result.message = app.help();  // no command: what there is to run
  return result;
}

namespace {

// Runs the command; a failure is one line on err (with the command's name) and exit code 1.
int run_command(const CommandLine& line, std::FILE* out, std::FILE* err, std::string& command) {
  try {
    for (const Subcommand& s : subcommands)
      if (s.command == line.command) {
        command = fmt::format("tapegrad {}", s.name);
        return s.run(line, out, err);
      }
  } catch (const std::bad_alloc&) {  // what() is only "std::bad_alloc": say what it means
    std::fflush(out);
    fmt::print(err,
               "{}: out of memory: the request needed more than the machine could give "
               "(smaller --sizes, --batch-size or --train-size need less)\n",
               command);
    return 1;
  } catch (const std::exception& e) {
    // A write to a full stdout throws from fmt; run_app reports that once, after the command.
    if (!std::ferror(out)) {
      std::fflush(out);
      fmt::print(err, "{}: {}\n", command, e.what());
    }
    return 1;
  }
  return 0;  // Command::none: nothing to run
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
  std::string command = "tapegrad";
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
