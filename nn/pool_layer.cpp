#include "nn/pool_layer.hpp"

#include <fmt/format.h>

namespace tg::nn {

Pooling::Pooling(const Shape& in, Pool pool, std::size_t kernel, std::size_t stride)
    : in_(in), pool_(pool), g_{kernel, stride} {
  if (in_.size() != 3)
    throw shape_error(
        fmt::format("Pooling: its input {} is not (C, H, W): a pooling layer takes images", shape_str(in)));
  check_pool("Pooling", g_, {1, in_[0], in_[1], in_[2]});
}

std::string Pooling::describe() const {
  return fmt::format("{} pooling {}×{}, stride {}: {}", to_string(pool_), g_.kernel, g_.kernel, g_.stride,
                     shapes_str(*this));
}

Variable Pooling::forward(const Variable& a_prev) const {
  return pool_ == Pool::max ? max_pool2d(a_prev, g_.kernel, g_.stride)
                            : avg_pool2d(a_prev, g_.kernel, g_.stride);
}

Tensor Pooling::forward(const Tensor& a_prev) const { return pool_forward(pool_, a_prev, g_); }

Tensor Pooling::backward_input(const Tensor& a_prev, const Tensor& delta) const {
  return pool_backward(pool_, a_prev, delta, g_);  // (BP2-pool)
}

}  // namespace tg::nn
