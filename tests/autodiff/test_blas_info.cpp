#include "autodiff/blas_info.hpp"

#include <doctest/doctest.h>

using namespace tg;

namespace {
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("blas_kernel_hint: a kernel without AVX2 on a CPU with it gets OPENBLAS_CORETYPE") {
  const auto prescott = blas_kernel_hint("Prescott", "AVX2");
  REQUIRE(prescott);
  CHECK(contains(*prescott, "Prescott"));
  CHECK(contains(*prescott, "OPENBLAS_CORETYPE=Haswell"));
  const auto generic = blas_kernel_hint("Generic", "AVX-512");
  REQUIRE(generic);
  CHECK(contains(*generic, "AVX-512"));
  CHECK(contains(*generic, "OPENBLAS_CORETYPE=SkylakeX"));
  CHECK(blas_kernel_hint("generic", "AVX2"));
}

TEST_CASE("blas_kernel_hint: nothing for a fast kernel, or a CPU without AVX2") {
  for (const char* fast : {"Haswell", "Zen", "SkylakeX", "CooperLake", "SapphireRapids"}) {
    CHECK_FALSE(blas_kernel_hint(fast, "AVX2"));
    CHECK_FALSE(blas_kernel_hint(fast, "AVX-512"));
  }
  CHECK_FALSE(blas_kernel_hint("Prescott", ""));  // an old CPU: the kernel fits it
  CHECK_FALSE(blas_kernel_hint("", "AVX2"));      // no OpenBLAS: no kernel to judge
}

TEST_CASE("blas_info names OpenBLAS, its kernel and its build") {
  const BlasInfo info = blas_info();
  REQUIRE(contains(info.library, "OpenBLAS"));  // the build links OpenBLAS (cmake/tapegradDependencies.cmake)
  CHECK_FALSE(info.kernel.empty());
  CHECK(contains(info.config, "OpenBLAS"));
  CHECK(info.cores >= 1);
}
