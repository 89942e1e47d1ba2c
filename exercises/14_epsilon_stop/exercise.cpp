// Exercise 14: seed 003's stopping rule.                              <-- YOUR FILE: edit it
//
// THE TASK
//   Seed 003's algorithm ends in one of two ways: after MAX iterations, or as soon as every
//   change of W and b in a step is below the threshold ε. Write (epsilon_stop.hpp):
//   (1) largest_change: max |after − before| over every element of every parameter (NaN if
//       any change is NaN);
//   (2) descend: full-batch gradient descent, for iter = 1 .. MAX:
//         g = nn::gradients(net, X, Y, cost)        ∂C/∂θ, in net.parameters() order
//         θ ← θ − α g for every parameter           in place
//         stop if largest_change(before, after) < ε
//       and return the steps taken and whether ε stopped it.
//
// HINTS
//   - "Every change below ε" is "the largest change below ε".
//   - It is the parameters' change that counts, not the loss's: near a minimum the loss hardly
//     changes long before the weights stop moving.
//   - net.parameters() is W², b², ..., W^L, b^L (Variables); p.value() a copy's source,
//     p.mutable_value() the values to change in place.
//   - Follows seed 003's listing, step 2-3 (docs/training.md, "Seed 003's listing, line by line");
//     about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 14
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "epsilon_stop.hpp"
#include "nn/train.hpp"  // gradients

namespace tg::exercises {

double largest_change([[maybe_unused]] const std::vector<Tensor>& before,
                      [[maybe_unused]] const std::vector<Tensor>& after) {
  // ---- your code here: replace the line below ----
  throw std::logic_error(
      "exercise: not written yet (exercises/14_epsilon_stop/exercise.cpp, largest_change)");
}

DescentResult descend([[maybe_unused]] nn::Mlp& net, [[maybe_unused]] const Tensor& X,
                      [[maybe_unused]] const Tensor& Y, [[maybe_unused]] const nn::Cost& cost,
                      [[maybe_unused]] double alpha, [[maybe_unused]] double epsilon,
                      [[maybe_unused]] std::size_t max_iterations) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/14_epsilon_stop/exercise.cpp, descend)");
}

}  // namespace tg::exercises
