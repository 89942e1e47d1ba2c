// Exercise 08: BP1 for the quadratic cost and for cross-entropy.      <-- YOUR FILE: edit it
//
// THE TASK
//   A sigmoid output layer, m examples (one column each), the cost averaged over them. Write
//   δ^L = ∂C/∂z^L for two costs, from (BP1) δ^L = ∇_a C ⊙ σ'(z^L), σ'(z) = a(1 − a):
//     (1) bp1_quadratic:      C = 1/(2m) Σ ‖a − y‖²:  δ^L = (a − y)/m ⊙ a(1 − a)
//     (2) bp1_cross_entropy:  C = −1/m Σ [y ln a + (1 − y) ln(1 − a)]:
//         ∇_a C = (a − y) / (m a(1 − a)); multiply by σ' and simplify.
//
// HINTS
//   - aL.data()[i] and Y.data()[i] walk both tensors element by element; aL.shape()[1] is m.
//   - (2) is where seed 002 shows the σ' cancelling: ∂L/∂z^[2] = a − y. That is why
//     cross-entropy learns fast even when the output neuron saturates.
//   - Follows seeds 000/001 (quadratic) and 002 (cross-entropy); docs/backprop.md; ½ hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 08
#include <stdexcept>

#include "bp1.hpp"

namespace tg::exercises {

Tensor bp1_quadratic([[maybe_unused]] const Tensor& zL, [[maybe_unused]] const Tensor& aL,
                     [[maybe_unused]] const Tensor& Y) {
  throw std::logic_error("exercise: not written yet (exercises/08_bp1/exercise.cpp: bp1_quadratic)");
}

Tensor bp1_cross_entropy([[maybe_unused]] const Tensor& zL, [[maybe_unused]] const Tensor& aL,
                         [[maybe_unused]] const Tensor& Y) {
  throw std::logic_error("exercise: not written yet (exercises/08_bp1/exercise.cpp: bp1_cross_entropy)");
}

}  // namespace tg::exercises
