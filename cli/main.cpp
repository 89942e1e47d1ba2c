// tapegrad: the command-line program (see cli/app.hpp for its commands).
#include <string>
#include <vector>

#include "autodiff/memory.hpp"
#include "cli/app.hpp"

int main(int argc, char** argv) {
  tg::keep_freed_memory_for_reuse();  // every training step allocates the same large tensors again
  return tg::cli::run_app(std::vector<std::string>(argv + 1, argv + argc));
}
