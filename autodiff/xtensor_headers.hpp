// xtensor's headers beyond xarray, for the files that slice (xt::view, xt::range, xt::all),
// reshape (xt::transpose, xt::squeeze) or compare (xt::allclose) with xtensor directly.
// Debian's 0.24 keeps them at the top of xtensor/; 0.26 moved them into subdirectories. This is
// the one place that knows both layouts (autodiff/tensor.hpp does the same for xarray).
#pragma once

#include "autodiff/tensor.hpp"  // first: it defines the allocator every xtensor header must see

#if __has_include(<xtensor/views/xview.hpp>)
#include <xtensor/core/xmath.hpp>
#include <xtensor/misc/xmanipulation.hpp>
#include <xtensor/views/xview.hpp>
#else
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>
#endif
