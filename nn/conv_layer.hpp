// A convolutional layer (the convolution of network3's ConvPoolLayer; pooling is a layer of
// its own): F kernels w (F, C, K, K') slide over the input maps with stride s and zero padding p,
//   z^l[n,f,i,j] = b_f + Σ_{c,u,v} w[f,c,u,v] a^{l−1}[n, c, i·s + u − p, j·s + v − p],  a^l = σ(z^l),
// on images (m, C, H, W) -> (m, F, H', W'). Its hand-written backward is (BP2-conv), (BP3-conv)
// and (BP4-conv) of nn/conv_backprop.hpp.
#pragma once

#include <cstdint>
#include <random>

#include "nn/init.hpp"
#include "nn/layer.hpp"

namespace tg::nn {

class Conv : public Layer {
 public:
  // F kernels of K×K' over inputs `in` = (C, H, W), drawn with `init` (fan-in C·K·K'); the
  // geometry is checked as conv2d does (tg::shape_error, std::invalid_argument naming it).
  Conv(const Shape& in, std::size_t filters, std::size_t kernel_h, std::size_t kernel_w, std::size_t stride,
       std::size_t padding, Activation sigma, Init init, std::mt19937_64& rng);
  // Given values: w (F, C, K, K') and b (F).
  Conv(const Shape& in, Tensor w, Tensor b, std::size_t stride, std::size_t padding, Activation sigma);

  const Variable& w() const { return w_; }
  const Variable& b() const { return b_; }
  std::size_t stride() const { return stride_; }
  std::size_t padding() const { return padding_; }

  std::string kind() const override { return "conv"; }
  std::string describe() const override;
  Shape input_shape() const override { return in_; }
  Shape output_shape() const override;
  Activation activation() const override { return sigma_; }
  std::vector<Parameter> parameters() const override {
    return {{"w", w_, true, "BP4-conv"}, {"b", b_, false, "BP3-conv"}};
  }
  std::unique_ptr<Layer> copy() const override;

  Variable forward(const Variable& a_prev) const override;  // conv2d(a, w, b, s, p)
  Tensor forward(const Tensor& a_prev) const override;
  Tensor backward_input(const Tensor& a_prev, const Tensor& delta) const override;  // (BP2-conv)
  std::vector<Tensor> backward_parameters(const Tensor& a_prev,
                                          const Tensor& delta) const override;  // (BP4-conv), (BP3-conv)
  std::string input_equation() const override { return "BP2-conv"; }

 private:
  ConvGeometry geometry(std::size_t batch, const char* who) const;
  Shape in_;
  Variable w_, b_;
  std::size_t stride_, padding_;
  Activation sigma_;
};

}  // namespace tg::nn
