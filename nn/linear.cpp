#include "nn/linear.hpp"

#include <fmt/format.h>

namespace tg::nn {

Linear::Linear(std::size_t in, std::size_t out, Init init, std::mt19937_64& rng)
    : W(init_weights(init, out, in, rng), true), b(init_biases(init, out, rng), true) {}

Linear::Linear(Tensor w, Tensor bias) : W(std::move(w), true), b(std::move(bias), true) {
  if (W.value().dimension() != 2 || b.shape() != Shape{W.shape()[0], 1})
    throw shape_error(fmt::format("Linear: W {} and b {} do not fit: expected W (out, in) and b (out, 1)",
                                  shape_str(W.value()), shape_str(b.value())));
}

Variable Linear::forward(const Variable& A) const { return matmul(W, A) + b; }

}  // namespace tg::nn
