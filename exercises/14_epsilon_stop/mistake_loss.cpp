// Exercise 14, a plausible wrong answer: it stops when the loss changes by less than ε, a rule
// many programs use, but not seed 003's, which asks every change of W and b to be below ε. The
// loss changes by about ‖Δθ‖²/α, so the two stop at different steps. largest_change is right.
// (The handout test, exercises/test_handout.sh, grades it: it must score less.)
#include <algorithm>
#include <cmath>

#include "epsilon_stop.hpp"
#include "nn/train.hpp"  // gradients

namespace tg::exercises {

// max |after − before|, NaN sticking
double largest_change(const std::vector<Tensor>& before, const std::vector<Tensor>& after) {
  double largest = 0.0;
  for (std::size_t p = 0; p < before.size(); ++p)
    for (std::size_t k = 0; k < before[p].size(); ++k) {
      const double change = std::abs(after[p].data()[k] - before[p].data()[k]);
      if (std::isnan(change)) return NAN;
      largest = std::max(largest, change);
    }
  return largest;
}

DescentResult descend(nn::Mlp& net, const Tensor& X, const Tensor& Y, const nn::Cost& cost, double alpha,
                      double epsilon, std::size_t max_iterations) {
  const std::vector<Variable> params = net.parameters();
  for (std::size_t iter = 1; iter <= max_iterations; ++iter) {
    const double loss_before = nn::evaluate_cost(net, X, Y, cost);
    const std::vector<Tensor> g = nn::gradients(net, X, Y, cost);
    for (std::size_t p = 0; p < params.size(); ++p) {
      Tensor& theta = params[p].mutable_value();
      for (std::size_t k = 0; k < theta.size(); ++k)
        theta.data()[k] -= alpha * g[p].data()[k];  // θ ← θ − α g
    }
    if (std::abs(nn::evaluate_cost(net, X, Y, cost) - loss_before) < epsilon)
      return {iter, true};  // the slip
  }
  return {max_iterations, false};
}

}  // namespace tg::exercises
