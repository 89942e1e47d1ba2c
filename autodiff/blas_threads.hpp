// The BLAS thread policy: how many OpenBLAS threads each product gets. A second thread pays
// only once a product is large enough to outweigh handing half of it over (waking the thread,
// splitting and joining); below that, one thread is faster. bench/gemm_threads.cpp measures
// where the crossover lies; docs/benchmarks.md gives the figures and the reasoning for more cores.
//
// The user's own setting wins: with OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS
// set, or with a BLAS that is not OpenBLAS (or none: the WebAssembly build), the policy does
// nothing and the library's own threading applies.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace tg {

// The size, in multiply-adds s = m·n·k, from which two threads beat one (bench/gemm_threads on a
// quiet 2-core machine: docs/design.md#blas-threads-per-product).
inline constexpr double blas_crossover_mnk = 1e7;

// The threads a product op(A) op(B), op(A): (m, k), op(B): (k, n), gets on `cores` cores. With
// r multiply-adds a second per thread and c the cost of each thread handed a part (waking it,
// joining it), P threads take t_P = s/(P r) + c P, least at P = √(s/(r c)); two beat one from
// s* = 4 r c, the crossover. So P = ⌊2 √(s/s*)⌋, from 1 to `cores`: 1 thread below the
// crossover, 2 from it, and all 16 of 16 cores only from 64 s*. On 2 cores: 1 below, all from it.
// A pure function of the shape and the cores.
int blas_threads_for(std::size_t m, std::size_t n, std::size_t k, int cores);

// Where this process's BLAS thread count comes from.
struct BlasThreadPolicy {
  bool active = false;   // true: the policy chooses per product
  int cores = 1;         // the threads OpenBLAS started with (its default: every core)
  std::string user_set;  // the variable that set them ("OPENBLAS_NUM_THREADS=1"), or ""
};

// This process's policy, read once (the environment, OpenBLAS's thread count).
const BlasThreadPolicy& blas_thread_policy();

// One line for `tapegrad info` and --version: "per product: 1 thread below m·n·k = 10000000, both cores from it", or
// what holds instead (the user's variable, or another BLAS).
std::string blas_thread_policy_str();

// Before a product: gives OpenBLAS the policy's thread count for it, calling
// openblas_set_num_threads only when OpenBLAS's current count differs. A no-op when the policy
// is not active, and on every thread but the first that asked (BlasPolicyOwner).
void use_blas_threads_for(std::size_t m, std::size_t n, std::size_t k);

// The thread count is one setting for the whole process: a thread changing it while another is
// inside a dgemm would race. So the policy belongs to the first thread that asks; once another
// thread asks, it is off for good (the count stays where it was, and each thread's products run
// with it, as with any OpenBLAS program). claim() is true on the owning thread only.
class BlasPolicyOwner {
 public:
  bool claim(std::thread::id me);

 private:
  std::atomic<std::thread::id> owner_{};
  std::atomic<bool> shared_{false};
};

}  // namespace tg
