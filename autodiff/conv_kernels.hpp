// Convolution on plain Tensors: the geometry check, im2col and its adjoint col2im, and the
// convolution by its definition. The conv2d ops (autodiff/ops/conv.cpp) and nn's hand-written
// backpropagation both use them, so the unfolding is written once.
//
// Layout: x (N, C, H, W) and w (F, C, K, K'), row-major; the output is (N, F, H', W') with
//   H' = (H + 2p − K)/s + 1,  W' = (W + 2p − K')/s + 1   (integer division: the last rows and
//   columns a stride s does not reach are left out, as in PyTorch)
// for stride s and a zero padding of p on every side.
#pragma once

#include <cstddef>

#include "autodiff/tensor.hpp"

namespace tg {

struct ConvGeometry {
  std::size_t batch, channels, height, width;  // x: (N, C, H, W)
  std::size_t filters, kernel_h, kernel_w;     // w: (F, C, K, K')
  std::size_t stride, padding;
  std::size_t out_h() const;  // H'
  std::size_t out_w() const;  // W'
  // The unfolded input im2col makes: (C·K·K', N·H'·W').
  std::size_t cols_rows() const { return channels * kernel_h * kernel_w; }
  std::size_t cols_cols() const { return batch * out_h() * out_w(); }
  Shape x_shape() const { return {batch, channels, height, width}; }
  Shape w_shape() const { return {filters, channels, kernel_h, kernel_w}; }
  Shape y_shape() const { return {batch, filters, out_h(), out_w()}; }
};

// Checks that x (N, C, H, W) and w (F, C, K, K') can be convolved with this stride and padding,
// and returns their geometry. Throws tg::shape_error naming `op`, both shapes and what disagrees:
//   "conv2d: x (64,1,28,28) and w (20,3,5,5): 1 input channel, the kernel expects 3"
// for: a rank other than 4, different channel counts, an empty kernel, a kernel larger than the
// padded input, a zero stride, a stride or padding with the top bit set (a negative number
// converted to std::size_t), and an unfolded input whose element count overflows.
ConvGeometry conv_geometry(const Shape& x, const Shape& w, std::size_t stride, std::size_t padding,
                           const char* op);

// The windows of pooling: kernel×kernel, moved by `stride` over every channel of x (N, C, H, W),
// no padding; as a ConvGeometry with one "filter" per channel (filters = channels). The output
// is (N, C, H', W'), H' = (H − kernel)/stride + 1. Throws tg::shape_error naming `op` and x for
// a rank other than 4, kernel 0, a window larger than the input, stride 0 and a stride with
// the top bit set: "max_pool2d: x (1,1,3,3): the window's height 4 is larger than the input's 3".
ConvGeometry pool_geometry(const Shape& x, std::size_t kernel, std::size_t stride, const char* op);

// b must be (F), one bias per filter (tg::shape_error naming `op`, b and w otherwise).
void check_conv_bias(const Shape& b, const ConvGeometry& g, const char* op);

// The unfolded input: column (n, i, j) holds the patch of x that output position (i, j) of
// example n sees, padding included as zeros; row (c, a, b) is channel c, kernel offset (a, b):
//   cols[(c·K + a)·K' + b, (n·H' + i)·W' + j] = x[n, c, i·s + a − p, j·s + b − p]  (0 outside x)
// Then a convolution is one matrix product, W (F, C·K·K') · cols.
// x: (N, C, H, W) -> (C·K·K', N·H'·W'). x must have g's shape (tg::shape_error otherwise).
Tensor im2col(const Tensor& x, const ConvGeometry& g);

// The adjoint of im2col: every entry of cols is added back to the element of x it was copied
// from (entries that came from the padding are dropped), so overlapping patches sum:
// ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩.   cols: (C·K·K', N·H'·W') -> (N, C, H, W)
Tensor col2im(const Tensor& cols, const ConvGeometry& g);

// The convolution and its two gradients as matrix products, the values of the ops conv2d,
// conv2d_input_grad and conv2d_weight_grad (autodiff/ops/conv.hpp), for code that needs the
// numbers without a graph. With cols = im2col(x), W the kernel as an (F, C·K·K') matrix and
// Δ = ∂C/∂y as an (F, N·H'·W') matrix (Δ[f, (n·H' + i)·W' + j] = gy[n, f, i, j]):
//   y = W · cols (+ b[f] on every element of feature map f)     -> (N, F, H', W')
//   ∂C/∂x = col2im(Wᵀ · Δ)                                       -> (N, C, H, W)
//   ∂C/∂w = Δ · colsᵀ                                            -> (F, C, K, K')
// Computed one example at a time: a cblas_dgemm per example on that example's columns, which
// stay in the cache (conv_kernels.cpp). The shapes must be those of g (tg::shape_error otherwise).
Tensor conv2d_values(const Tensor& x, const Tensor& w, const Tensor& b, const ConvGeometry& g);
Tensor conv2d_values(const Tensor& x, const Tensor& w, const ConvGeometry& g);  // no bias
Tensor conv2d_input_grad_values(const Tensor& gy, const Tensor& w, const ConvGeometry& g);
Tensor conv2d_weight_grad_values(const Tensor& x, const Tensor& gy, const ConvGeometry& g);

// ∂C/∂w as above and ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j] together, in one pass over gy: the
// bias is the weight of an input that is always 1, so one more row of ones under cols gives
// [∂C/∂w | ∂C/∂b] = Δ · [cols; 1]ᵀ from the same gemm. w: (F, C, K, K'), b: (F).
struct ConvParamGrads {
  Tensor w, b;
};
ConvParamGrads conv2d_param_grad_values(const Tensor& x, const Tensor& gy, const ConvGeometry& g);

// All of y = conv2d(x, w, b)'s gradients in one loop over the examples, bit for bit those of
// the kernels above (the same products and sums): ∂C/∂x as conv2d_input_grad_values; with
// with_bias ∂C/∂w and ∂C/∂b as conv2d_param_grad_values, without it ∂C/∂w as
// conv2d_weight_grad_values and b empty, (0). For each example n, into one buffer of one
// example's size: cols_n = im2col(x_n), [∂C/∂w | ∂C/∂b] += gy_n · [cols_n; 1]ᵀ (∂C/∂w +=
// gy_n · cols_nᵀ without the bias), then Wᵀ · gy_n over cols_n (∂C/∂x does not use it) and
// col2im into dx_n. The work is that of the two kernels
// (one im2col per example, as for ∂C/∂w alone; the same gemms); what is saved is memory
// traffic: the second gemm reads gy_n just after the first, while it is still in the cache,
// where the two kernels one after the other read all of gy twice (from memory once gy is larger
// than the cache), and the one buffer, used by every step, stays in the cache where two would
// share it. For a plain backward pass that wants both x's and w's gradients
// (autodiff/ops/conv.cpp).
struct ConvGrads {
  Tensor x, w, b;
};
ConvGrads conv2d_grad_values(const Tensor& x, const Tensor& w, const Tensor& gy, const ConvGeometry& g,
                             bool with_bias);

// The convolution by its definition, the simple reference the fast path is tested against:
//   y[n, f, i, j] = b[f] + Σ_c Σ_a Σ_b' w[f, c, a, b'] · x[n, c, i·s + a − p, j·s + b' − p]
// (a cross-correlation, as in every deep learning library; 0 outside x).
// x: (N, C, H, W), w: (F, C, K, K'), b: (F) -> (N, F, H', W')
Tensor conv2d_direct(const Tensor& x, const Tensor& w, const Tensor& b, std::size_t stride,
                     std::size_t padding);

}  // namespace tg
