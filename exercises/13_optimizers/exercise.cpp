// Exercise 13: the updates of SGD, momentum and Adam.                 <-- YOUR FILE: edit it
//
// THE TASK
//   Write the three steps of optimizers.hpp, element by element, in place:
//     (1) SGD        θ ← θ − η g
//     (2) momentum   v ← μ v − η g,   θ ← θ + v
//     (3) Adam       m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g ⊙ g
//                    m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)
//                    θ ← θ − η m̂ ⊘ (√v̂ + ε)
//   The test runs them step after step beside nn::Sgd, nn::Momentum and nn::Adam.
//
// HINTS
//   - theta.data()[k], g.data()[k]: the k-th element; theta.size() of them.
//   - m and v start at 0, so the first averages are too small: after one step m = (1 − β₁) g.
//     Dividing by (1 − β₁ᵗ) undoes that exactly on step t = 1 and less and less later
//     (std::pow(beta1, t)). Without it the first steps are ≈ 3 times too long with the usual
//     β₁ = 0.9, β₂ = 0.999.
//   - Follows docs/training.md and nn/optimizer.hpp's comment (not its code: try first); about
//     three quarters of an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 13
#include <cmath>
#include <stdexcept>

#include "optimizers.hpp"

namespace tg::exercises {

void sgd_step([[maybe_unused]] Tensor& theta, [[maybe_unused]] const Tensor& g, [[maybe_unused]] double eta) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/13_optimizers/exercise.cpp, sgd_step)");
}

void momentum_step([[maybe_unused]] Tensor& theta, [[maybe_unused]] Tensor& v,
                   [[maybe_unused]] const Tensor& g, [[maybe_unused]] double eta,
                   [[maybe_unused]] double mu) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/13_optimizers/exercise.cpp, momentum_step)");
}

void adam_step([[maybe_unused]] Tensor& theta, [[maybe_unused]] Tensor& m, [[maybe_unused]] Tensor& v,
               [[maybe_unused]] const Tensor& g, [[maybe_unused]] std::size_t t,
               [[maybe_unused]] const AdamSettings& s) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/13_optimizers/exercise.cpp, adam_step)");
}

}  // namespace tg::exercises
