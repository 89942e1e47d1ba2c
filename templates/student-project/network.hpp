// Seed 002's 2-2-1 network: two inputs, two sigmoid hidden units, one sigmoid output, and the
// cross-entropy loss L = −[y ln a + (1 − y) ln(1 − a)] of one example x (2,1) with label y.
#pragma once

#include "autodiff/autodiff.hpp"

// W1: (2,2), b1: (2,1), W2: (1,2), b2: (1,1), x: (2,1)
//   z[1] = W[1] x + b[1],  a[1] = σ(z[1]),  z[2] = W[2] a[1] + b[2],  a = σ(z[2])
inline tg::Variable seed002_loss(const tg::Variable& W1, const tg::Variable& b1, const tg::Variable& W2,
                                 const tg::Variable& b2, const tg::Variable& x, double y) {
  const tg::Variable a1 = tg::sigmoid(tg::matmul(W1, x) + b1);
  const tg::Variable a = tg::sigmoid(tg::matmul(W2, a1) + b2);
  return tg::sum(-(y * tg::log(a) + (1.0 - y) * tg::log(1.0 - a)));
}

// Seed 002's numbers.
inline const tg::Tensor seed002_W1{{0.15, 0.20}, {0.25, 0.30}};
inline const tg::Tensor seed002_b1 = tg::column({0.35, 0.35});
inline const tg::Tensor seed002_W2{{0.40, 0.45}};
inline const tg::Tensor seed002_b2 = tg::column({0.60});
inline const tg::Tensor seed002_x = tg::column({0.05, 0.10});
inline constexpr double seed002_y = 1.0;
