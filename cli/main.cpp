// tapegrad: the command-line program. For now it runs the engine demo; training, verification
// and the views arrive with their issues.
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/demo.hpp"

namespace {

constexpr const char* usage =
    "usage: tapegrad [demo] [--dot FILE]\n"
    "\n"
    "  demo          (default) backpropagate seed 002's 2-2-1 network on one example and print\n"
    "                every gradient beside central finite differences\n"
    "  --dot FILE    also write the loss's computational graph as Graphviz DOT to FILE\n"
    "  -h, --help    show this help\n";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  tg::cli::DemoOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      fmt::print("{}", usage);
      return 0;
    } else if (args[i] == "demo" && i == 0) {
      continue;
    } else if (args[i] == "--dot") {
      if (i + 1 == args.size()) {
        fmt::print(stderr, "tapegrad: --dot needs a file name\n");
        return 2;
      }
      options.dot_path = args[++i];
    } else {
      fmt::print(stderr, "tapegrad: unknown argument '{}' (try --help)\n", args[i]);
      return 2;
    }
  }
  try {
    return tg::cli::run_demo(options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tapegrad: {}\n", e.what());
    return 1;
  }
}
