# Precompiled headers for tapegrad's own targets with many files (the libraries and the test
# suites): xtensor, fmt and the common standard headers (cmake/precompiled.hpp) are parsed once
# per target instead of once per file. Measured on nn/train.cpp and nn/explain.cpp: about 40%
# less compile time each. Each target builds its own (the flags differ between targets).
# ccache caches such compiles only with CCACHE_SLOPPINESS=pch_defines,time_macros: a build with
# CMAKE_CXX_COMPILER_LAUNCHER=ccache gets it set below.
option(TG_PCH "Precompile xtensor, fmt and common standard headers for tapegrad's own targets" ${PROJECT_IS_TOP_LEVEL})

# tg_precompile(target [SKIP source...]): the target's files get cmake/precompiled.hpp
# precompiled; the sources after SKIP don't (a file that must #define something before a
# header the precompiled one already includes, such as doctest's main()).
function(tg_precompile target)
  if(NOT TG_PCH)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SKIP")
  target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/precompiled.hpp)
  if(arg_SKIP)
    set_source_files_properties(${arg_SKIP} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
endfunction()

# A build that compiles through ccache (CMAKE_<LANG>_COMPILER_LAUNCHER=ccache): the sloppiness
# ccache needs to cache a compile that uses a precompiled header, set for ccache alone.
if(TG_PCH)
  foreach(lang C CXX)
    if(CMAKE_${lang}_COMPILER_LAUNCHER MATCHES "(^|/)ccache$")
      set(CMAKE_${lang}_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros
          ${CMAKE_${lang}_COMPILER_LAUNCHER})
    endif()
  endforeach()
endif()
