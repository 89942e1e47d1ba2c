#include "cli/interrupt.hpp"

namespace tg::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void on_sigint(int) { interrupted = 1; }  // async-signal-safe: a flag only

}  // namespace

StopOnInterrupt::StopOnInterrupt() {
  interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // once: the second SIGINT takes the default action, the end
  sigaction(SIGINT, &action, &previous_);
}

StopOnInterrupt::~StopOnInterrupt() { sigaction(SIGINT, &previous_, nullptr); }

bool StopOnInterrupt::requested() { return interrupted != 0; }

}  // namespace tg::cli
