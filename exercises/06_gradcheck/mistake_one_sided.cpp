// Exercise 06, a plausible wrong answer: the one-sided difference (f(x + h e_i) − f(x)) / h. Its
// error is h/2 f″ instead of h²/6 f‴: about 1e-5 with h = 1e-5, as large as the tolerance, so
// it may even pass a check of correct ops; against tg::central_differences it is plainly off.
// (The handout test, exercises/test_handout.sh, grades it: it must score less.)
#include <algorithm>
#include <cmath>

#include "gradcheck.hpp"

namespace tg::exercises {

// ∂f/∂x_i ≈ (f(x + h e_i) − f(x)) / h   (the slip)
Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, const Tensor& x, double h) {
  Tensor g = Tensor::from_shape(x.shape());
  Tensor nudged = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    nudged.data()[i] = x.data()[i] + h;
    const double plus = f(nudged);
    nudged.data()[i] = x.data()[i];
    g.data()[i] = (plus - f(nudged)) / h;  // the slip: one side only
  }
  return g;
}

// |a − n| / max(|a|, |n|, floor)
double relative_error(double analytic, double numeric, double floor) {
  return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), floor});
}

GradientCheck compare_gradients(const Tensor& analytic, const Tensor& numeric, double tolerance,
                                double floor) {
  GradientCheck r;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    double e = relative_error(analytic.data()[i], numeric.data()[i], floor);
    if (std::isnan(e)) e = INFINITY;  // a NaN is never close: the worst of all
    if (e > r.worst_error) {
      r.worst_error = e;
      r.worst = i;
    }
    if (e > tolerance && r.ok) {
      r.ok = false;
      r.first_wrong = i;
    }
  }
  return r;
}

GradientCheck check_gradient(const std::function<Variable(const Variable&)>& f, const Tensor& x, double h,
                             double tolerance, double floor) {
  Variable leaf(x, /*requires_grad=*/true);
  f(leaf).backward();  // analytic: the engine's ∂C/∂x
  const auto value = [&f](const Tensor& t) {
    no_grad guard;  // nothing to record for the numbers
    return f(Variable(t)).item();
  };
  return compare_gradients(leaf.grad(), numeric_gradient(value, x, h), tolerance, floor);
}

}  // namespace tg::exercises
