// Exercise 07: a training loop written by hand. The declaration; you write the body in
// exercise.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"
#include "nn/optimizer.hpp"

namespace tg::exercises {

// Mini-batch gradient descent on `net` with `opt` (built for net.parameters()), what nn::train
// does with the engine's gradients:
//   for epoch e = 1 .. epochs:
//     the batches of e: nn::make_batches(m, batch_size, shuffle = true, nn::epoch_generator(shuffle_seed, e))
//     for each batch B (its columns of X and Y):
//       clear the gradients; C_B = cost of the batch (recorded); C_B.backward(); one opt step
//     loss[e − 1] = C over the whole set (nn::evaluate_cost)
// X: (N^1, m), Y: (N^L, m), one column per example; 1 ≤ batch_size ≤ m. Returns the losses.
std::vector<double> train_by_hand(nn::Mlp& net, const Tensor& X, const Tensor& Y, const nn::Cost& cost,
                                  nn::Optimizer& opt, std::size_t batch_size, std::size_t epochs,
                                  std::uint64_t shuffle_seed);

}  // namespace tg::exercises
