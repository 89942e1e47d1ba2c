// Pooling ops. Max pooling is a selection: y = x[argmax], with the positions argmax chosen by
// x's values but constant under a small change of x (without ties), like relu's mask. Its
// backward scatters gy to those positions and the scatter's derivative gathers from them, so
// the pair max_pool2d_input_grad / max_pool2d_gather, sharing the positions, differentiates
// into itself. Average pooling is linear; its backward is its adjoint, and that one's is it.
#include "autodiff/ops/pool.hpp"

#include <memory>
#include <vector>

#include <fmt/format.h>

#include "autodiff/conv_kernels.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/ops/shape.hpp"
#include "autodiff/pool_kernels.hpp"

namespace tg {

namespace {

// The positions of the maxima, shared (not copied) by the derivatives that need them.
using Positions = std::shared_ptr<const std::vector<std::size_t>>;

Variable gather(const Variable& v, const Positions& argmax, const Shape& y_shape);

// y[argmax[o]] += gy[o]          ∂C/∂gy = gather of G at argmax
Variable scatter(const Variable& gy, const Positions& argmax, const Shape& x_shape) {
  return define_op("max_pool2d_input_grad", scatter_to_argmax(gy.value(), *argmax, x_shape),
                   {{gy,
                     [argmax](const Backward& ctx) { return gather(ctx.gy, argmax, ctx.x(0).shape()); }}});
}

// y[o] = v[argmax[o]]            ∂C/∂v = scatter of G to argmax
Variable gather(const Variable& v, const Positions& argmax, const Shape& y_shape) {
  return define_op("max_pool2d_gather", gather_at_argmax(v.value(), *argmax, y_shape),
                   {{v,
                     [argmax](const Backward& ctx) { return scatter(ctx.gy, argmax, ctx.x(0).shape()); }}});
}

// The maxima of x's windows, for an op that takes x only to choose positions.
MaxPool pool_max(const Variable& x, std::size_t kernel, std::size_t stride, const char* op) {
  return max_pool2d_values(x.value(), pool_geometry(x.shape(), kernel, stride, op));
}

void check_same_shape(const char* op, const char* a, const Shape& sa, const char* b, const Shape& sb) {
  if (sa != sb)
    throw shape_error(
        fmt::format("{}: {} {} and {} {} must have the same shape", op, a, shape_str(sa), b, shape_str(sb)));
}

}  // namespace

// y = x[argmax]                  ∂C/∂x = gy added at argmax (max_pool2d_input_grad)
Variable max_pool2d(const Variable& x, std::size_t kernel, std::size_t stride) {
  MaxPool m = pool_max(x, kernel, stride, "max_pool2d");
  const Positions argmax = std::make_shared<const std::vector<std::size_t>>(std::move(m.argmax));
  return define_op("max_pool2d", std::move(m.y), {{x, [argmax](const Backward& ctx) {
                                                     return scatter(ctx.gy, argmax, ctx.x(0).shape());
                                                   }}});
}

Variable max_pool2d_input_grad(const Variable& gy, const Variable& x, std::size_t kernel,
                               std::size_t stride) {
  MaxPool m = pool_max(x, kernel, stride, "max_pool2d_input_grad");
  check_same_shape("max_pool2d_input_grad", "gy", gy.shape(), "the pooled x", shape_of(m.y));
  return scatter(gy, std::make_shared<const std::vector<std::size_t>>(std::move(m.argmax)), x.shape());
}

Variable max_pool2d_gather(const Variable& v, const Variable& x, std::size_t kernel, std::size_t stride) {
  check_same_shape("max_pool2d_gather", "v", v.shape(), "x", x.shape());
  MaxPool m = pool_max(x, kernel, stride, "max_pool2d_gather");
  return gather(v, std::make_shared<const std::vector<std::size_t>>(std::move(m.argmax)), shape_of(m.y));
}

// y = mean of each window        ∂C/∂x = avg_pool2d_input_grad(gy)
Variable avg_pool2d(const Variable& x, std::size_t kernel, std::size_t stride) {
  const ConvGeometry g = pool_geometry(x.shape(), kernel, stride, "avg_pool2d");
  return define_op("avg_pool2d", avg_pool2d_values(x.value(), g),
                   {{x, [kernel, stride](const Backward& ctx) {
                       return avg_pool2d_input_grad(ctx.gy, ctx.x(0).shape(), kernel, stride);
                     }}});
}

// y = each gy/kernel² spread over its window     ∂C/∂gy = avg_pool2d(G)
Variable avg_pool2d_input_grad(const Variable& gy, const Shape& x_shape, std::size_t kernel,
                               std::size_t stride) {
  const ConvGeometry g = pool_geometry(x_shape, kernel, stride, "avg_pool2d_input_grad");
  return define_op("avg_pool2d_input_grad", avg_pool2d_input_grad_values(gy.value(), g),
                   {{gy,
                     [kernel, stride](const Backward& ctx) { return avg_pool2d(ctx.gy, kernel, stride); }}});
}

// A reshape to (N, rest): no op of its own.
Variable flatten(const Variable& x) {
  const Shape s = x.shape();
  if (s.empty()) throw shape_error("flatten: x () has no axis to keep as the batch");
  return reshape(x, {s[0], numel(Shape(s.begin() + 1, s.end()))});
}

}  // namespace tg
