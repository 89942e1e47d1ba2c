// Exercise 12: L2 regularisation in both forms.                       <-- YOUR FILE: edit it
//
// THE TASK
//   L2 regularisation can be written two ways, and they are the same thing:
//   (1) l2_term, the cost form: C = C₀ + λ/(2n) Σ_l ‖W^l‖², the weights of every layer, not
//       the biases; n is the size of the whole training set (not the batch's m). Return the
//       term as a Variable (Variable ops), so that backward finds its gradient λ/n W^l.
//   (2) weight_decay_step, the update form: one gradient-descent step on C computed from C₀'s
//       gradient alone:
//         W^l ← (1 − ηλ/n) W^l − η ∂C₀/∂W^l,     b^l ← b^l − η ∂C₀/∂b^l
//       in place. grads0 is ∂C₀/∂θ in net.parameters() order: ∂C₀/∂W², ∂C₀/∂b², ∂C₀/∂W³, ...
//   Why "weight decay": before the usual step, each weight shrinks by the factor (1 − ηλ/n).
//
// HINTS
//   - The layers are net.layer(l), l = 2 .. net.num_layers(); net.layer(l).W is W^l (a Variable).
//   - ‖W‖² with Variable ops: tg::sum(W * W); a running sum can start at Variable(tg::filled({}, 0.0)).
//   - In (2), change the values in place: Tensor& W = net.layer(l).W.mutable_value(); W.data()[k].
//   - The ½ in λ/(2n) is there so that the gradient is λ/n W, the decay's ηλ/n.
//   - Follows seed 004 (its λ/2 Σ W², with the 1/m elsewhere) and Nielsen's λ/(2n);
//     docs/training.md ("Weight decay: why λ is called that"); about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 12
#include <stdexcept>

#include "l2.hpp"

namespace tg::exercises {

Variable l2_term([[maybe_unused]] const nn::Mlp& net, [[maybe_unused]] double lambda,
                 [[maybe_unused]] std::size_t n) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/12_l2/exercise.cpp, l2_term)");
}

void weight_decay_step([[maybe_unused]] nn::Mlp& net, [[maybe_unused]] const std::vector<Tensor>& grads0,
                       [[maybe_unused]] double eta, [[maybe_unused]] double lambda,
                       [[maybe_unused]] std::size_t n) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/12_l2/exercise.cpp, weight_decay_step)");
}

}  // namespace tg::exercises
