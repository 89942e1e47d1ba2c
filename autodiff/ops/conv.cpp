// The three convolution ops. Each is bilinear, and its derivatives are the other two:
// with y = conv2d(x, w), ⟨y, gy⟩ = ⟨x, conv2d_input_grad(gy, w)⟩ = ⟨w, conv2d_weight_grad(x, gy)⟩,
// so differentiating any one of them in either argument gives another of the three.
#include "autodiff/ops/conv.hpp"

#include "autodiff/conv_kernels.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {

namespace {

// conv2d's derivatives, shared by its two overloads (inputs x, w and b).
// ∂C/∂x = conv2d_input_grad(gy, w): the full convolution of gy with the flipped kernel
Derivative conv2d_dx(std::size_t stride, std::size_t padding) {
  return [stride, padding](const Backward& ctx) {
    return conv2d_input_grad(ctx.gy, ctx.x(1), ctx.x(0).shape(), stride, padding);
  };
}
// ∂C/∂w = conv2d_weight_grad(x, gy): the correlation of x with gy
Derivative conv2d_dw(std::size_t stride, std::size_t padding) {
  return [stride, padding](const Backward& ctx) {
    return conv2d_weight_grad(ctx.x(0), ctx.gy, ctx.x(1).shape(), stride, padding);
  };
}
// ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j]
Variable conv2d_db(const Backward& ctx) {
  return reshape(sum_to(ctx.gy, {1, ctx.gy.shape()[1], 1, 1}), ctx.x(2).shape());
}

}  // namespace

// y = W · im2col(x) + b        ∂C/∂x = conv2d_input_grad(gy, w)    ∂C/∂w = conv2d_weight_grad(x, gy)
//                              ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j]
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, std::size_t stride,
                std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w.shape(), stride, padding, "conv2d");
  return define_op("conv2d", conv2d_values(x.value(), w.value(), b.value(), g),
                   {{x, conv2d_dx(stride, padding)}, {w, conv2d_dw(stride, padding)}, {b, conv2d_db}});
}

// y = W · im2col(x)            as above, without b
Variable conv2d(const Variable& x, const Variable& w, std::size_t stride, std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w.shape(), stride, padding, "conv2d");
  return define_op("conv2d", conv2d_values(x.value(), w.value(), g),
                   {{x, conv2d_dx(stride, padding)}, {w, conv2d_dw(stride, padding)}});
}

// y = col2im(Wᵀ · Δ), Δ = gy as (F, N·H'·W')   with G = ∂C/∂y (x's shape):
//   ∂C/∂gy = conv2d(G, w)    ∂C/∂w = conv2d_weight_grad(G, gy)
Variable conv2d_input_grad(const Variable& gy, const Variable& w, const Shape& x_shape, std::size_t stride,
                           std::size_t padding) {
  const ConvGeometry g = conv_geometry(x_shape, w.shape(), stride, padding, "conv2d_input_grad");
  const auto dgy = [stride, padding](const Backward& ctx) {
    return conv2d(ctx.gy, ctx.x(1), stride, padding);
  };
  const auto dw = [stride, padding](const Backward& ctx) {
    return conv2d_weight_grad(ctx.gy, ctx.x(0), ctx.x(1).shape(), stride, padding);
  };
  return define_op("conv2d_input_grad", conv2d_input_grad_values(gy.value(), w.value(), g),
                   {{gy, dgy}, {w, dw}});
}

// y = Δ · im2col(x)ᵀ           with G = ∂C/∂y (w's shape):
//   ∂C/∂x = conv2d_input_grad(gy, G)    ∂C/∂gy = conv2d(x, G)
Variable conv2d_weight_grad(const Variable& x, const Variable& gy, const Shape& w_shape, std::size_t stride,
                            std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w_shape, stride, padding, "conv2d_weight_grad");
  const auto dx = [stride, padding](const Backward& ctx) {
    return conv2d_input_grad(ctx.x(1), ctx.gy, ctx.x(0).shape(), stride, padding);
  };
  const auto dgy = [stride, padding](const Backward& ctx) {
    return conv2d(ctx.x(0), ctx.gy, stride, padding);
  };
  return define_op("conv2d_weight_grad", conv2d_weight_grad_values(x.value(), gy.value(), g),
                   {{x, dx}, {gy, dgy}});
}

}  // namespace tg
