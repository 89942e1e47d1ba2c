// libFuzzer target for the command line (cli/app.cpp, cli/options.cpp and the commands'
// options): the input, split at each '\0', is the argument list after "tapegrad". It is parsed
// (tg::cli::parse_command_line) and, when it asks for a run small enough for a fuzzer
// (synthetic data of at most 64 examples, a small network, a few epochs or steps; or sizes so
// large that the memory estimate must refuse them at once), run end to end (tg::cli::run_app)
// in a directory of its own, where every file it names must be a plain name and "ck" is a
// checkpoint to resume, evaluate or verify. TAPEGRAD_MAX_MEMORY is set below libFuzzer's
// -malloc_limit_mb, so that what would exceed it must be refused by the estimate.
//
// What must hold: parsing throws nothing; a wrong command line is exit code 2 and one line
// starting "tapegrad: "; help and version are exit code 0; a command to run has passed every
// check its options promise (--lr a finite number > 0, --epochs >= 1, --momentum in [0, 1), ...);
// a run ends in exit code 0 or 1, and a failure is one line on stderr naming the command.
// Anything else (an exception, a crash, undefined behaviour, a hang) is a bug.
//
//   fuzz/run.sh [seconds] fuzz_cli     builds this with clang and runs it on a copy of fuzz/corpus/cli
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "nn/memory_estimate.hpp"

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
      require(absent_or(c.optimizer, [](const std::string& s) {
        return one_of(s, {"sgd", "momentum", "adam"});
      }));
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
    case Command::info:
    case Command::demo:
    case Command::none: break;
  }
}

// A file name the run may use: plain, in the run's own directory.
bool plain_name(const std::string& s) {
  return s.empty() || (s.size() <= 16 && s != "." && s != ".." && s.find('/') == std::string::npos);
}

bool synthetic(const std::string& name) { return one_of(name, {"moons", "spirals", "xor", "sine"}); }

// A set size a fuzzer can afford, or one the estimate refuses at once (above 400 MB).
bool affordable_count(std::size_t n) { return n <= 64 || n > 100'000'000; }
bool affordable_data(const DataOptions& d, bool from_checkpoint) {
  if (d.name.empty() ? !from_checkpoint : !synthetic(d.name))
    return false;  // the default may be Fashion-MNIST
  return d.name == "xor" || (affordable_count(d.train_size) && affordable_count(d.test_size) &&
                             (d.train_size != 0 || from_checkpoint) && (d.test_size != 0 || from_checkpoint));
}
bool affordable_network(const ModelOptions& m, std::size_t most) {
  if (!m.sizes) return true;
  const std::size_t n = tg::nn::parameter_count(*m.sizes);
  return m.sizes->size() <= 6 && (n <= most || n > 25'000'000);
}

bool runnable(const CommandLine& line) {
  using Command = CommandLine::Command;
  switch (line.command) {
    case Command::train: {
      const TrainCommand& c = line.train;
      const bool resume = c.resume == "ck";
      return (c.resume.empty() || resume) && affordable_data(c.data, resume) &&
             affordable_network(c.model, 20'000) &&
             ((c.epochs && *c.epochs <= 3) || (c.max_iterations > 0 && c.max_iterations <= 50)) &&
             plain_name(c.csv) && plain_name(c.save);
    }
    case Command::verify: {
      const VerifyCommand& c = line.verify;
      const bool saved = c.checkpoint == "ck";
      return (c.checkpoint.empty() || saved) && affordable_data(c.data, saved) &&
             affordable_network(c.model, c.numeric ? 2'000 : 20'000) && c.batch <= 64 && plain_name(c.dump);
    }
    case Command::eval: return line.eval.checkpoint == "ck" && affordable_data(line.eval.data, true);
    default: return false;  // report and graph run Graphviz, explain and demo are parsed only
  }
}

// The directory the runs happen in, with the checkpoint "ck", made once.
void prepare() {
  static bool done = false;
  if (done) return;
  done = true;
  ::setenv("TAPEGRAD_MAX_MEMORY", "400M", 1);
  char pattern[] = "/tmp/tapegrad-fuzz-cli-XXXXXX";
  require(::mkdtemp(pattern) != nullptr && ::chdir(pattern) == 0);
  std::FILE* sink = std::fopen("/dev/null", "w");
  require(run_app({"train", "--data", "moons", "--train-size", "20", "--test-size", "10", "--epochs", "1",
                   "--save", "ck"},
                  sink, sink) == 0);
  std::fclose(sink);
}

// Runs the command: exit code 0 or 1; stderr holds the parse's notes (an old option spelling
// still accepted), each on a line of its own, then at most one line naming the command.
void run(const std::vector<std::string>& args, const std::vector<std::string>& notes) {
  static std::FILE* out = std::fopen("/dev/null", "w");
  char* text = nullptr;
  std::size_t length = 0;
  std::FILE* err = ::open_memstream(&text, &length);
  const int code = run_app(args, out, err);
  std::fclose(err);
  std::string message(text, length);
  std::free(text);
  for (const std::string& note : notes) {
    require(message.rfind(note + '\n', 0) == 0);
    message.erase(0, note.size() + 1);
  }
  require(code == 0 || code == 1);
  if (code == 1 && !message.empty()) {  // a verify beyond tolerance or a divergence may say nothing on stderr
    require(message.rfind("tapegrad ", 0) == 0 && message.back() == '\n');
    require(message.find('\n') == message.size() - 1);
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
  const CommandLine line = parse_command_line(args);
  check(line);
  if (runnable(line)) {
    prepare();
    run(args, line.notes);
  }
  return 0;
}
