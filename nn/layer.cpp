#include "nn/layer.hpp"

#include <fmt/format.h>

namespace tg::nn {

std::vector<Tensor> Layer::backward_parameters(const Tensor&, const Tensor&) const { return {}; }

std::string shapes_str(const Layer& layer) {
  return fmt::format("{} -> {}", shape_str(layer.input_shape()), shape_str(layer.output_shape()));
}

}  // namespace tg::nn
