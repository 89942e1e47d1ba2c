#include "autodiff/blas_threads.hpp"

#include <cmath>
#include <cstdlib>

#ifndef TG_PLAIN_GEMM
#include <cblas.h>  // OpenBLAS's declares openblas_set_num_threads and defines OPENBLAS_VERSION
#endif

#include <fmt/format.h>

namespace tg {

namespace {

#if !defined(TG_PLAIN_GEMM) && defined(OPENBLAS_VERSION)
constexpr bool openblas = true;
int openblas_threads() { return openblas_get_num_threads(); }
void set_openblas_threads(int n) { openblas_set_num_threads(n); }
#else
constexpr bool openblas = false;
int openblas_threads() { return 1; }
void set_openblas_threads(int) {}
#endif

// The variable the user set to choose OpenBLAS's threads, in the order OpenBLAS reads them
// ("OPENBLAS_NUM_THREADS=1"), or "".
std::string user_thread_variable() {
  for (const char* name : {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"})
    if (const char* value = std::getenv(name); value != nullptr && std::atoi(value) > 0)
      return fmt::format("{}={}", name, value);
  return "";
}

BlasThreadPolicy read_policy() {
  BlasThreadPolicy p;
  p.user_set = user_thread_variable();
  p.cores = openblas_threads();
  p.active = openblas && p.user_set.empty() && p.cores > 1;
  return p;
}

}  // namespace

int blas_threads_for(std::size_t m, std::size_t n, std::size_t k, int cores) {
  const double mnk = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (mnk < blas_crossover_mnk || cores <= 1) return 1;
  const double best = 2.0 * std::sqrt(mnk / blas_crossover_mnk);  // P = ⌊2 √(s/s*)⌋ ≥ 2
  return best >= cores ? cores : static_cast<int>(best);
}

const BlasThreadPolicy& blas_thread_policy() {
  static const BlasThreadPolicy policy = read_policy();
  return policy;
}

std::string blas_thread_policy_str() {
  const BlasThreadPolicy& p = blas_thread_policy();
  if (!openblas) return "the BLAS library's own (no per-product policy: it is not OpenBLAS)";
  if (!p.user_set.empty()) return fmt::format("as {} says (the per-product policy is off)", p.user_set);
  if (!p.active) return "1 thread (one core)";
  if (p.cores == 2)
    return fmt::format("per product: 1 thread below m·n·k = {:.0f}, both cores from it", blas_crossover_mnk);
  return fmt::format("per product: 1 thread below m·n·k = {:.0f}, 2 from it, all {} from {:.0f}",
                     blas_crossover_mnk, p.cores, blas_crossover_mnk * p.cores * p.cores / 4.0);
}

bool BlasPolicyOwner::claim(std::thread::id me) {
  if (shared_.load()) return false;
  std::thread::id owner{};  // none yet: this thread becomes the owner
  if (owner_.compare_exchange_strong(owner, me) || owner == me) return true;
  shared_.store(true);  // a second thread: off for good
  return false;
}

void use_blas_threads_for(std::size_t m, std::size_t n, std::size_t k) {
  const BlasThreadPolicy& p = blas_thread_policy();
  static BlasPolicyOwner owner;
  if (!p.active || !owner.claim(std::this_thread::get_id())) return;
  const int threads = blas_threads_for(m, n, k, p.cores);
  // Asked, not remembered: whoever else set OpenBLAS's count since is seen (asking is a read).
  if (openblas_threads() != threads) set_openblas_threads(threads);
}

}  // namespace tg
