#include "autodiff/pool_kernels.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg {

namespace {

// t must have the shape `expected` (tg::shape_error naming the function and the tensor).
void check_shape(const char* fn, const char* name, const Tensor& t, const Shape& expected) {
  if (shape_of(t) != expected)
    throw shape_error(fmt::format("{}: {} is {}, the pooling geometry says {}", fn, name, shape_str(t),
                                  shape_str(expected)));
}

// Calls f(o, first) for every output o of the pooling (flat in (N, C, H', W')) with the flat
// position in x of its window's top-left element; the window's element (a, b) is at
// first + a·W + b.
template <class F>
void for_each_window(const ConvGeometry& g, F f) {
  const std::size_t oh = g.out_h(), ow = g.out_w();
  std::size_t o = 0;
  for (std::size_t plane = 0; plane < g.batch * g.channels; ++plane)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j) f(o++, (plane * g.height + i * g.stride) * g.width + j * g.stride);
}

// Every position in argmax lies inside a tensor of `size` elements.
void check_positions(const char* fn, const std::vector<std::size_t>& argmax, std::size_t size,
                     const char* what) {
  const auto largest = std::max_element(argmax.begin(), argmax.end());
  if (largest != argmax.end() && *largest >= size)
    throw shape_error(fmt::format("{}: position {} is outside {} ({} elements)", fn, *largest, what, size));
}

}  // namespace

MaxPool max_pool2d_values(const Tensor& x, const ConvGeometry& g) {
  check_shape("max_pool2d", "x", x, g.x_shape());
  MaxPool r{Tensor::from_shape(g.y_shape()), std::vector<std::size_t>(numel(g.y_shape()))};
  const double* in = x.data();
  for_each_window(g, [&](std::size_t o, std::size_t first) {
    std::size_t best = first;
    for (std::size_t a = 0; a < g.kernel_h; ++a)
      for (std::size_t b = 0; b < g.kernel_w; ++b) {
        const std::size_t at = first + a * g.width + b;
        if (in[at] > in[best]) best = at;  // strictly greater: the first maximum stays
      }
    r.y.data()[o] = in[best];
    r.argmax[o] = best;
  });
  return r;
}

Tensor scatter_to_argmax(const Tensor& gy, const std::vector<std::size_t>& argmax, const Shape& x_shape) {
  if (gy.size() != argmax.size())
    throw shape_error(fmt::format("max_pool2d_input_grad: gy {} has {} elements, the pooling has {} outputs",
                                  shape_str(gy), gy.size(), argmax.size()));
  check_positions("max_pool2d_input_grad", argmax, numel(x_shape), "x");
  Tensor dx = filled(x_shape, 0.0);
  for (std::size_t o = 0; o < argmax.size(); ++o) dx.data()[argmax[o]] += gy.data()[o];
  return dx;
}

Tensor gather_at_argmax(const Tensor& v, const std::vector<std::size_t>& argmax, const Shape& y_shape) {
  if (numel(y_shape) != argmax.size())
    throw shape_error(fmt::format("max_pool2d_gather: y {} does not have one element per output ({})",
                                  shape_str(y_shape), argmax.size()));
  check_positions("max_pool2d_gather", argmax, v.size(), "v");
  Tensor y = Tensor::from_shape(y_shape);
  for (std::size_t o = 0; o < argmax.size(); ++o) y.data()[o] = v.data()[argmax[o]];
  return y;
}

Tensor avg_pool2d_values(const Tensor& x, const ConvGeometry& g) {
  check_shape("avg_pool2d", "x", x, g.x_shape());
  Tensor y = Tensor::from_shape(g.y_shape());
  const double scale = 1.0 / static_cast<double>(g.kernel_h * g.kernel_w);
  for_each_window(g, [&](std::size_t o, std::size_t first) {
    double sum = 0.0;
    for (std::size_t a = 0; a < g.kernel_h; ++a)
      for (std::size_t b = 0; b < g.kernel_w; ++b) sum += x.data()[first + a * g.width + b];
    y.data()[o] = sum * scale;
  });
  return y;
}

Tensor avg_pool2d_input_grad_values(const Tensor& gy, const ConvGeometry& g) {
  check_shape("avg_pool2d_input_grad", "gy", gy, g.y_shape());
  Tensor dx = filled(g.x_shape(), 0.0);
  const double scale = 1.0 / static_cast<double>(g.kernel_h * g.kernel_w);
  for_each_window(g, [&](std::size_t o, std::size_t first) {
    const double share = gy.data()[o] * scale;
    for (std::size_t a = 0; a < g.kernel_h; ++a)
      for (std::size_t b = 0; b < g.kernel_w; ++b) dx.data()[first + a * g.width + b] += share;
  });
  return dx;
}

}  // namespace tg
