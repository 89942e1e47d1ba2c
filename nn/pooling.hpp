// Pooling by hand: the forward pass and (BP2-pool) on plain tensors, no autodiff. A pooling
// layer has no weights, no biases and no activation (a^l = z^l), so backpropagation through it
// is one equation: where each window's δ goes.
//
//   max:      a^l[n,c,i,j] = max_{u,v<k} a^{l−1}[n, c, i·s + u, j·s + v]
//   average:  a^l[n,c,i,j] = 1/k² Σ_{u,v<k} a^{l−1}[n, c, i·s + u, j·s + v]
//   (BP2-pool) max:      δ^{l−1} gets δ^l[n,c,i,j] at the window's argmax (the first maximum in
//                        row-major order, as the engine's max_pool2d), 0 elsewhere;
//              average:  δ^{l−1} gets δ^l[n,c,i,j]/k² at every position of the window.
// Windows that overlap (s < k) add their shares. Layout (N, C, H, W); H' = (H − k)/s + 1.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"

namespace tg::nn {

enum class Pool { max, average };

std::string to_string(Pool pool);  // "max", "average"

// The window size and stride of a pooling layer, checked against an input's shape: both ≥ 1
// and k ≤ H, W (std::invalid_argument naming `who` and the shape otherwise).
struct PoolGeometry {
  std::size_t kernel, stride;
  std::size_t out(std::size_t extent) const { return (extent - kernel) / stride + 1; }
};
void check_pool(const char* who, const PoolGeometry& g, const Shape& input);

// The window's first maximum in row-major order (the element max pooling routes δ to): the one
// of the flat positions `offsets` (row-major within the window) where a is largest.
std::size_t window_argmax(const double* a, const std::vector<std::size_t>& offsets);

// a^l from a^{l−1}.                     a (N,C,H,W) -> (N,C,H',W')
Tensor pool_forward(Pool pool, const Tensor& a, const PoolGeometry& g);
// (BP2-pool) ∂C/∂a^{l−1} from δ^l.     a (N,C,H,W), delta (N,C,H',W') -> (N,C,H,W)
Tensor pool_backward(Pool pool, const Tensor& a, const Tensor& delta, const PoolGeometry& g);

}  // namespace tg::nn
