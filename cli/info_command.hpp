// tapegrad info: what this build computes with. The BLAS library, the kernel OpenBLAS chose for
// this CPU and its build configuration, the cores, and the BLAS thread policy with its crossover
// (autodiff/blas_threads.hpp); and, when OpenBLAS runs a kernel that leaves the CPU's AVX2 or
// AVX-512 unused, how to choose the fast one. --version prints the first of these in one line.
#pragma once

#include <cstdio>
#include <string>

namespace tg::cli {

// "BLAS: OpenBLAS 0.3.21, Haswell kernel; threads per product: ..." (no newline).
std::string blas_summary_line();

// Prints the description to `out`; returns 0.
int run_info(std::FILE* out = stdout);

// Before training: the kernel hint (autodiff/blas_info.hpp) on `err`, once per process, or nothing.
void warn_slow_blas_kernel(std::FILE* err);

}  // namespace tg::cli
