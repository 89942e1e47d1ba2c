// Tensor: the values the engine computes with, and helpers for shapes and printing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

// The allocator is part of the type xt::xarray<double>, so the library and every program using it
// must agree on it: std::allocator (xsimd's aligned one is slow for small tensors, docs/design.md).
// The CMake targets pass this definition to every compiler call, whatever the order of includes;
// without CMake (pkg-config, by hand) it comes from here, which must then precede any xtensor header.
#ifndef XTENSOR_DEFAULT_ALLOCATOR
#define XTENSOR_DEFAULT_ALLOCATOR(T) std::allocator<T>
#endif
// xtensor 0.26 moved its headers into subdirectories; Debian's 0.24 has them at the top.
#if __has_include(<xtensor/containers/xarray.hpp>)
#include <xtensor/containers/xarray.hpp>
#else
#include <xtensor/xarray.hpp>
#endif

namespace tg {

// A dense, row-major array of doubles; 0-d (shape ()) holds one scalar.
using Tensor = xt::xarray<double>;
static_assert(std::is_same_v<Tensor::allocator_type, std::allocator<double>>,
              "tapegrad is built with XTENSOR_DEFAULT_ALLOCATOR(T)=std::allocator<T>: include a tapegrad "
              "header before any xtensor header, or link the CMake target tapegrad::autodiff");
// A shape: one extent per axis, e.g. {2, 3} for a 2×3 matrix, {} for a scalar.
using Shape = std::vector<std::size_t>;

// The shape of t as a Shape.
Shape shape_of(const Tensor& t);

// Do a and b have the same shape? (Compares in place, without building Shapes.)
inline bool same_shape(const Tensor& a, const Tensor& b) {
  return std::equal(a.shape().begin(), a.shape().end(), b.shape().begin(), b.shape().end());
}

// Number of elements a tensor of this shape holds (1 for the 0-d shape).
std::size_t numel(const Shape& shape);

// "(2,3)", "(3)", "()": how every error message and picture prints a shape.
std::string shape_str(const Shape& shape);
std::string shape_str(const Tensor& t);

// A 0-d tensor holding v.
Tensor scalar_tensor(double v);

// A column vector (n, 1), as in Nielsen's notation: column({1.0, 2.0}) is [[1], [2]].
// (The literal Tensor{{1.0}, {2.0}} is ambiguous in xtensor 0.24.)
Tensor column(std::initializer_list<double> values);

// A tensor of the given shape filled with v.
Tensor filled(const Shape& shape, double v);

// The numbers of t, NumPy-style: "[[1, 2], [3, 4]]"; long tensors are elided with "...".
// precision (significant digits) must be ≥ 0 (std::invalid_argument otherwise).
std::string format_tensor(const Tensor& t, int precision = 6, std::size_t max_elements = 64);

// The element index (row-major multi-index) of flat position i, printed as "(1,2)".
// i < numel(shape), or std::out_of_range.
std::string index_str(const Shape& shape, std::size_t flat);

// The flat position of t's first NaN or infinity, or nullopt when every element is finite.
std::optional<std::size_t> first_non_finite(const Tensor& t);
// A value that is not finite by name: "nan" (whatever its sign bit), "inf" or "-inf".
const char* non_finite_name(double v);

// Normalises a possibly negative axis for a tensor of rank `rank` (-1 is the last axis);
// throws tg::shape_error naming the op and the shape when it is out of range.
std::size_t normalize_axis(const char* op, long axis, const Shape& shape);

}  // namespace tg
