#include "autodiff/blas_info.hpp"

#include <algorithm>
#include <cctype>

#ifndef TG_PLAIN_GEMM
#include <cblas.h>  // OpenBLAS's defines OPENBLAS_VERSION and declares openblas_get_corename
#endif

#include <fmt/format.h>

#include "autodiff/blas_threads.hpp"

namespace tg {

namespace {

std::string trimmed(std::string s) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

BlasInfo blas_info() {
  BlasInfo info;
  info.cores = blas_thread_policy().cores;
#if defined(TG_PLAIN_GEMM)
  info.library = "plain loops (no BLAS)";
#elif defined(OPENBLAS_VERSION)
  info.library = trimmed(OPENBLAS_VERSION);  // the header's; the config below is the library's own
  info.kernel = trimmed(openblas_get_corename());
  info.config = trimmed(openblas_get_config());
#else
  info.library = "a CBLAS (not OpenBLAS)";
#endif
  return info;
}

std::string cpu_vector_units() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f")) return "AVX-512";
  if (__builtin_cpu_supports("avx2")) return "AVX2";
#endif
  return "";
}

std::optional<std::string> blas_kernel_hint(std::string_view kernel, std::string_view cpu_units) {
  if (kernel.empty() || (cpu_units != "AVX2" && cpu_units != "AVX-512")) return std::nullopt;
  // OpenBLAS 0.3's x86-64 kernels that use AVX2 (and AVX-512 from SkylakeX on).
  for (const char* fast : {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"})
    if (lower(kernel) == fast) return std::nullopt;
  const char* coretype = cpu_units == "AVX-512" ? "SkylakeX" : "Haswell";
  return fmt::format(
      "OpenBLAS runs its {} kernel, which leaves this CPU's {} unused (as when it cannot identify the CPU); "
      "products may be several times slower. Run with OPENBLAS_CORETYPE={} (for example "
      "`OPENBLAS_CORETYPE={} tapegrad train ...`) to choose the fast kernel.",
      kernel, cpu_units, coretype, coretype);
}

std::optional<std::string> blas_kernel_hint() {
  return blas_kernel_hint(blas_info().kernel, cpu_vector_units());
}

}  // namespace tg
