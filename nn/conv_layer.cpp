#include "nn/conv_layer.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "autodiff/conv_kernels.hpp"
#include "nn/conv_backprop.hpp"

namespace tg::nn {

namespace {

Shape batch_of(std::size_t m, const Shape& in) { return {m, in.at(0), in.at(1), in.at(2)}; }

void check_input(const Shape& in) {
  if (in.size() != 3)
    throw shape_error(
        fmt::format("Conv: its input {} is not (C, H, W): a conv layer takes images", shape_str(in)));
}

// F kernels drawn as a (F, C·K·K') weight matrix would be (fan-in C·K·K'), then folded.
Tensor draw_kernels(const Shape& in, std::size_t filters, std::size_t kh, std::size_t kw, Init init,
                    std::mt19937_64& rng) {
  check_input(in);
  if (filters == 0 || kh == 0 || kw == 0)
    throw std::invalid_argument(
        fmt::format("Conv: {} kernels of {}×{}: each must be at least 1", filters, kh, kw));
  Tensor w = init_weights(init, filters, in[0] * kh * kw, rng);
  w.reshape({filters, in[0], kh, kw});
  return w;
}

Tensor draw_biases(std::size_t filters, Init init, std::mt19937_64& rng) {
  Tensor b = init_biases(init, filters, rng);
  b.reshape({filters});
  return b;
}

}  // namespace

Conv::Conv(const Shape& in, std::size_t filters, std::size_t kernel_h, std::size_t kernel_w,
           std::size_t stride, std::size_t padding, Activation sigma, Init init, std::mt19937_64& rng)
    : Conv(in, draw_kernels(in, filters, kernel_h, kernel_w, init, rng), draw_biases(filters, init, rng),
           stride, padding, sigma) {}

Conv::Conv(const Shape& in, Tensor w, Tensor b, std::size_t stride, std::size_t padding, Activation sigma)
    : in_(in),
      w_(std::move(w), true),
      b_(std::move(b), true),
      stride_(stride),
      padding_(padding),
      sigma_(sigma) {
  check_input(in_);
  check_conv_bias(b_.shape(), geometry(1, "Conv"), "Conv");
  if (!row(sigma_).hidden)
    throw std::invalid_argument(
        fmt::format("Conv: {} normalises a whole layer's column; a conv layer takes an "
                    "elementwise σ",
                    to_string(sigma_)));
}

ConvGeometry Conv::geometry(std::size_t batch, const char* who) const {
  return conv_geometry(batch_of(batch, in_), w_.shape(), stride_, padding_, who);
}

Shape Conv::output_shape() const {
  const ConvGeometry g = geometry(1, "Conv");
  return {g.filters, g.out_h(), g.out_w()};
}

std::string Conv::describe() const {
  const Shape w = w_.shape();
  return fmt::format("conv {} kernels {}×{}, stride {}, padding {}, {}: {}", w[0], w[2], w[3], stride_,
                     padding_, to_string(sigma_), shapes_str(*this));
}

std::unique_ptr<Layer> Conv::copy() const {
  return std::make_unique<Conv>(in_, Tensor(w_.value()), Tensor(b_.value()), stride_, padding_, sigma_);
}

Variable Conv::forward(const Variable& a_prev) const { return conv2d(a_prev, w_, b_, stride_, padding_); }

Tensor Conv::forward(const Tensor& a_prev) const {
  return conv_forward(a_prev, w_.value(), b_.value(), stride_, padding_);  // z^l = w ⋆ a^{l−1} + b
}

Tensor Conv::backward_input(const Tensor& a_prev, const Tensor& delta) const {
  return conv_backward_input(delta, w_.value(),
                             geometry(a_prev.shape()[0], "Conv::backward_input"));  // (BP2-conv)
}

std::vector<Tensor> Conv::backward_parameters(const Tensor& a_prev, const Tensor& delta) const {
  const ConvGeometry g =
      conv_geometry(shape_of(a_prev), w_.shape(), stride_, padding_, "Conv::backward_parameters");
  return {conv_backward_weights(a_prev, delta, g),  // (BP4-conv) ∂C/∂w = a^{l−1} ⋆ δ^l
          conv_backward_bias(delta)};               // (BP3-conv) ∂C/∂b_f = Σ δ^l over map f
}

}  // namespace tg::nn
