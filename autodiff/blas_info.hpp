// What BLAS this process runs: the library, the kernel it chose for this CPU, its build, and a
// hint when that kernel leaves the CPU's vector units unused. For `tapegrad info`, --version and
// train's one-time warning.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tg {

struct BlasInfo {
  std::string library;  // "OpenBLAS 0.3.21", "plain loops (no BLAS)", or "a CBLAS (not OpenBLAS)"
  std::string kernel;   // openblas_get_corename(): "Haswell", "SkylakeX", "Prescott", ...; or ""
  std::string config;   // openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH ... MAX_THREADS=64"; or ""
  int cores = 1;        // the threads OpenBLAS started with
};

BlasInfo blas_info();

// What the CPU's vector units are, as __builtin_cpu_supports reports them: "AVX-512", "AVX2" or "".
std::string cpu_vector_units();

// When `kernel` is one of OpenBLAS's kernels without AVX2 (a generic one, as OpenBLAS picks in
// sandboxes that hide CPUID) on a CPU with `cpu_units` "AVX2" or "AVX-512": the advice to set
// OPENBLAS_CORETYPE (Haswell, or SkylakeX with AVX-512). Otherwise nothing. A pure function.
std::optional<std::string> blas_kernel_hint(std::string_view kernel, std::string_view cpu_units);

// The hint for this process (its kernel, its CPU), or nothing.
std::optional<std::string> blas_kernel_hint();

}  // namespace tg
