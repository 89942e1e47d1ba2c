// One layer's affine map in Nielsen's notation: z^l = W^l a^{l−1} + b^l.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/init.hpp"
#include "nn/parameter.hpp"

namespace tg::nn {

struct Linear {
  Variable W;  // W^l: (N^l, N^{l−1}); w^l_jk joins neuron k of layer l−1 to neuron j of layer l
  Variable b;  // b^l: (N^l, 1), broadcast across the batch's columns

  Linear(std::size_t in, std::size_t out, Init init,
         std::mt19937_64& rng);  // in, out ≥ 1 (std::invalid_argument)
  // Given values; shapes (out, in) and (out, 1), in and out ≥ 1, are checked (tg::shape_error).
  Linear(Tensor W, Tensor b);

  std::size_t in() const { return W.shape()[1]; }
  std::size_t out() const { return W.shape()[0]; }

  // W (BP4) and b (BP3), as explain, compare and the loss graph name them.
  std::vector<Parameter> parameters() const;

  // Z = W A + b.      A: (N^{l−1}, m) -> Z: (N^l, m)   (any other A: tg::shape_error)
  Variable forward(const Variable& A) const;
};

}  // namespace tg::nn
