# tg_options: the compiler flags of tapegrad's own targets (libraries, program, tests, examples,
# benchmarks, fuzz targets), in one place. Every target links it itself; nothing passes it on to
# a project that uses tapegrad.
add_library(tg_options INTERFACE)
target_compile_options(tg_options INTERFACE -Wall -Wextra -Wpedantic)
# `#pragma omp simd` marks the few hot loops (the optimizers' update) that the compiler may
# vectorise, reductions included; -fopenmp-simd honours only those pragmas (no OpenMP runtime).
target_compile_options(tg_options INTERFACE -fopenmp-simd)
if(TG_NATIVE)
  target_compile_options(tg_options INTERFACE -march=native)
endif()
if(TG_SANITIZE)
  target_compile_options(tg_options INTERFACE -fsanitize=${TG_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(tg_options INTERFACE -fsanitize=${TG_SANITIZE})
endif()

# TG_BUILD_FUZZ (fuzz/run.sh): every target gets libFuzzer's coverage instrumentation and
# ASan/UBSan; only the fuzz executables link libFuzzer itself (its main(), TG_FUZZ_LINK_FLAGS).
if(TG_BUILD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "TG_BUILD_FUZZ needs clang's libFuzzer (configure with CXX=clang++): fuzz/ is not built")
  set(TG_BUILD_FUZZ OFF)
endif()
if(TG_BUILD_FUZZ)
  target_compile_options(tg_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                                              -fno-omit-frame-pointer)
  target_link_options(tg_options INTERFACE -fsanitize=address,undefined)
  set(TG_FUZZ_LINK_FLAGS -fsanitize=fuzzer)
endif()
