#include "autodiff/conv_kernels.hpp"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/error.hpp"

namespace tg {

std::size_t ConvGeometry::out_h() const { return (height + 2 * padding - kernel_h) / stride + 1; }
std::size_t ConvGeometry::out_w() const { return (width + 2 * padding - kernel_w) / stride + 1; }

namespace {

// A std::size_t with its top bit set came from a negative number.
bool looks_negative(std::size_t v) { return v > std::numeric_limits<std::size_t>::max() / 2; }

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// stride ≥ 1, and neither stride nor padding a negative number in disguise.
void check_stride_padding(std::size_t stride, std::size_t padding, const char* op) {
  if (stride == 0) throw shape_error(fmt::format("{}: stride 0: the stride must be at least 1", op));
  if (looks_negative(stride))
    throw shape_error(
        fmt::format("{}: stride {} is a negative number converted to an unsigned size", op, stride));
  if (looks_negative(padding))
    throw shape_error(
        fmt::format("{}: padding {} is a negative number converted to an unsigned size", op, padding));
}

// The kernel fits in the padded input along one axis ("height" or "width").
void check_fits(const std::string& both, const char* axis, std::size_t extent, std::size_t kernel,
                std::size_t padding) {
  std::size_t padded = 0;
  if (__builtin_add_overflow(extent, 2 * padding, &padded))
    throw shape_error(fmt::format("{}: padding {} makes the padded {} overflow", both, padding, axis));
  if (kernel > padded)
    throw shape_error(
        fmt::format("{}: the kernel's {} {} is larger than the padded input's {} ({} {} + 2·padding {})",
                    both, axis, kernel, padded, axis, extent, padding));
}

// a₁·a₂·…, or false when the product overflows a std::size_t.
bool product(std::initializer_list<std::size_t> factors, std::size_t& out) {
  out = 1;
  for (std::size_t f : factors)
    if (__builtin_mul_overflow(out, f, &out)) return false;
  return true;
}

// The tensors the convolution allocates, in bytes, fit in a std::size_t: the unfolded input
// (C·K·K', N·H'·W') and the output (N, F, H', W').
void check_counts(const std::string& both, const ConvGeometry& g) {
  std::size_t cols = 0, y = 0;
  const std::size_t oh = g.out_h(), ow = g.out_w();
  if (!product({g.channels, g.kernel_h, g.kernel_w, g.batch, oh, ow, sizeof(double)}, cols) ||
      !product({g.batch, g.filters, oh, ow, sizeof(double)}, y))
    throw shape_error(
        fmt::format("{}: the unfolded input (C·K·K', N·H'·W') = ({}·{}·{}, {}·{}·{}) and the output "
                    "({},{},{},{}) have more bytes than memory can address",
                    both, g.channels, g.kernel_h, g.kernel_w, g.batch, oh, ow, g.batch, g.filters, oh, ow));
}

void check_rank(const std::string& both, const char* name, const Shape& s, const char* axes) {
  if (s.size() != 4)
    throw shape_error(fmt::format("{}: {} must have 4 axes ({}), it has {}", both, name, axes, s.size()));
}

}  // namespace

ConvGeometry conv_geometry(const Shape& x, const Shape& w, std::size_t stride, std::size_t padding,
                           const char* op) {
  const std::string both = fmt::format("{}: x {} and w {}", op, shape_str(x), shape_str(w));
  check_rank(both, "x", x, "batch, channels, height, width");
  check_rank(both, "w", w, "filters, channels, kernel height, kernel width");
  if (x[1] != w[1])
    throw shape_error(
        fmt::format("{}: {}, the kernel expects {}", both, plural(x[1], "input channel"), w[1]));
  if (w[2] == 0 || w[3] == 0)
    throw shape_error(fmt::format("{}: the kernel is {}×{}; it must be at least 1×1", both, w[2], w[3]));
  check_stride_padding(stride, padding, op);
  check_fits(both, "height", x[2], w[2], padding);
  check_fits(both, "width", x[3], w[3], padding);
  const ConvGeometry g{x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride, padding};
  check_counts(both, g);
  return g;
}

ConvGeometry pool_geometry(const Shape& x, std::size_t kernel, std::size_t stride, const char* op) {
  const std::string what = fmt::format("{}: x {}", op, shape_str(x));
  check_rank(what, "x", x, "batch, channels, height, width");
  if (kernel == 0) throw shape_error(fmt::format("{}: kernel 0: the window must be at least 1×1", what));
  check_stride_padding(stride, 0, op);
  for (const auto& [axis, extent] : {std::pair{"height", x[2]}, std::pair{"width", x[3]}})
    if (kernel > extent)
      throw shape_error(
          fmt::format("{}: the window's {} {} is larger than the input's {}", what, axis, kernel, extent));
  return ConvGeometry{x[0], x[1], x[2], x[3], x[1], kernel, kernel, stride, 0};
}

void check_conv_bias(const Shape& b, const ConvGeometry& g, const char* op) {
  if (b.size() != 1 || b[0] != g.filters)
    throw shape_error(fmt::format("{}: b {} and w {}: the bias must have one element per filter, ({})", op,
                                  shape_str(b), shape_str(g.w_shape()), g.filters));
}

namespace {

// t must have the shape `expected` (tg::shape_error naming the function and the tensor).
void check_shape(const char* fn, const char* name, const Tensor& t, const Shape& expected) {
  if (shape_of(t) != expected)
    throw shape_error(
        fmt::format("{}: {} is {}, the geometry says {}", fn, name, shape_str(t), shape_str(expected)));
}

// The outputs j in [lo, hi) whose input position j·s + offset − p lies inside [0, extent);
// the others read the zero padding.
struct Span {
  std::size_t lo, hi;
};
Span inside(std::size_t offset, std::size_t padding, std::size_t stride, std::size_t extent,
            std::size_t out) {
  const auto ceil_div = [stride](std::ptrdiff_t n) {
    return n <= 0 ? 0
                  : static_cast<std::size_t>((n + static_cast<std::ptrdiff_t>(stride) - 1) /
                                             static_cast<std::ptrdiff_t>(stride));
  };
  const auto before =
      static_cast<std::ptrdiff_t>(padding) - static_cast<std::ptrdiff_t>(offset);  // j·s ≥ p − offset
  const std::size_t lo = std::min(out, ceil_div(before));
  const std::size_t hi =
      std::min(out, ceil_div(static_cast<std::ptrdiff_t>(extent) + before));  // j·s < extent + p − offset
  return {lo, std::max(lo, hi)};
}

// Visits every (row of cols, input row) pair im2col copies: for each channel c, kernel offset
// (a, b), example n and output row i, calls f(cols_row_segment, x_row or nullptr, span of j),
// where cols_row_segment is cols[(c·K + a)·K' + b, (n·H' + i)·W' ...] (W' entries) and x_row is
// x[n, c, i·s + a − p, ·] (nullptr when that row is padding). im2col copies, col2im adds.
template <class T, class X, class F>
void for_each_patch_row(T* cols, X* x, const ConvGeometry& g, F f) {
  const std::size_t oh = g.out_h(), ow = g.out_w(), ncols = g.cols_cols();
  for (std::size_t c = 0; c < g.channels; ++c)
    for (std::size_t a = 0; a < g.kernel_h; ++a)
      for (std::size_t b = 0; b < g.kernel_w; ++b) {
        T* row = cols + ((c * g.kernel_h + a) * g.kernel_w + b) * ncols;
        const Span rows = inside(a, g.padding, g.stride, g.height, oh);
        const Span js = inside(b, g.padding, g.stride, g.width, ow);
        const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(b) - static_cast<std::ptrdiff_t>(g.padding);
        for (std::size_t n = 0; n < g.batch; ++n)
          for (std::size_t i = 0; i < oh; ++i) {
            X* x_row = nullptr;
            if (i >= rows.lo && i < rows.hi)
              x_row = x + ((n * g.channels + c) * g.height + i * g.stride + a - g.padding) * g.width;
            f(row + (n * oh + i) * ow, x_row, js, shift);
          }
      }
}

// cols = im2col(x) for raw buffers of g's shapes.
void im2col_into(const double* x, const ConvGeometry& g, double* cols) {
  const std::size_t s = g.stride, ow = g.out_w();
  for_each_patch_row(cols, x, g, [s, ow](double* out, const double* in, Span js, std::ptrdiff_t shift) {
    if (in == nullptr) {  // a padding row
      std::fill(out, out + ow, 0.0);
      return;
    }
    std::fill(out, out + js.lo, 0.0);
    if (s == 1 && js.lo < js.hi) {  // a contiguous run, copied in vector lanes: runs are short
      // (W'), a memcpy call for each would cost more. from is the run's first input, in the row.
      const double* from = in + (static_cast<std::ptrdiff_t>(js.lo) + shift);
      double* to = out + js.lo;
#pragma omp simd
      for (std::size_t j = 0; j < js.hi - js.lo; ++j) to[j] = from[j];
    } else if (s != 1)
      for (std::size_t j = js.lo; j < js.hi; ++j) out[j] = in[static_cast<std::ptrdiff_t>(j * s) + shift];
    std::fill(out + js.hi, out + ow, 0.0);
  });
}

// x += col2im(cols) for raw buffers of g's shapes.
void col2im_add(const double* cols, const ConvGeometry& g, double* x) {
  const std::size_t s = g.stride;
  for_each_patch_row(cols, x, g, [s](const double* in, double* out, Span js, std::ptrdiff_t shift) {
    if (out == nullptr) return;  // a padding row: nothing to give back
    if (s == 1) {                // a contiguous run, which the compiler vectorises
      if (js.lo == js.hi) return;
      double* o = out + (static_cast<std::ptrdiff_t>(js.lo) + shift);  // the run's first input
      const double* from = in + js.lo;
#pragma omp simd
      for (std::size_t j = 0; j < js.hi - js.lo; ++j) o[j] += from[j];
      return;
    }
    for (std::size_t j = js.lo; j < js.hi; ++j) out[static_cast<std::ptrdiff_t>(j * s) + shift] += in[j];
  });
}

}  // namespace

Tensor im2col(const Tensor& x, const ConvGeometry& g) {
  check_shape("im2col", "x", x, g.x_shape());
  Tensor cols = Tensor::from_shape({g.cols_rows(), g.cols_cols()});
  im2col_into(x.data(), g, cols.data());
  return cols;
}

Tensor col2im(const Tensor& cols, const ConvGeometry& g) {
  check_shape("col2im", "cols", cols, {g.cols_rows(), g.cols_cols()});
  Tensor x = filled(g.x_shape(), 0.0);
  col2im_add(cols.data(), g, x.data());
  return x;
}

// The products below go one example at a time: example n's columns (C·K·K', H'·W') are small
// enough to stay in the cache between im2col and the product, and in the (N, C, H, W) layout
// example n's x, y and gy are contiguous (C, H·W), (F, H'·W') matrices, so no tensor is
// permuted. The sums are those of the whole-batch formulas in conv_kernels.hpp.
namespace {

constexpr bool transposed = true, as_is = false;  // gemm's flags, named at the calls below
constexpr double overwrite = 0.0, accumulate = 1.0;

// g for one example.
ConvGeometry one_example(const ConvGeometry& g) {
  ConvGeometry one = g;
  one.batch = 1;
  return one;
}

// y = W · cols (+ b), with b null for no bias.
Tensor conv2d_with(const Tensor& x, const Tensor& w, const double* b, const ConvGeometry& g) {
  check_shape("conv2d", "x", x, g.x_shape());
  check_shape("conv2d", "w", w, g.w_shape());
  const ConvGeometry one = one_example(g);
  const std::size_t maps = g.out_h() * g.out_w(), rows = g.cols_rows();
  Tensor y = Tensor::from_shape(g.y_shape());
  Tensor cols = Tensor::from_shape({rows, maps});
  for (std::size_t n = 0; n < g.batch; ++n) {
    double* y_n = y.data() + n * g.filters * maps;
    im2col_into(x.data() + n * numel(one.x_shape()), one, cols.data());
    if (b == nullptr) {
      gemm_into(as_is, as_is, g.filters, maps, rows, w.data(), cols.data(), overwrite, y_n);
      continue;
    }
    // y_n = b, then y_n += W cols: the gemm adds onto the bias (β = 1), where β = 0 would
    // zero y_n first and the bias cost a second pass over it.
    for (std::size_t f = 0; f < g.filters; ++f) std::fill_n(y_n + f * maps, maps, b[f]);
    gemm_into(as_is, as_is, g.filters, maps, rows, w.data(), cols.data(), accumulate, y_n);
  }
  return y;
}

}  // namespace

Tensor conv2d_values(const Tensor& x, const Tensor& w, const Tensor& b, const ConvGeometry& g) {
  check_conv_bias(shape_of(b), g, "conv2d");
  return conv2d_with(x, w, b.data(), g);
}

Tensor conv2d_values(const Tensor& x, const Tensor& w, const ConvGeometry& g) {
  return conv2d_with(x, w, nullptr, g);
}

namespace {

// Example n's ∂C/∂x: dx_n = col2im(Wᵀ · gy_n), through `cols` ((C·K·K', H'·W') or more rows;
// its first C·K·K' are overwritten). `one` is g for one example. dx_n is zeroed here, while it
// is about to be used, rather than all of dx in a pass of its own.
void input_grad_example(const double* w, const double* gy_n, const ConvGeometry& one, double* cols,
                        double* dx_n) {
  const std::size_t maps = one.out_h() * one.out_w();
  gemm_into(transposed, as_is, one.cols_rows(), maps, one.filters, w, gy_n, overwrite, cols);
  std::fill_n(dx_n, one.channels * one.height * one.width, 0.0);
  col2im_add(cols, one, dx_n);
}

// Example n's share of ∂C/∂w (and ∂C/∂b): dwb += gy_n · [cols_n; 1]ᵀ, (F, k), with cols_n =
// im2col(x_n) written into the first C·K·K' rows of `cols` (k, H'·W'); k = C·K·K' + 1 when
// its last row holds the ones of the bias, C·K·K' without.
void param_grad_example(const double* x_n, const double* gy_n, const ConvGeometry& one, std::size_t k,
                        double* cols, double* dwb) {
  const std::size_t maps = one.out_h() * one.out_w();
  im2col_into(x_n, one, cols);  // rows 0..C·K·K'−1 only
  gemm_into(as_is, transposed, one.filters, k, maps, gy_n, cols, accumulate, dwb);
}

}  // namespace

// ∂C/∂x = col2im(Wᵀ · Δ), example by example: col2im(Wᵀ · gy_n) into dx_n
Tensor conv2d_input_grad_values(const Tensor& gy, const Tensor& w, const ConvGeometry& g) {
  check_shape("conv2d_input_grad", "gy", gy, g.y_shape());
  check_shape("conv2d_input_grad", "w", w, g.w_shape());
  const ConvGeometry one = one_example(g);
  const std::size_t maps = g.out_h() * g.out_w(), rows = g.cols_rows();
  Tensor dx = Tensor::from_shape(g.x_shape());
  Tensor cols = Tensor::from_shape({rows, maps});
  for (std::size_t n = 0; n < g.batch; ++n)
    input_grad_example(w.data(), gy.data() + n * g.filters * maps, one, cols.data(),
                       dx.data() + n * numel(one.x_shape()));
  return dx;
}

namespace {

// ∂C/∂w = Δ · colsᵀ = Σ_n gy_n · cols_nᵀ into dw; with db also ∂C/∂b[f] = Σ_n Σ_i Σ_j gy[n,f,i,j],
// in the same gemm: the bias is the weight of an input that is always 1, so under a row of ones
// cols_n gains one more row and [∂C/∂w | ∂C/∂b] = Σ_n gy_n · [cols_n; 1]ᵀ, (F, C·K·K' + 1). No
// second pass over gy. With w and dx also ∂C/∂x = col2im(Wᵀ · Δ), in the same loop over the
// examples: the second gemm reads gy_n while the first has left it in the cache, and Wᵀ · gy_n
// goes into cols_n's rows once the first has used them, so the one buffer serves both.
// dw (F, C·K·K'), db (F) and dx (N, C, H, W) are overwritten.
void grads_into(const Tensor& x, const Tensor& gy, const ConvGeometry& g, double* dw, double* db,
                const double* w = nullptr, double* dx = nullptr) {
  const ConvGeometry one = one_example(g);
  const std::size_t maps = g.out_h() * g.out_w(), rows = g.cols_rows(), k = rows + (db ? 1 : 0);
  Tensor cols = Tensor::from_shape({k, maps});
  std::fill_n(cols.data() + rows * maps, (k - rows) * maps, 1.0);  // the row of ones, if any
  Tensor dwb = filled({g.filters, k}, 0.0);                        // [∂C/∂w | ∂C/∂b]
  const std::size_t x_size = numel(one.x_shape()), gy_size = g.filters * maps;
  for (std::size_t n = 0; n < g.batch; ++n) {
    param_grad_example(x.data() + n * x_size, gy.data() + n * gy_size, one, k, cols.data(), dwb.data());
    if (dx) input_grad_example(w, gy.data() + n * gy_size, one, cols.data(), dx + n * x_size);
  }
  for (std::size_t f = 0; f < g.filters; ++f) {
    std::copy_n(dwb.data() + f * k, rows, dw + f * rows);
    if (db) db[f] = dwb(f, rows);
  }
}

}  // namespace

Tensor conv2d_weight_grad_values(const Tensor& x, const Tensor& gy, const ConvGeometry& g) {
  check_shape("conv2d_weight_grad", "x", x, g.x_shape());
  check_shape("conv2d_weight_grad", "gy", gy, g.y_shape());
  Tensor dw = Tensor::from_shape(g.w_shape());
  grads_into(x, gy, g, dw.data(), nullptr);
  return dw;
}

ConvParamGrads conv2d_param_grad_values(const Tensor& x, const Tensor& gy, const ConvGeometry& g) {
  check_shape("conv2d_param_grad", "x", x, g.x_shape());
  check_shape("conv2d_param_grad", "gy", gy, g.y_shape());
  ConvParamGrads grads{Tensor::from_shape(g.w_shape()), Tensor::from_shape({g.filters})};
  grads_into(x, gy, g, grads.w.data(), grads.b.data());
  return grads;
}

ConvGrads conv2d_grad_values(const Tensor& x, const Tensor& w, const Tensor& gy, const ConvGeometry& g,
                             bool with_bias) {
  check_shape("conv2d_grad", "x", x, g.x_shape());
  check_shape("conv2d_grad", "w", w, g.w_shape());
  check_shape("conv2d_grad", "gy", gy, g.y_shape());
  ConvGrads grads{Tensor::from_shape(g.x_shape()), Tensor::from_shape(g.w_shape()),
                  Tensor::from_shape({with_bias ? g.filters : 0})};
  grads_into(x, gy, g, grads.w.data(), with_bias ? grads.b.data() : nullptr, w.data(), grads.x.data());
  return grads;
}

Tensor conv2d_direct(const Tensor& x, const Tensor& w, const Tensor& b, std::size_t stride,
                     std::size_t padding) {
  const ConvGeometry g = conv_geometry(shape_of(x), shape_of(w), stride, padding, "conv2d_direct");
  check_conv_bias(shape_of(b), g, "conv2d_direct");
  const auto at = [&](std::size_t n, std::size_t c, std::size_t i, std::size_t j) {  // x, 0 in the padding
    const std::size_t r = i - g.padding, q = j - g.padding;  // wraps around below 0: then ≥ height
    return r < g.height && q < g.width ? x(n, c, r, q) : 0.0;
  };
  Tensor y = Tensor::from_shape(g.y_shape());
  for (std::size_t n = 0; n < g.batch; ++n)
    for (std::size_t f = 0; f < g.filters; ++f)
      for (std::size_t i = 0; i < g.out_h(); ++i)
        for (std::size_t j = 0; j < g.out_w(); ++j) {
          double sum = b(f);
          for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t a = 0; a < g.kernel_h; ++a)
              for (std::size_t bb = 0; bb < g.kernel_w; ++bb)
                sum += w(f, c, a, bb) * at(n, c, i * stride + a, j * stride + bb);
          y(n, f, i, j) = sum;
        }
  return y;
}

}  // namespace tg
