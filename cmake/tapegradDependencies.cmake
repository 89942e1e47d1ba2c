# The libraries that tapegrad::autodiff and tapegrad::nn use, each with the Debian package that
# provides it. Read by the build (CMakeLists.txt) and by the installed tapegradConfig.cmake, so
# that the two find the same things; the build's other packages (CLI11 for the program, doctest,
# Google Benchmark) are found where they are used.
set(TG_DEPENDENCIES
  "xsimd|libxsimd-dev"               # xtensor's vectorised loops (before xtensor: it looks for it)
  "xtensor|libxtensor-dev"           # tensors (brings xtl)
  "fmt|libfmt-dev"                   # formatting
  "nlohmann_json|nlohmann-json3-dev" # checkpoint metadata (JSON)
  "BLAS|libopenblas-dev"             # cblas_dgemm for matmul
  "ZLIB|zlib1g-dev")                 # .gz IDX files; the report's PNG images

# tg_find_dependencies(MISSING): finds each library; MISSING is set to a message naming the
# Debian package of the first one not found, or to "" when all are. A function, so that its
# variables (BLA_VENDOR) stay out of the caller's scope; the imported targets it creates do not.
function(tg_find_dependencies missing)
  set(BLA_VENDOR OpenBLAS)
  foreach(entry IN LISTS TG_DEPENDENCIES)
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 package)
    list(GET entry 1 debian)
    find_package(${package} QUIET)
    if(NOT ${package}_FOUND)
      set(${missing} "tapegrad needs ${package}, which CMake did not find: install Debian's package \
${debian} (sudo apt install ${debian})" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${missing} "" PARENT_SCOPE)
endfunction()
