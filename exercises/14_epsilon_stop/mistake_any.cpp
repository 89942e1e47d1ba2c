// Exercise 14, a plausible wrong answer: it stops when SOME change is below ε (the smallest
// |Δθ|), where seed 003 asks that every change be: the largest. A weight that
// hardly moves stops the run at once. largest_change is right; descend does not use it.
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

namespace {

std::vector<Tensor> values(const nn::Mlp& net) {
  std::vector<Tensor> v;
  for (const Variable& p : net.parameters()) v.push_back(p.value());
  return v;
}

}  // namespace

DescentResult descend(nn::Mlp& net, const Tensor& X, const Tensor& Y, const nn::Cost& cost, double alpha,
                      double epsilon, std::size_t max_iterations) {
  const std::vector<Variable> params = net.parameters();
  for (std::size_t iter = 1; iter <= max_iterations; ++iter) {
    const std::vector<Tensor> before = values(net), g = nn::gradients(net, X, Y, cost);
    for (std::size_t p = 0; p < params.size(); ++p) {
      Tensor& theta = params[p].mutable_value();
      for (std::size_t k = 0; k < theta.size(); ++k)
        theta.data()[k] -= alpha * g[p].data()[k];  // θ ← θ − α g
    }
    const std::vector<Tensor> after = values(net);
    double smallest = INFINITY;
    for (std::size_t p = 0; p < after.size(); ++p)
      for (std::size_t k = 0; k < after[p].size(); ++k)
        smallest = std::min(smallest, std::abs(after[p].data()[k] - before[p].data()[k]));
    if (smallest < epsilon) return {iter, true};  // the slip: some |Δθ| < ε
  }
  return {max_iterations, false};
}

}  // namespace tg::exercises
