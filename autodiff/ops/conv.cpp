// The three convolution ops. Each is bilinear, and its derivatives are the other two:
// with y = conv2d(x, w), ⟨y, gy⟩ = ⟨x, conv2d_input_grad(gy, w)⟩ = ⟨w, conv2d_weight_grad(x, gy)⟩,
// so differentiating any one of them in either argument gives another of the three.
#include "autodiff/ops/conv.hpp"

#include <cstdint>
#include <memory>
#include <optional>
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

// A plain backward pass (nothing recorded) computes conv2d's gradients together where it can:
// - wanting ∂C/∂x and ∂C/∂w, it computes both (and ∂C/∂b if wanted) in one loop over the
//   examples (conv2d_grad_values), in x's derivative, the first the engine calls (edges in order);
// - wanting ∂C/∂w and ∂C/∂b but not ∂C/∂x, it computes them in one pass over gy
//   (conv2d_param_grad_values), in w's derivative.
// What is computed for a later derivative of the same pass is kept here, and that derivative
// takes it instead of computing it again. Kept for one pass only: a value a pass did not take
// (it stopped in between, e.g. on an anomaly_error) is never handed to a later one; it is held
// until a later pass keeps others or the node lets go of its derivatives. When the pass is recorded (create_graph),
// the derivatives are conv2d_dx, conv2d_dw and conv2d_db above, each recording its own ops.
struct KeptGradients {
  std::uint64_t pass = 0;  // the backward pass they were computed in (0: none)
  std::optional<Tensor> w, b;
};

// The backward pass now running through the op's output (the engine marks each node it visits).
std::uint64_t current_pass(const Backward& ctx) { return ctx.y.node()->scratch.pass; }

// Does this pass want input i's gradient? The engine marks the inputs it reached in the pass,
// and whether a wanted gradient lies beyond them (`needed`): then it calls their derivatives.
bool wanted(const Backward& ctx, std::size_t i) {
  const detail::Node& in = *ctx.x(i).node();
  return in.requires_grad && in.scratch.pass == current_pass(ctx) && in.scratch.needed;
}

// Takes the kept value `slot` if this pass computed it.
std::optional<Tensor> take(KeptGradients& kept, std::optional<Tensor> KeptGradients::*slot,
                           const Backward& ctx) {
  if (kept.pass != current_pass(ctx) || !(kept.*slot)) return std::nullopt;
  std::optional<Tensor> t = std::move(kept.*slot);
  kept.*slot = std::nullopt;
  return t;
}

// ∂C/∂x; when the pass wants ∂C/∂w too, computed with it (and ∂C/∂b, input 2, if wanted) in one
// loop, the two kept for the derivatives after this one.
Derivative conv2d_dx_keeping(std::size_t stride, std::size_t padding, bool has_bias,
                             std::shared_ptr<KeptGradients> kept) {
  return [stride, padding, has_bias, kept](const Backward& ctx) {
    if (is_grad_enabled() || !wanted(ctx, 1)) return conv2d_dx(stride, padding)(ctx);
    const ConvGeometry g = conv_geometry(ctx.x(0).shape(), ctx.x(1).shape(), stride, padding, "conv2d");
    const bool with_b = has_bias && wanted(ctx, 2);
    ConvGrads grads = conv2d_grad_values(ctx.x(0).value(), ctx.x(1).value(), ctx.gy.value(), g, with_b);
    *kept = {current_pass(ctx), std::move(grads.w), std::nullopt};
    if (with_b) kept->b = std::move(grads.b);
    return Variable(std::move(grads.x));
  };
}

// ∂C/∂w: kept by x's derivative, or computed here, with ∂C/∂b kept for b's when the pass wants it.
Derivative conv2d_dw_keeping(std::size_t stride, std::size_t padding, bool has_bias,
                             std::shared_ptr<KeptGradients> kept) {
  return [stride, padding, has_bias, kept](const Backward& ctx) {
    if (std::optional<Tensor> dw = take(*kept, &KeptGradients::w, ctx)) return Variable(std::move(*dw));
    if (is_grad_enabled() || !has_bias || !wanted(ctx, 2)) return conv2d_dw(stride, padding)(ctx);
    const ConvGeometry g = conv_geometry(ctx.x(0).shape(), ctx.x(1).shape(), stride, padding, "conv2d");
    ConvParamGrads grads = conv2d_param_grad_values(ctx.x(0).value(), ctx.gy.value(), g);
    *kept = {current_pass(ctx), std::nullopt, std::move(grads.b)};
    return Variable(std::move(grads.w));
  };
}

Derivative conv2d_db_kept(std::shared_ptr<KeptGradients> kept) {
  return [kept](const Backward& ctx) {
    if (std::optional<Tensor> db = take(*kept, &KeptGradients::b, ctx)) return Variable(std::move(*db));
    return conv2d_db(ctx);
  };
}

}  // namespace

// y = W · im2col(x) + b        ∂C/∂x = conv2d_input_grad(gy, w)    ∂C/∂w = conv2d_weight_grad(x, gy)
//                              ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j]
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, std::size_t stride,
                std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w.shape(), stride, padding, "conv2d");
  auto kept = std::make_shared<KeptGradients>();
  return define_op("conv2d", conv2d_values(x.value(), w.value(), b.value(), g),
                   {{x, conv2d_dx_keeping(stride, padding, true, kept)},
                    {w, conv2d_dw_keeping(stride, padding, true, kept)},
                    {b, conv2d_db_kept(kept)}});
}

// y = W · im2col(x)            as above, without b
Variable conv2d(const Variable& x, const Variable& w, std::size_t stride, std::size_t padding) {
  const ConvGeometry g = conv_geometry(x.shape(), w.shape(), stride, padding, "conv2d");
  auto kept = std::make_shared<KeptGradients>();
  return define_op("conv2d", conv2d_values(x.value(), w.value(), g),
                   {{x, conv2d_dx_keeping(stride, padding, false, kept)},
                    {w, conv2d_dw_keeping(stride, padding, false, kept)}});
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
