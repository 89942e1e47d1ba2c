// explain for a network of layers (nn/network.hpp): the equations of one example with the
// numbers plugged in, layer by layer, beside the engine's values, as nn/explain.hpp does for an
// Mlp, whose rows the fully connected layers at the top reuse (explain_dense). Images are
// indexed from 0 as in docs/conv.md, without the example's index: a^l[c,y,x], z^l[f,i,j],
// w^l[f,c,u,v], b^l_f.
//
//   conv      z^l[f,i,j] = b^l_f + Σ_{c,u,v} w^l[f,c,u,v] a^{l−1}[c, i·s+u−p, j·s+v−p]
//             (BP2)      δ^l[f,i,j] = ∂C/∂a^l[f,i,j] · σ'(z^l[f,i,j])
//             (BP3-conv) ∂C/∂b^l_f = Σ_{i,j} δ^l[f,i,j]
//             (BP4-conv) ∂C/∂w^l[f,c,u,v] = Σ_{i,j} δ^l[f,i,j] a^{l−1}[c, i·s+u−p, j·s+v−p]
//             (BP2-conv) ∂C/∂a^{l−1}[c,y,x] = Σ_{f,u,v} δ^l[f, (y+p−u)/s, (x+p−v)/s] w^l[f,c,u,v]
//                        (the terms whose position is whole and inside the map)
//   pooling   a^l[c,i,j] = max or mean of the window; (BP2-pool) ∂C/∂a^{l−1}[c,y,x] = δ^l of the
//             window whose max it is (else 0), or δ^l/k², summed over the windows that hold it
//   flatten   a^l_k = a^{l−1}[c,y,x] (k = c·H·W + y·W + x + 1), and back: ∂C/∂a^{l−1}[c,y,x] = δ^l_k
//
// Rows are bounded: per feature map the first `positions` positions (and kernel weights), and
// sums are written out term by term up to `positions` terms, the rest as one number.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "nn/explain.hpp"
#include "nn/network.hpp"

namespace tg::nn {

struct NetworkExplainOptions {
  int digits = 4;                  // significant digits of the numbers (1..17)
  std::size_t max_width = 8;       // refuse fully connected layers (and the flatten before them) with
                                   // more neurons, and conv or pooling layers with more maps unless
                                   // `map` chooses one (0: no limit)
  std::optional<std::size_t> map;  // only this feature map (from 0) of each conv and pooling layer
  std::size_t positions = 16;      // rows per map, terms per written-out sum (≥ 1)
  std::optional<std::array<std::size_t, 2>> at;  // (y, x) of BP2-conv's rows; default the middle
};

// The equations for net on one example: x (N^1, 1), y (N^L, 1) (tg::shape_error otherwise);
// a layer too wide, digits outside 1..17, positions 0, a map or a position outside a layer, a
// bad cost: std::invalid_argument. net itself is not changed.
Explanation explain(const Network& net, const Cost& cost, const Tensor& x, const Tensor& y,
                    const NetworkExplainOptions& options = {});

}  // namespace tg::nn
