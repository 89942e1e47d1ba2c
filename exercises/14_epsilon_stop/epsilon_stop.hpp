// Exercise 14: seed 003's stopping rule. The declarations; you write the bodies in exercise.cpp.
#pragma once

#include <cstddef>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace tg::exercises {

// (1) The largest change of a step: max |after_i − before_i| over every element of every
// parameter (before[p] and after[p]: parameter p's values, one shape). NaN if any change is NaN:
// a diverging run must never look converged.
double largest_change(const std::vector<Tensor>& before, const std::vector<Tensor>& after);

// (2) Seed 003's loop, full-batch gradient descent with its two ways to stop:
//       for iter = 1 .. MAX:
//         θ ← θ − α ∂C/∂θ for every parameter (∂C/∂θ over all m examples: nn::gradients)
//         if every change |Δθ| of this step is below ε: stop          (ε reached)
//     iterations: the steps taken; epsilon_reached: whether ε stopped it (false: MAX did).
struct DescentResult {
  std::size_t iterations = 0;
  bool epsilon_reached = false;
};
DescentResult descend(nn::Mlp& net, const Tensor& X, const Tensor& Y, const nn::Cost& cost, double alpha,
                      double epsilon, std::size_t max_iterations);

}  // namespace tg::exercises
