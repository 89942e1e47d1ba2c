// The headers that most of tapegrad's own files include and that take the longest to parse
// (xtensor above all: about half of a typical file's compile time), precompiled once per target
// when TG_PCH is ON (cmake/tg_pch.cmake). Library and standard headers only: a project header
// here would hide a missing #include in a file that uses it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

// The same switch as autodiff/tensor.hpp: xtensor 0.26 moved its headers.
#if __has_include(<xtensor/containers/xarray.hpp>)
#include <xtensor/containers/xarray.hpp>
#include <xtensor/views/xview.hpp>
#else
#include <xtensor/xarray.hpp>
#include <xtensor/xview.hpp>
#endif
