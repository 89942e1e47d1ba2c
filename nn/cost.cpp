#include "nn/cost.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"

namespace tg::nn {

std::string to_string(CostKind kind) {
  switch (kind) {
    case CostKind::quadratic: return "quadratic";
    case CostKind::cross_entropy: return "cross_entropy";
    case CostKind::log_likelihood: return "log_likelihood";
  }
  return "?";
}

CostKind parse_cost(const std::string& name) {
  for (CostKind k : {CostKind::quadratic, CostKind::cross_entropy, CostKind::log_likelihood})
    if (to_string(k) == name) return k;
  throw std::invalid_argument(
      fmt::format("unknown cost '{}' (expected quadratic, cross_entropy or log_likelihood)", name));
}

std::string describe(const Cost& c) {
  std::string s = fmt::format("{} ({})", to_string(c.kind), c.reduction == Reduction::mean ? "mean" : "sum");
  if (c.regularization == Regularization::l2)
    s += fmt::format(" + L2 λ/(2n)Σ‖W‖², λ={}, n={}", c.lambda,
                     c.training_set_size ? std::to_string(c.training_set_size) : std::string("m"));
  if (c.regularization == Regularization::l2_total) s += fmt::format(" + L2 λ/2 Σ‖W‖², λ={}", c.lambda);
  return s;
}

namespace {

void check_targets(const char* what, const Tensor& aL, const Tensor& Y) {
  if (!same_shape(aL, Y))
    throw shape_error(fmt::format("{}: targets {} do not match the network's output {}", what,
                                  shape_str(Y), shape_str(aL)));
}

// Row i, column j of Y (N^L, m) for an error message: "column 3 of the targets (10,20) has y = -0.5 in row 2".
std::string target_at(const Tensor& Y, std::size_t i, std::size_t j) {
  return fmt::format("column {} of the targets {} has y = {} in row {} (columns are examples, rows output neurons, "
                     "both counted from 0)", j, shape_str(Y), Y(i, j), i);
}

// What a^L of each output activation does that ln a cannot take.
const char* outside_ln_domain(Activation output) {
  switch (output) {
    case Activation::identity: return "its a^L can be any number, and ln a is not a number for a < 0";
    case Activation::tanh: return "its a^L lies in (−1, 1), and ln a is not a number for a < 0";
    case Activation::relu: return "its a^L is 0 for every z ≤ 0 (ln 0 = −∞) and grows without bound";
    default: return "";
  }
}

}  // namespace

void check_cost_inputs(const char* who, const Cost& c, Activation output, const Tensor& Y) {
  const std::string cost = to_string(c.kind);
  if (output == Activation::softmax && Y.dimension() == 2 && Y.shape()[0] == 1)
    throw std::invalid_argument(fmt::format(
        "{}: {} on a softmax over a single output neuron: a^L = e^z / e^z = 1 whatever the weights, so C does not "
        "depend on them and nothing can be learned (use a sigmoid output for one neuron)", who, cost));
  if (c.kind != CostKind::quadratic && output != Activation::sigmoid && output != Activation::softmax)
    throw std::invalid_argument(fmt::format(
        "{}: {} takes ln a^L{}, which needs outputs in (0, 1): use a sigmoid or softmax output, not {} ({})", who,
        cost, c.kind == CostKind::cross_entropy ? " and ln(1 − a^L)" : "", to_string(output), outside_ln_domain(output)));
  if (Y.dimension() != 2) return;  // the shape checks say what is wrong
  for (std::size_t j = 0; j < Y.shape()[1]; ++j)
    for (std::size_t i = 0; i < Y.shape()[0]; ++i) {
      const double y = Y(i, j);
      if (!std::isfinite(y))
        throw std::invalid_argument(fmt::format("{}: {} needs finite targets, but {}", who, cost, target_at(Y, i, j)));
      if (c.kind == CostKind::cross_entropy && !(y >= 0.0 && y <= 1.0))
        throw std::invalid_argument(fmt::format(
            "{}: cross_entropy needs targets in [0, 1] (y and 1 − y weigh ln a and ln(1 − a); outside, C falls without "
            "bound), but {}", who, target_at(Y, i, j)));
      if (c.kind == CostKind::log_likelihood && !(y >= 0.0))
        throw std::invalid_argument(fmt::format(
            "{}: log_likelihood needs targets y ≥ 0 (for y < 0, −y ln a falls without bound as a → 0), but {}", who,
            target_at(Y, i, j)));
    }
}

namespace {

// λ is a strength: a finite number ≥ 0 (a negative one would reward large weights). It is only
// read when a regularization is on.
void check_lambda(const char* who, const Cost& c) {
  if (c.regularization != Regularization::none && (!(c.lambda >= 0.0) || !std::isfinite(c.lambda)))
    throw std::invalid_argument(fmt::format("{}: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got {}",
                                            who, c.lambda));
}

// ln(1 − a) for a = softmax(z) down each column, with no ln 0 where a rounds to 1:
// ln(1 − a_j) = ln Σ_{k≠j} a_k. Below the column's largest a (so a_j ≤ ½) that is log(1 − a_j),
// well conditioned; at the largest, j*, it is a log-sum-exp of ℓ = ln a over the others,
// shifted by their maximum s so that no exponential overflows: s + ln Σ_{k≠j*} e^{ℓ_k − s}.
// z, ell = log_softmax(z, 0): (N, m) -> (N, m)
Variable log_one_minus_softmax(const Variable& z, const Variable& ell) {
  const Tensor top = argmax_mask(z.value(), 0);  // 1 at each column's largest a (its first, on a tie)
  const Tensor rest = map(top, [](double t) { return 1.0 - t; });
  const std::size_t n = top.shape()[0], m = top.shape()[1];
  Tensor shift = filled({1, m}, 0.0);  // s: the largest ℓ_k, k ≠ j*, of each column
  for (std::size_t j = 0; j < m; ++j) {
    double s = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i)
      if (rest(i, j) != 0.0) s = std::max(s, ell.value()(i, j));
    shift(0, j) = n > 1 ? s : 0.0;  // one row: no others, and ln(1 − a) = ln 0 = −∞ is the truth
  }
  const Variable T(top), R(rest), S(shift);
  const Variable below_top = log(1.0 - exp(ell) * R);                  // ln(1 − a_j), j ≠ j*; 0 at j*
  const Variable at_top = S + log(sum(R * exp(R * (ell - S)), 0, true));  // ln Σ_{k≠j*} a_k   (1, m)
  return below_top + T * at_top;
}

// Σ over the batch of the per-example cost, before the reduction; for a pairing check_cost_inputs accepts.
Variable data_term(CostKind kind, Activation output, const Variable& zL, const Variable& aL, const Variable& Y) {
  switch (kind) {
    case CostKind::quadratic: return 0.5 * sum(pow(aL - Y, 2.0));  // ½ Σ ‖a − y‖²
    case CostKind::cross_entropy:
      // −[y ln σ(z) + (1−y) ln(1−σ(z))] = softplus(z) − y z
      if (output == Activation::sigmoid) return sum(softplus(zL) - Y * zL);
      // softmax: ln a = log_softmax(z), and ln(1 − a) likewise from z: finite however far out z is
      {  // softmax (check_cost_inputs refuses the other outputs)
        const Variable ell = log_softmax(zL, 0);  // ℓ = ln a
        return -sum(Y * ell + (1.0 - Y) * log_one_minus_softmax(zL, ell));
      }
    case CostKind::log_likelihood:
      if (output == Activation::softmax) return -sum(Y * log_softmax(zL, 0));
      // sigmoid: −y ln σ(z) = y softplus(−z): finite where σ(z) rounds to 0, and 0 (not 0 · −inf) for y = 0
      return sum(Y * softplus(-zL));
  }
  throw std::logic_error("cost: unknown cost");
}

// (BP1) for cross-entropy on softmax outputs: (∂a/∂z)ᵀ ∇_a C with ∇_a C = (a − y)/(a(1 − a)),
// multiplied out so that nothing divides by a(1 − a), which is 0 where a saturates:
//   δ_i = a_i Σ_j y_j − y_i + (1 − y_i) a_i − Σ_{j≠i} (1 − y_j) a_j a_i/(1 − a_j)
// Each a_j a_i/(1 − a_j) ≤ 1 (as a_i + a_j ≤ 1) is computed as e^{ℓ_j + ℓ_i − ln(1 − a_j)} from
// ℓ = ln a, with ln(1 − a_j) as log_one_minus_softmax says.   zL, Y: (N, m) -> (N, m), unscaled
Tensor cross_entropy_softmax_delta(const Tensor& zL, const Tensor& Y) {
  const std::size_t n = zL.shape()[0], m = zL.shape()[1];
  Tensor delta = Tensor::from_shape({n, m});
  std::vector<double> ell(n), l1m(n);  // ln a_i and ln(1 − a_i) of one column
  for (std::size_t c = 0; c < m; ++c) {
    std::size_t top = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (zL(i, c) > zL(top, c)) top = i;
    double sum_exp = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum_exp += std::exp(zL(i, c) - zL(top, c));
    for (std::size_t i = 0; i < n; ++i) ell[i] = zL(i, c) - zL(top, c) - std::log(sum_exp);
    double s = -std::numeric_limits<double>::infinity(), rest = 0.0;
    for (std::size_t k = 0; k < n; ++k)
      if (k != top) s = std::max(s, ell[k]);
    for (std::size_t k = 0; k < n; ++k)
      if (k != top) rest += std::exp(ell[k] - s);
    for (std::size_t j = 0; j < n; ++j) l1m[j] = j == top ? s + std::log(rest) : std::log1p(-std::exp(ell[j]));
    double sum_y = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum_y += Y(i, c);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = std::exp(ell[i]);
      double d = a * sum_y - Y(i, c) + (1.0 - Y(i, c)) * a;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) d -= (1.0 - Y(j, c)) * std::exp(ell[j] + ell[i] - l1m[j]);
      delta(i, c) = d;
    }
  }
  return delta;
}

// (BP1) for the log-likelihood on softmax outputs: with ℓ = log_softmax(z), ∂ℓ_j/∂z_i = [i = j] − a_i, so
//   δ_i = −Σ_j y_j ([i = j] − a_i) = a_i Σ_j y_j − y_i,
// which is a − y only where the column sums to 1.   aL, Y: (N, m) -> (N, m), unscaled
Tensor log_likelihood_softmax_delta(const Tensor& aL, const Tensor& Y) {
  const std::size_t n = aL.shape()[0], m = aL.shape()[1];
  Tensor delta = Tensor::from_shape({n, m});
  for (std::size_t c = 0; c < m; ++c) {
    double sum_y = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum_y += Y(i, c);
    for (std::size_t i = 0; i < n; ++i) delta(i, c) = aL(i, c) * sum_y - Y(i, c);
  }
  return delta;
}

}  // namespace

double l2_coefficient(const Cost& c, std::size_t m) {
  check_lambda("l2_coefficient", c);
  switch (c.regularization) {
    case Regularization::none: return 0.0;
    case Regularization::l2:
      if (c.training_set_size == 0 && m == 0)
        throw std::invalid_argument(
            "l2_coefficient: λ/(2n) needs n ≥ 1, but training_set_size is 0 (use the batch's m) and the batch is empty");
      return c.lambda / static_cast<double>(c.training_set_size > 0 ? c.training_set_size : m);
    case Regularization::l2_total: return c.lambda;
  }
  return 0.0;
}

Variable cost(const Cost& c, const Mlp& net, const Mlp::Trace& trace, const Tensor& Y) {
  const std::size_t L = net.num_layers();
  if (trace.z.size() != L + 1 || trace.a.size() != L + 1 || !trace.z[L].defined() || !trace.a[L].defined())
    throw std::invalid_argument(fmt::format(
        "cost: the trace holds {} layers but the network has {}: pass this network's net.forward_trace(X)",
        trace.a.empty() ? 0 : trace.a.size() - 1, L));
  check_lambda("cost", c);
  check_targets("cost", trace.a[L].value(), Y);
  check_cost_inputs("cost", c, net.output(), Y);
  const std::size_t m = Y.shape()[1];
  if (m == 0 && c.reduction == Reduction::mean)
    throw std::invalid_argument(fmt::format(
        "cost: the mean over a batch of no examples (targets {}) is undefined; use Reduction::sum", shape_str(Y)));
  Variable C = data_term(c.kind, net.output(), trace.z[L], trace.a[L], Variable(Y));
  if (c.reduction == Reduction::mean) C = C / static_cast<double>(m);
  const double kappa = l2_coefficient(c, m);  // κ/2 Σ‖W‖² has gradient κ W
  if (kappa != 0.0) {
    for (std::size_t l = 2; l <= L; ++l) {
      const Variable& W = net.layer(l).W;
      C = C + 0.5 * kappa * sum(W * W);
    }
  }
  return C;
}

Tensor output_delta(const Cost& c, Activation output, const Tensor& zL, const Tensor& aL, const Tensor& Y) {
  // zL, aL, Y: (N^L, m)
  if (aL.dimension() != 2 || !same_shape(zL, aL))
    throw shape_error(fmt::format("output_delta: z^L {} and a^L {} must be one (N^L, m) shape", shape_str(zL),
                                  shape_str(aL)));
  check_targets("output_delta", aL, Y);
  check_cost_inputs("output_delta", c, output, Y);
  const double scale = c.reduction == Reduction::mean ? 1.0 / static_cast<double>(Y.shape()[1]) : 1.0;
  const auto scaled = [scale](double v) { return v * scale; };
  const Tensor a_minus_y = zip("output_delta", aL, Y, std::minus<>());
  switch (c.kind) {
    case CostKind::quadratic:  // (BP1) δ^L = ∇_a C ⊙ σ'(z^L), ∇_a C = a − y
      return map(activation_backward(output, zL, aL, a_minus_y), scaled);
    case CostKind::cross_entropy:  // sigmoid or softmax (check_cost_inputs)
      if (output == Activation::sigmoid) return map(a_minus_y, scaled);  // (BP1) δ^L = a − y
      return map(cross_entropy_softmax_delta(zL, Y), scaled);            // (BP1), multiplied out
    case CostKind::log_likelihood:
      if (output == Activation::softmax) return map(log_likelihood_softmax_delta(aL, Y), scaled);  // (BP1) a Σy − y
      // (BP1) sigmoid: (−y/a) ⊙ a(1 − a) = −y(1 − a): a cancels, no 0/0 at a = 0
      return map(zip("output_delta", Y, aL, [](double y, double a) { return -y * (1.0 - a); }), scaled);
  }
  throw std::logic_error("output_delta: unknown cost");
}

}  // namespace tg::nn
