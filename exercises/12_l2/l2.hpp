// Exercise 12: L2 regularisation in both forms. The declarations; you write the bodies in
// exercise.cpp.
#pragma once

#include <cstddef>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/mlp.hpp"

namespace tg::exercises {

// (1) The cost form: the term added to the cost C₀,
//       C = C₀ + λ/(2n) Σ_l ‖W^l‖²,     ‖W‖² = Σ_jk (w_jk)²
//     over the weights W² .. W^L of net, not the biases; n: the size of the whole training set.
//     Written with Variable ops, so that backward gives its gradient λ/n W^l.
Variable l2_term(const nn::Mlp& net, double lambda, std::size_t n);

// (2) The update form, "weight decay": one gradient-descent step on C with only C₀'s gradient,
//       W^l ← (1 − ηλ/n) W^l − η ∂C₀/∂W^l,       b^l ← b^l − η ∂C₀/∂b^l
//     in place. grads0: ∂C₀/∂θ in net.parameters() order (∂C₀/∂W², ∂C₀/∂b², ..., ∂C₀/∂b^L).
void weight_decay_step(nn::Mlp& net, const std::vector<Tensor>& grads0, double eta, double lambda,
                       std::size_t n);

}  // namespace tg::exercises
