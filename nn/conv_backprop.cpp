// No autodiff here: the shared im2col/col2im kernels, BLAS products and the three equations.
#include "nn/conv_backprop.hpp"

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/error.hpp"

namespace tg::nn {

namespace {

// (N, F, H', W') -> (F, N·H'·W'): one row per feature map, the layout of w A.
Tensor maps_to_rows(const Tensor& t) {
  const std::size_t N = t.shape()[0], F = t.shape()[1], hw = t.shape()[2] * t.shape()[3];
  Tensor rows = Tensor::from_shape({F, N * hw});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t f = 0; f < F; ++f)
      std::copy_n(t.data() + (n * F + f) * hw, hw, rows.data() + f * N * hw + n * hw);
  return rows;
}

// (F, N·H'·W') -> (N, F, H', W'), the inverse of maps_to_rows.
Tensor rows_to_maps(const Tensor& rows, const ConvGeometry& g) {
  const std::size_t N = g.batch, F = g.filters, hw = g.out_h() * g.out_w();
  Tensor t = Tensor::from_shape({N, F, g.out_h(), g.out_w()});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t f = 0; f < F; ++f)
      std::copy_n(rows.data() + f * N * hw + n * hw, hw, t.data() + (n * F + f) * hw);
  return t;
}

// w (F, C, K, K') read as the (F, C·K·K') matrix whose rows meet im2col's.
Tensor kernel_matrix(const Tensor& w) {
  Tensor m = w;
  m.reshape({w.shape()[0], w.size() / w.shape()[0]});
  return m;
}

void check_delta(const char* who, const Tensor& delta, const ConvGeometry& g) {
  const Shape expected{g.batch, g.filters, g.out_h(), g.out_w()};
  if (shape_of(delta) != expected)
    throw shape_error(fmt::format("{}: δ {} does not fit the layer's output {}", who, shape_str(delta),
                                  shape_str(expected)));
}

}  // namespace

Tensor conv_forward(const Tensor& a, const Tensor& w, const Tensor& b, std::size_t stride,
                    std::size_t padding) {
  const ConvGeometry g = conv_geometry(shape_of(a), shape_of(w), stride, padding, "conv_forward");
  check_conv_bias(shape_of(b), g, "conv_forward");
  Tensor z = gemm(kernel_matrix(w), false, im2col(a, g), false);  // z^l = w A
  const std::size_t columns = z.shape()[1];
  for (std::size_t f = 0; f < g.filters; ++f)  // + b_f on every position of map f
    for (std::size_t k = 0; k < columns; ++k) z.data()[f * columns + k] += b.data()[f];
  return rows_to_maps(z, g);
}

Tensor conv_backward_input(const Tensor& delta, const Tensor& w, const ConvGeometry& g) {
  check_delta("conv_backward_input", delta, g);
  return col2im(gemm(kernel_matrix(w), true, maps_to_rows(delta), false), g);  // (BP2-conv) col2im(wᵀ δ^l)
}

Tensor conv_backward_bias(const Tensor& delta) {
  if (delta.dimension() != 4)
    throw shape_error(fmt::format("conv_backward_bias: δ {} is not (N, F, H', W')", shape_str(delta)));
  const std::size_t N = delta.shape()[0], F = delta.shape()[1], hw = delta.shape()[2] * delta.shape()[3];
  Tensor db = filled({F}, 0.0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t f = 0; f < F; ++f)
      for (std::size_t k = 0; k < hw; ++k)
        db.data()[f] += delta.data()[(n * F + f) * hw + k];  // (BP3-conv) Σ_{n,i,j} δ^l
  return db;
}

Tensor conv_backward_weights(const Tensor& a, const Tensor& delta, const ConvGeometry& g) {
  check_delta("conv_backward_weights", delta, g);
  Tensor dw = gemm(maps_to_rows(delta), false, im2col(a, g), true);  // (BP4-conv) δ^l Aᵀ
  dw.reshape({g.filters, g.channels, g.kernel_h, g.kernel_w});
  return dw;
}

}  // namespace tg::nn
