// The tapegrad program: its subcommands and how it reports errors, as a function that tests
// can call (cli/main.cpp only forwards argv to it).
//
//   tapegrad train    train a network, write per-epoch CSV, save/resume checkpoints
//   tapegrad verify   BP1–BP4 vs autodiff (vs finite differences) on one batch
//   tapegrad eval     a checkpoint's accuracy and confusion matrix on a test set
//   tapegrad graph    a small network's cost as a computational graph (DOT, SVG, PNG), in BP notation
//   tapegrad explain  BP1–BP4 for one example, neuron by neuron with the numbers, beside the engine's
//   tapegrad report   one self-contained HTML page: curves, graph, gradient check, test images
//   tapegrad info     the BLAS library, its kernel for this CPU, cores and the thread policy
//   tapegrad demo     seed 002's 2-2-1 network, every gradient beside finite differences
//
// Exit codes: 0 success; 1 the command failed (an error, a verification that disagrees,
// training that diverged); 2 the command line is wrong (one line on stderr says why).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/demo.hpp"
#include "cli/eval_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/graph_command.hpp"
#include "cli/info_command.hpp"
#include "cli/report_command.hpp"
#include "cli/train_command.hpp"
#include "cli/verify_command.hpp"

namespace tg::cli {

// A command line, parsed: which command to run with which options, or what to print instead.
// Parsing runs nothing and writes no file (it only looks whether directories given to
// --resume and --checkpoint exist).
struct CommandLine {
  enum class Command { none, train, verify, eval, report, graph, explain, info, demo };
  // none: nothing to run; print `message` and exit with `exit_code`, which is 0 for --help,
  // --version or no command at all (message: the text for stdout, ending in a newline) or 2 for
  // a wrong command line (message: one line for stderr, without its newline, e.g.
  // "tapegrad: --lr: expected a number > 0, got '-1' (try 'tapegrad --help')"; control
  // characters the user typed are shown escaped, as \n or \x01, so that it stays one line).
  // Otherwise exit_code is 0 and message empty.
  Command command = Command::none;
  int exit_code = 0;
  std::string message;
  std::vector<std::string> notes;  // lines for stderr before the command runs (an old option spelling)
  // The chosen command's options, filled from the command line; the others keep their defaults.
  TrainCommand train;
  VerifyCommand verify;
  EvalCommand eval;
  ReportCommand report;
  GraphCommand graph;
  ExplainCommand explain;
  DemoOptions demo;
};

// The commands and their options on app, each parsed into its field of result (what
// parse_command_line parses with; tests look at the options through it).
void add_commands(CLI::App& app, CommandLine& result);

// args: the arguments after the program's name. Throws nothing but std::bad_alloc.
CommandLine parse_command_line(const std::vector<std::string>& args);

// parse_command_line, then the command. args: the arguments after the program's name. Normal
// output goes to out, errors to err. Returns the exit code.
int run_app(const std::vector<std::string>& args, std::FILE* out = stdout, std::FILE* err = stderr);

}  // namespace tg::cli
