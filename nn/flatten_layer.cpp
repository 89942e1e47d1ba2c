#include "nn/flatten_layer.hpp"

#include <fmt/format.h>

#include "nn/image_layout.hpp"

namespace tg::nn {

Flatten::Flatten(const Shape& in) : in_(in) {
  if (in_.size() != 3)
    throw shape_error(
        fmt::format("Flatten: its input {} is not (C, H, W): flatten takes images", shape_str(in)));
}

std::string Flatten::describe() const { return fmt::format("flatten: {}", shapes_str(*this)); }

Variable Flatten::forward(const Variable& a_prev) const { return to_columns(a_prev); }

Tensor Flatten::forward(const Tensor& a_prev) const { return to_columns(a_prev); }

Tensor Flatten::backward_input(const Tensor&, const Tensor& delta) const { return to_images(delta, in_); }

}  // namespace tg::nn
