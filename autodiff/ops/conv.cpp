// The three convolution ops. Each is bilinear, and its derivatives are the other two:
// with y = conv2d(x, w), ⟨y, gy⟩ = ⟨x, conv2d_input_grad(gy, w)⟩ = ⟨w, conv2d_weight_grad(x, gy)⟩,
// so differentiating any one of them in either argument gives another of the three.
#include "autodiff/ops/conv.hpp"

#include <cstdint>
#include <memory>
#include <utility>

#include "autodiff/conv_kernels.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/grad_mode.hpp"
#include "autodiff/node.hpp"
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

// With a bias, a plain backward pass (nothing recorded) computes ∂C/∂w and ∂C/∂b in one pass
// over gy (conv2d_param_grad_values): w's derivative keeps ∂C/∂b here, and b's derivative, which
// the engine calls next in the same pass (edges in order), takes it instead of summing gy once
// more. Kept for one pass only: a pass that did not ask for ∂C/∂b leaves nothing a later one
// could take. When the pass is recorded (create_graph), each derivative is its own op.
struct KeptBiasGradient {
  std::uint64_t pass = 0;  // the backward pass it was computed in (0: none)
  Tensor db;
};

// The backward pass now running through the op's output (the engine marks each node it visits).
std::uint64_t current_pass(const Backward& ctx) { return ctx.y.node()->scratch.pass; }

Derivative conv2d_dw_keeping_db(std::size_t stride, std::size_t padding,
                                std::shared_ptr<KeptBiasGradient> kept) {
  return [stride, padding, kept](const Backward& ctx) {
    if (is_grad_enabled() || !ctx.x(2).requires_grad()) return conv2d_dw(stride, padding)(ctx);
    const ConvGeometry g = conv_geometry(ctx.x(0).shape(), ctx.x(1).shape(), stride, padding, "conv2d");
    ConvParamGrads grads = conv2d_param_grad_values(ctx.x(0).value(), ctx.gy.value(), g);
    *kept = {current_pass(ctx), std::move(grads.b)};
    return Variable(std::move(grads.w));
  };
}

Derivative conv2d_db_kept(std::shared_ptr<KeptBiasGradient> kept) {
  return [kept](const Backward& ctx) {
    if (kept->pass == 0 || kept->pass != current_pass(ctx)) return conv2d_db(ctx);
    Variable db(std::move(kept->db));
    *kept = {};
    return db;
  };
}

}  // namespace

// y = W · im2col(x) + b        ∂C/∂x = conv2d_input_grad(gy, w)    ∂C/∂w = conv2d_weight_grad(x, gy)
//                              ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j]
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, std::size_t stride,
                std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w.shape(), stride, padding, "conv2d");
  auto kept = std::make_shared<KeptBiasGradient>();
  return define_op("conv2d", conv2d_values(x.value(), w.value(), b.value(), g),
                   {{x, conv2d_dx(stride, padding)},
                    {w, conv2d_dw_keeping_db(stride, padding, kept)},
                    {b, conv2d_db_kept(kept)}});
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
