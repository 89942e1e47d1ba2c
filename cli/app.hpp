// The tapegrad program: its subcommands and how it reports errors, as a function that tests
// can call (cli/main.cpp only forwards argv to it).
//
//   tapegrad train    train a network, write per-epoch CSV, save/resume checkpoints
//   tapegrad verify   BP1–BP4 vs autodiff (vs finite differences) on one batch
//   tapegrad eval     a checkpoint's accuracy and confusion matrix on a test set
//   tapegrad demo     seed 002's 2-2-1 network, every gradient beside finite differences
//
// Exit codes: 0 success; 1 the command failed (an error, a verification that disagrees,
// training that diverged); 2 the command line is wrong (one line on stderr says why).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace tg::cli {

// args: the arguments after the program's name. Normal output goes to out, errors to err.
int run_app(const std::vector<std::string>& args, std::FILE* out = stdout, std::FILE* err = stderr);

}  // namespace tg::cli
