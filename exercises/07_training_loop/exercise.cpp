// Exercise 07: a training loop written by hand.                       <-- YOUR FILE: edit it
//
// THE TASK
//   Write train_by_hand (training_loop.hpp): mini-batch gradient descent with the engine's
//   gradients, the loop nn::train runs for you (nn/train.cpp; try without reading it first):
//
//     for epoch e = 1 .. epochs:
//       for each batch B of epoch e:          (the shuffled columns of X and Y it takes)
//         opt.zero_grad()                     clear θ.grad(): backward ADDS to it
//         C_B = cost of the batch             recorded: net.forward_trace(Variable(X_B))
//         C_B.backward()                      θ.grad() = ∂C_B/∂θ for every parameter
//         opt.step()                          θ ← θ + Δθ (SGD: θ − η ∂C_B/∂θ)
//       loss[e − 1] = C over the whole set
//
// HINTS
//   - The batches: std::mt19937_64 rng = nn::epoch_generator(shuffle_seed, e), then
//     nn::make_batches(m, batch_size, true, rng): lists of column indices (nn/batches.hpp).
//     The same generator gives the same batches as nn::train, which the test compares with.
//   - A batch's columns: nn::select_columns(X, batch) (nn/column_gatherer.hpp).
//   - The cost: nn::cost(cost, net, net.forward_trace(Variable(Xb)), Yb) (nn/cost.hpp); the
//     loss over the whole set afterwards, with nothing recorded: nn::evaluate_cost(net, X, Y,
//     cost) (nn/metrics.hpp).
//   - Follows seed 003's loop and docs/training.md; about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 07
#include <stdexcept>

#include "nn/batches.hpp"          // epoch_generator, make_batches
#include "nn/column_gatherer.hpp"  // select_columns
#include "nn/metrics.hpp"          // evaluate_cost
#include "training_loop.hpp"

namespace tg::exercises {

std::vector<double> train_by_hand([[maybe_unused]] nn::Mlp& net, [[maybe_unused]] const Tensor& X,
                                  [[maybe_unused]] const Tensor& Y, [[maybe_unused]] const nn::Cost& cost,
                                  [[maybe_unused]] nn::Optimizer& opt,
                                  [[maybe_unused]] std::size_t batch_size,
                                  [[maybe_unused]] std::size_t epochs,
                                  [[maybe_unused]] std::uint64_t shuffle_seed) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/07_training_loop/exercise.cpp)");
}

}  // namespace tg::exercises
