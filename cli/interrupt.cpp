#include "cli/interrupt.hpp"

#include <atomic>

namespace tg::cli {

namespace {

// Any thread may take the signal (OpenBLAS's too), and the main thread reads the flag: a
// lock-free atomic is safe in a handler and seen across threads, where volatile is not.
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_sigint(int) { interrupted.store(true); }  // async-signal-safe: a flag only

}  // namespace

StopOnInterrupt::StopOnInterrupt() {
  interrupted.store(false);
  sigaction(SIGINT, nullptr, &previous_);
  // Ignored on entry (a shell's background job, `tapegrad train … &`, or nohup): Ctrl-C at the
  // terminal is not meant for this process, so it stays ignored.
  if (previous_.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  // Once: the second SIGINT takes the default action, the end. SA_RESTART: a write to the
  // terminal that the signal interrupts goes on instead of failing.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &action, &previous_);
}

StopOnInterrupt::~StopOnInterrupt() { sigaction(SIGINT, &previous_, nullptr); }

bool StopOnInterrupt::requested() { return interrupted.load(); }

}  // namespace tg::cli
