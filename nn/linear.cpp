#include "nn/linear.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

namespace {
// A layer has at least one input and one neuron: an empty W would make an empty network.
std::size_t at_least_one(const char* what, std::size_t n, std::size_t in, std::size_t out) {
  if (n == 0)
    throw std::invalid_argument(
        fmt::format("Linear: a layer needs at least one input and one neuron, got in = {}, out = {}"
                    " ({} is 0)",
                    in, out, what));
  return n;
}
}  // namespace

Linear::Linear(std::size_t in, std::size_t out, Init init, std::mt19937_64& rng)
    : W(init_weights(init, at_least_one("out", out, in, out), at_least_one("in", in, in, out), rng), true),
      b(init_biases(init, out, rng), true) {}

Linear::Linear(Tensor w, Tensor bias) : W(std::move(w), true), b(std::move(bias), true) {
  if (W.value().dimension() != 2 || b.shape() != Shape{W.shape()[0], 1})
    throw shape_error(fmt::format("Linear: W {} and b {} do not fit: expected W (out, in) and b (out, 1)",
                                  shape_str(W.value()), shape_str(b.value())));
  if (W.numel() == 0)
    throw shape_error(fmt::format("Linear: W {} is empty: a layer needs at least one input and one neuron",
                                  shape_str(W.value())));
}

Variable Linear::forward(const Variable& A) const {
  // A: (N^{l−1}, m) -> Z: (N^l, m). A 1-D A would come out of matmul as (N^l) and broadcast with
  // b (N^l, 1) into an (N^l, N^l) matrix: refuse it.
  if (A.value().dimension() != 2 || A.shape()[0] != in())
    throw shape_error(
        fmt::format("Linear::forward: input {} does not fit W {}: expected ({}, m), one column per example",
                    shape_str(A.value()), shape_str(W.value()), in()));
  return matmul(W, A) + b;
}

std::vector<Parameter> Linear::parameters() const {
  return {{"W", W, true, "BP4"}, {"b", b, false, "BP3"}};  // ∂C/∂W^l = δ^l (a^{l−1})ᵀ, ∂C/∂b^l = δ^l
}

}  // namespace tg::nn
