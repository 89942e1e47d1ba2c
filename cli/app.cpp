#include "cli/app.hpp"

#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/demo.hpp"
#include "cli/eval_command.hpp"
#include "cli/train_command.hpp"
#include "cli/verify_command.hpp"

namespace tg::cli {

int run_app(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  CLI::App app{"tapegrad: reverse-mode autodiff and BP1–BP4 for learning backpropagation", "tapegrad"};
  app.set_version_flag("--version", TG_VERSION);
  app.require_subcommand(0, 1);
  app.footer(
      "Run 'tapegrad COMMAND --help' for a command's options.\n"
      "Exit codes: 0 success, 1 the command failed, 2 a wrong command line.");

  TrainCommand train;
  CLI::App* train_app = app.add_subcommand("train", "train a network; progress, per-epoch CSV, checkpoints");
  add_train_options(*train_app, train);

  VerifyCommand verify;
  CLI::App* verify_app =
      app.add_subcommand("verify", "BP1–BP4 by hand vs autodiff (vs finite differences) on one batch");
  add_verify_options(*verify_app, verify);

  EvalCommand eval;
  CLI::App* eval_app = app.add_subcommand("eval", "a checkpoint on a test set: accuracy and confusion matrix");
  add_eval_options(*eval_app, eval);

  DemoOptions demo;
  CLI::App* demo_app =
      app.add_subcommand("demo", "seed 002's 2-2-1 network: every gradient beside finite differences");
  demo_app->add_option("--dot", demo.dot_path, "also write the loss's computational graph as Graphviz DOT")
      ->type_name("FILE");

  std::vector<const char*> argv{"tapegrad"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    fmt::print(out, "{}", app.help());
    return 0;
  } catch (const CLI::CallForVersion&) {
    fmt::print(out, "tapegrad {}\n", TG_VERSION);
    return 0;
  } catch (const CLI::ParseError& e) {
    fmt::print(err, "tapegrad: {} (try 'tapegrad --help')\n", e.what());
    return 2;
  }

  const char* command = "tapegrad";
  try {
    if (train_app->parsed()) return command = "tapegrad train", run_train(train, out);
    if (verify_app->parsed()) return command = "tapegrad verify", run_verify(verify, out);
    if (eval_app->parsed()) return command = "tapegrad eval", run_eval(eval, out);
    if (demo_app->parsed()) return command = "tapegrad demo", run_demo(demo, out);
  } catch (const std::exception& e) {
    std::fflush(out);
    fmt::print(err, "{}: {}\n", command, e.what());
    return 1;
  }
  fmt::print(out, "{}", app.help());  // no command: what there is to run
  return 0;
}

}  // namespace tg::cli
