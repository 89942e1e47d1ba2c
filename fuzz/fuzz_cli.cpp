// libFuzzer target for the command line (cli/app.cpp, cli/options.cpp and the commands'
// options): the input, split at each '\0', is the argument list after "tapegrad". It is only
// parsed (tg::cli::parse_command_line), never run: no training, no file written.
//
// What must hold: parsing throws nothing; a wrong command line is exit code 2 and one line
// starting "tapegrad: "; help and version are exit code 0; a command to run has passed every
// check its options promise (--lr a finite number > 0, --epochs >= 1, --momentum in [0, 1), ...).
// Anything else (an exception, a crash, undefined behaviour) is a bug.
//
//   fuzz/run.sh [seconds]     builds this with clang and runs it on a copy of fuzz/corpus/cli
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"

using namespace tg::cli;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool positive(double x) { return std::isfinite(x) && x > 0.0; }
bool non_negative(double x) { return std::isfinite(x) && x >= 0.0; }
template <class T, class Check>
bool absent_or(const std::optional<T>& v, Check check) {
  return !v || check(*v);
}
bool one_of(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

void check_model(const ModelOptions& m) {
  require(absent_or(m.sizes, [](const std::vector<std::size_t>& sizes) {
    for (std::size_t n : sizes)
      if (n == 0) return false;
    return true;
  }));
  require(absent_or(m.l2, non_negative));
}

void check(const CommandLine& line) {
  using Command = CommandLine::Command;
  if (line.command == Command::none) {
    require(line.exit_code == 0 || line.exit_code == 2);
    require(!line.message.empty());
    if (line.exit_code == 2) {  // one line for stderr, without its newline
      require(line.message.rfind("tapegrad: ", 0) == 0);
      require(line.message.find('\n') == std::string::npos && line.message.find('\r') == std::string::npos);
    } else {
      require(line.message.back() == '\n');
    }
    return;
  }
  require(line.exit_code == 0 && line.message.empty());
  switch (line.command) {
    case Command::train: {
      const TrainCommand& c = line.train;
      check_model(c.model);
      require(absent_or(c.optimizer, [](const std::string& s) { return one_of(s, {"sgd", "momentum", "adam"}); }));
      require(absent_or(c.learning_rate, positive));
      require(absent_or(c.momentum, [](double mu) { return mu >= 0.0 && mu < 1.0; }));
      require(absent_or(c.epochs, [](std::size_t n) { return n >= 1; }));
      require(non_negative(c.stop_epsilon));
      require(one_of(c.progress, {"auto", "always", "never"}));
      break;
    }
    case Command::verify: {
      const VerifyCommand& c = line.verify;
      check_model(c.model);
      require(c.batch >= 1);
      require(positive(c.eps) && positive(c.tolerance) && positive(c.numeric_tolerance));
      break;
    }
    case Command::eval:
      check_model(line.eval.model);
      require(!line.eval.checkpoint.empty());  // --checkpoint is required
      break;
    case Command::demo:
    case Command::none:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  if (size > 0) {
    args.emplace_back();
    for (std::size_t i = 0; i < size; ++i) {
      if (data[i] == '\0') args.emplace_back();
      else args.back() += static_cast<char>(data[i]);
    }
  }
  check(parse_command_line(args));
  return 0;
}
