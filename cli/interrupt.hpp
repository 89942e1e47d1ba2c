// Ctrl-C while `tapegrad train` runs. While a StopOnInterrupt lives, the first SIGINT only
// sets a flag, which training reads after each step to stop at a safe point (the last whole
// epoch's state kept, the CSV and the checkpoint written whole); the handler is then reset, so
// a second Ctrl-C ends the process at once. Every file is written by renaming a complete
// temporary one, so even then nothing is left half-written. A SIGINT ignored on entry (a
// background job of a shell without job control) stays ignored.
#pragma once

#include <csignal>

namespace tg::cli {

class StopOnInterrupt {
 public:
  StopOnInterrupt();   // installs the handler (and clears the flag)
  ~StopOnInterrupt();  // puts back what SIGINT did before
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

  static bool requested();  // a SIGINT has arrived since construction

 private:
  struct sigaction previous_ {};
};

}  // namespace tg::cli
