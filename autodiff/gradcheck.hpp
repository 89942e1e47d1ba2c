// Finite-difference checks of the engine's gradients.
//
// gradcheck compares every entry of the Jacobian ∂f/∂inputs computed by backward (analytic)
// with central differences (f(x + εe_j) − f(x − εe_j)) / 2ε (numeric), in double precision.
// An entry passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
// gradgradcheck does the same for the gradient itself: it differentiates
//   (inputs, v) ↦ grad(f(inputs), inputs, seed v, create_graph)
// so every second derivative the backward pass records is checked too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/variable.hpp"

namespace tg {

// Checked by every function below (std::invalid_argument naming it): eps > 0, atol and rtol
// finite and ≥ 0.
struct GradcheckOptions {
  double eps = 1e-6;       // step of the central difference
  double atol = 1e-5;      // absolute tolerance
  double rtol = 1e-3;      // relative tolerance (to the numeric value)
  std::uint64_t seed = 0;  // gradgradcheck: seed of the random vector v
};

struct GradcheckResult {
  bool ok = true;
  std::size_t entries = 0;     // Jacobian entries compared
  double max_abs_error = 0.0;  // worst |analytic − numeric| over all entries
  // On failure: the first entry outside the tolerance, e.g.
  // "input 1, element (0,2), output 0 element (1): analytic 0.5, numeric 0.75, |diff| 0.25 > tolerance 0.00076"
  std::string report;
  explicit operator bool() const { return ok; }
};

// f maps the inputs (leaves requiring grad, holding the given values) to one or more outputs.
using MultiFunction = std::function<std::vector<Variable>(const std::vector<Variable>&)>;
using Function = std::function<Variable(const std::vector<Variable>&)>;

// ∂f/∂x by central differences, (f(x + εe_i) − f(x − εe_i)) / 2ε for every element i of the
// leaf x, which is nudged in place and put back; f is evaluated under no_grad.
// x must be a leaf (tg::graph_error), f not empty and eps > 0 (std::invalid_argument).
Tensor central_differences(const Variable& x, const std::function<double()>& f, double eps = 1e-6);

// f must not be empty (std::invalid_argument).
GradcheckResult gradcheck(const MultiFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});
GradcheckResult gradcheck(const Function& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});
GradcheckResult gradgradcheck(const Function& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

}  // namespace tg
