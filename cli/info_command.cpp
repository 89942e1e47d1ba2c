#include "cli/info_command.hpp"

#include <atomic>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "autodiff/blas_info.hpp"
#include "autodiff/blas_threads.hpp"

namespace tg::cli {

std::string blas_summary_line() {
  const BlasInfo info = blas_info();
  const std::string kernel = info.kernel.empty() ? "" : fmt::format(", {} kernel", info.kernel);
  return fmt::format("BLAS: {}{}; threads: {}", info.library, kernel, blas_thread_policy_str());
}

int run_info(std::FILE* out) {
  const BlasInfo info = blas_info();
  const std::string units = cpu_vector_units();
  fmt::print(out, "BLAS library:  {}\n", info.library);
  if (!info.kernel.empty()) fmt::print(out, "kernel:        {}\n", info.kernel);
  if (!info.config.empty()) fmt::print(out, "build:         {}\n", info.config);
  // The machine's cores, not OpenBLAS's thread count (which OPENBLAS_NUM_THREADS may have set).
  fmt::print(out, "CPU:           {} cores{}\n", std::thread::hardware_concurrency(),
             units.empty() ? "" : fmt::format(", {}", units));
  fmt::print(out, "threads:       {}\n", blas_thread_policy_str());
  if (const std::optional<std::string> hint = blas_kernel_hint())
    fmt::print(out, "note:          {}\n", *hint);
  return 0;
}

void warn_slow_blas_kernel(std::FILE* err) {
  static std::atomic<bool> said{false};
  if (said.exchange(true)) return;
  if (const std::optional<std::string> hint = blas_kernel_hint())
    fmt::print(err, "tapegrad: note: {}\n", *hint);
}

}  // namespace tg::cli
