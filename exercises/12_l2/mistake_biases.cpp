// Exercise 12, a plausible wrong answer: the biases decayed too, b ← (1 − ηλ/n) b − η ∂C₀/∂b.
// The cost form regularises the weights only, so the two forms no longer agree (the cost term
// is right here).
// (The handout test, exercises/test_handout.sh, grades it: it must score less.)
#include "l2.hpp"

namespace tg::exercises {

// λ/(2n) Σ_l ‖W^l‖²: the weights only
Variable l2_term(const nn::Mlp& net, double lambda, std::size_t n) {
  Variable sum_of_squares(filled({}, 0.0));
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Variable& W = net.layer(l).W;
    sum_of_squares = sum_of_squares + tg::sum(W * W);
  }
  return sum_of_squares * (lambda / (2.0 * static_cast<double>(n)));
}

// W ← (1 − ηλ/n) W − η ∂C₀/∂W,   b ← (1 − ηλ/n) b − η ∂C₀/∂b   (the slip)
void weight_decay_step(nn::Mlp& net, const std::vector<Tensor>& grads0, double eta, double lambda,
                       std::size_t n) {
  const double decay = 1.0 - eta * lambda / static_cast<double>(n);
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    Tensor& W = net.layer(l).W.mutable_value();
    Tensor& b = net.layer(l).b.mutable_value();
    const Tensor& gW = grads0[2 * (l - 2)];
    const Tensor& gb = grads0[2 * (l - 2) + 1];
    for (std::size_t k = 0; k < W.size(); ++k) W.data()[k] = decay * W.data()[k] - eta * gW.data()[k];
    for (std::size_t k = 0; k < b.size(); ++k)
      b.data()[k] = decay * b.data()[k] - eta * gb.data()[k];  // the slip: b decayed
  }
}

}  // namespace tg::exercises
