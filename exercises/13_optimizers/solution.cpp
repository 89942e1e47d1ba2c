// Exercise 13, the reference solution (graded with scripts/grade.sh --solutions).
#include <cmath>

#include "optimizers.hpp"

namespace tg::exercises {

// θ ← θ − η g
void sgd_step(Tensor& theta, const Tensor& g, double eta) {
  for (std::size_t k = 0; k < theta.size(); ++k) theta.data()[k] -= eta * g.data()[k];
}

// v ← μ v − η g,   θ ← θ + v
void momentum_step(Tensor& theta, Tensor& v, const Tensor& g, double eta, double mu) {
  for (std::size_t k = 0; k < theta.size(); ++k) {
    v.data()[k] = mu * v.data()[k] - eta * g.data()[k];
    theta.data()[k] += v.data()[k];
  }
}

void adam_step(Tensor& theta, Tensor& m, Tensor& v, const Tensor& g, std::size_t t, const AdamSettings& s) {
  const double c1 = 1.0 - std::pow(s.beta1, static_cast<double>(t));  // m and v start at 0: early
  const double c2 = 1.0 - std::pow(s.beta2, static_cast<double>(t));  // averages are too small by these
  for (std::size_t k = 0; k < theta.size(); ++k) {
    const double gk = g.data()[k];
    m.data()[k] = s.beta1 * m.data()[k] + (1.0 - s.beta1) * gk;       // m ← β₁ m + (1 − β₁) g
    v.data()[k] = s.beta2 * v.data()[k] + (1.0 - s.beta2) * gk * gk;  // v ← β₂ v + (1 − β₂) g²
    const double m_hat = m.data()[k] / c1, v_hat = v.data()[k] / c2;
    theta.data()[k] -= s.eta * m_hat / (std::sqrt(v_hat) + s.epsilon);  // θ ← θ − η m̂ ⊘ (√v̂ + ε)
  }
}

}  // namespace tg::exercises
