#include "nn/cost.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"
#include "nn/table_row.hpp"

namespace tg::nn {

namespace {

// ---- quadratic: C_x = ½ ‖a − y‖², with any output through ∇_a C = a − y

double a_minus_y(double a, double y) { return a - y; }
Variable half_squared_error(const Variable& aL, const Variable& Y) { return 0.5 * sum(pow(aL - Y, 2.0)); }
// sum + (a − y)², rounded once (a fused multiply-add)
double add_squared_error(double sum, double a, double y, double, double) {
  return std::fma(a - y, a - y, sum);
}

// ---- the log-based costs' C from z^L: finite however far out z^L is, never ln 0

// cross-entropy on sigmoid outputs: −[y ln σ(z) + (1−y) ln(1−σ(z))] = softplus(z) − y z
Variable cross_entropy_sigmoid(const Variable& zL, const Variable& Y) { return sum(softplus(zL) - Y * zL); }

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
  const Variable below_top = log(1.0 - exp(ell) * R);                     // ln(1 − a_j), j ≠ j*; 0 at j*
  const Variable at_top = S + log(sum(R * exp(R * (ell - S)), 0, true));  // ln Σ_{k≠j*} a_k   (1, m)
  return below_top + T * at_top;
}

// cross-entropy on softmax outputs: ln a = log_softmax(z), and ln(1 − a) likewise from z
Variable cross_entropy_softmax(const Variable& zL, const Variable& Y) {
  const Variable ell = log_softmax(zL, 0);  // ℓ = ln a
  return -sum(Y * ell + (1.0 - Y) * log_one_minus_softmax(zL, ell));
}

// log-likelihood on softmax outputs: −y·ln a = −y·log_softmax(z)
Variable log_likelihood_softmax(const Variable& zL, const Variable& Y) {
  return -sum(Y * log_softmax(zL, 0));
}

// log-likelihood on sigmoid outputs: −y ln σ(z) = y softplus(−z): finite where σ(z) rounds to 0,
// and 0 (not 0 · −inf) for y = 0
Variable log_likelihood_sigmoid(const Variable& zL, const Variable& Y) { return sum(Y * softplus(-zL)); }

double add_cross_entropy(double sum, double, double y, double ln_a, double ln_1ma) {
  return sum + (y * ln_a + (1.0 - y) * ln_1ma);
}
double add_log_likelihood(double sum, double, double y, double ln_a, double) { return sum + y * ln_a; }

// ---- (BP1) multiplied out, on whole batches (before the 1/m) and for explain's rows

// cross-entropy on sigmoid outputs: (a − y)/(a(1 − a)) ⊙ a(1 − a) = a − y: σ′ cancels.   (N, m) -> (N, m)
Tensor cross_entropy_sigmoid_delta(const Tensor&, const Tensor& aL, const Tensor& Y) {
  return zip("output_delta", aL, Y, a_minus_y);
}

// log-likelihood on sigmoid outputs: (−y/a) ⊙ a(1 − a) = −y(1 − a): a cancels, no 0/0 at a = 0
double minus_y_one_minus_a(double y, double a) { return -y * (1.0 - a); }
Tensor log_likelihood_sigmoid_delta(const Tensor&, const Tensor& aL, const Tensor& Y) {
  return zip("output_delta", Y, aL, minus_y_one_minus_a);
}

// (BP1) for cross-entropy on softmax outputs: (∂a/∂z)ᵀ ∇_a C with ∇_a C = (a − y)/(a(1 − a)),
// multiplied out so that nothing divides by a(1 − a), which is 0 where a saturates:
//   δ_i = a_i Σ_j y_j − y_i + (1 − y_i) a_i − Σ_{j≠i} (1 − y_j) a_j a_i/(1 − a_j)
// Each a_j a_i/(1 − a_j) ≤ 1 (as a_i + a_j ≤ 1) is computed as e^{ℓ_j + ℓ_i − ln(1 − a_j)} from
// ℓ = ln a, with ln(1 − a_j) as log_one_minus_softmax says.   zL, Y: (N, m) -> (N, m), unscaled
Tensor cross_entropy_softmax_delta(const Tensor& zL, const Tensor&, const Tensor& Y) {
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
    for (std::size_t j = 0; j < n; ++j)
      l1m[j] = j == top ? s + std::log(rest) : std::log1p(-std::exp(ell[j]));
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
Tensor log_likelihood_softmax_delta(const Tensor&, const Tensor& aL, const Tensor& Y) {
  const std::size_t n = aL.shape()[0], m = aL.shape()[1];
  Tensor delta = Tensor::from_shape({n, m});
  for (std::size_t c = 0; c < m; ++c) {
    double sum_y = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum_y += Y(i, c);
    for (std::size_t i = 0; i < n; ++i) delta(i, c) = aL(i, c) * sum_y - Y(i, c);
  }
  return delta;
}

// "(y_1 + y_2 + y_3)" in symbols and numbers; returns the sum, added in that order.
double target_sum(const OutputColumn& c, std::string& symbols, std::string& numbers) {
  double s = 0.0;
  for (std::size_t k = 0; k < c.y.size(); ++k) {
    symbols += fmt::format("{}y_{}", k == 0 ? "(" : " + ", k + 1);
    numbers += fmt::format("{}{}", k == 0 ? "(" : " + ", c.w.operand(c.y[k]));
    s += c.y[k];
  }
  symbols += ")";
  numbers += ")";
  return s;
}

// δ^L_j = a_j Σ_k y_k − y_j over a softmax's column (with a sigmoid's own y alone, Σ = 1),
// written a_j − y_j where the sum is 1.
Worked a_sum_y_minus_y(const OutputColumn& c, std::size_t j, bool column) {
  const std::string A = c.w.operand(c.a[j]), Y = c.w.operand(c.y[j]);
  std::string sum_symbols, sum_numbers;
  const double sum_y = column ? target_sum(c, sum_symbols, sum_numbers) : 1.0;
  if (sum_y == 1.0)  // a_j · 1 − y_j
    return {fmt::format("a^{}_{} − y_{}", c.L, j + 1, j + 1), fmt::format("{} − {}", A, Y),
            c.a[j] * sum_y - c.y[j]};
  return {fmt::format("a^{}_{} {} − y_{}", c.L, j + 1, sum_symbols, j + 1),
          fmt::format("{} × {} − {}", A, sum_numbers, Y), c.a[j] * sum_y - c.y[j]};
}

Worked cross_entropy_sigmoid_row(const OutputColumn& c, std::size_t j) {
  return a_sum_y_minus_y(c, j, false);
}
Worked log_likelihood_softmax_row(const OutputColumn& c, std::size_t j) {
  return a_sum_y_minus_y(c, j, true);
}

Worked log_likelihood_sigmoid_row(const OutputColumn& c, std::size_t j) {
  return {fmt::format("−y_{} (1 − a^{}_{})", j + 1, c.L, j + 1),
          fmt::format("-{} × (1 − {})", c.w.operand(c.y[j]), c.w.operand(c.a[j])),
          minus_y_one_minus_a(c.y[j], c.a[j])};
}

// cross_entropy_softmax_delta's sum for one j, each a_k a_j/(1 − a_k) as exp(ln a_k + ln a_j − ln(1 − a_k))
Worked cross_entropy_softmax_row(const OutputColumn& c, std::size_t j) {
  Worked r = a_sum_y_minus_y(c, j, true);
  const std::size_t L = c.L;
  r.formula += fmt::format(" + (1 − y_{}) a^{}_{}", j + 1, L, j + 1);
  r.numbers += fmt::format(" + (1 − {}) × {}", c.w.operand(c.y[j]), c.w.operand(c.a[j]));
  r.value += (1.0 - c.y[j]) * c.a[j];
  for (std::size_t k = 0; k < c.a.size(); ++k) {
    if (k == j) continue;
    r.formula += fmt::format(" − (1 − y_{}) exp(ln a^{}_{} + ln a^{}_{} − ln(1 − a^{}_{}))", k + 1, L, k + 1,
                             L, j + 1, L, k + 1);
    r.numbers += fmt::format(" − (1 − {}) × exp({} + {} − {})", c.w.operand(c.y[k]), c.w.operand(c.ln_a[k]),
                             c.w.operand(c.ln_a[j]), c.w.operand(c.ln_1ma[k]));
    r.value -= (1.0 - c.y[k]) * std::exp(c.ln_a[k] + c.ln_a[j] - c.ln_1ma[k]);
  }
  return r;
}

bool any_target(double) { return true; }
bool probability(double y) { return y >= 0.0 && y <= 1.0; }
bool non_negative(double y) { return y >= 0.0; }

const CostPairing cross_entropy_pairings[] = {
    {Activation::sigmoid, cross_entropy_sigmoid, cross_entropy_sigmoid_delta, cross_entropy_sigmoid_row},
    {Activation::softmax, cross_entropy_softmax, cross_entropy_softmax_delta, cross_entropy_softmax_row},
};
const CostPairing log_likelihood_pairings[] = {
    {Activation::sigmoid, log_likelihood_sigmoid, log_likelihood_sigmoid_delta, log_likelihood_sigmoid_row},
    {Activation::softmax, log_likelihood_softmax, log_likelihood_softmax_delta, log_likelihood_softmax_row},
};

// One row per cost, in the enum's order.
const CostRow table[] = {
    {CostKind::quadratic,
     "quadratic",
     a_minus_y,
     half_squared_error,
     {},
     "",
     false,
     false,
     any_target,
     "",
     "({a} − {y})²",
     "({a} − {y}) × ({a} − {y})",
     add_squared_error,
     "½ ({})",
     "0.5 × ({})",
     0.5,
     "{a} − {y}",
     "{a} − {y}"},
    {CostKind::cross_entropy, "cross_entropy", nullptr, nullptr, cross_entropy_pairings,
     "takes ln a^L and ln(1 − a^L), which needs outputs in (0, 1)", true, true, probability,
     "needs targets in [0, 1] (y and 1 − y weigh ln a and ln(1 − a); outside, C falls without bound)",
     "{y} ln {a} + (1 − {y}) ln(1 − {a})", "{y} × {ln_a} + (1 − {y}) × {ln_1ma}", add_cross_entropy, "−({})",
     "-({})", -1.0, "", ""},
    {CostKind::log_likelihood, "log_likelihood", nullptr, nullptr, log_likelihood_pairings,
     "takes ln a^L, which needs outputs in (0, 1)", true, false, non_negative,
     "needs targets y ≥ 0 (for y < 0, −y ln a falls without bound as a → 0)", "{y} ln {a}", "{y} × {ln_a}",
     add_log_likelihood, "−({})", "-({})", -1.0, "", ""},
};

}  // namespace

std::span<const CostRow> cost_table() { return table; }

const CostRow& row(CostKind kind) { return table_row(table, kind, "a cost"); }

const CostPairing* pairing(const CostRow& r, Activation output) {
  for (const CostPairing& p : r.pairings)
    if (p.output == output) return &p;
  return nullptr;
}

std::string to_string(CostKind kind) { return row(kind).name; }

std::vector<std::string> cost_names() {
  std::vector<std::string> names;
  for (const CostRow& r : table) names.emplace_back(r.name);
  return names;
}

std::string paired_outputs(const CostRow& r) {
  std::vector<std::string> names;
  for (const CostPairing& p : r.pairings) names.push_back(to_string(p.output));
  return or_list(names);
}

CostKind parse_cost(const std::string& name) {
  for (const CostRow& r : table)
    if (r.name == name) return r.kind;
  throw std::invalid_argument(fmt::format("unknown cost '{}' (expected {})", name, or_list(cost_names())));
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
    throw shape_error(fmt::format("{}: targets {} do not match the network's output {}", what, shape_str(Y),
                                  shape_str(aL)));
}

// Row i, column j of Y (N^L, m) for an error message: "column 3 of the targets (10,20) has y = -0.5 in row 2".
std::string target_at(const Tensor& Y, std::size_t i, std::size_t j) {
  return fmt::format(
      "column {} of the targets {} has y = {} in row {} (columns are examples, rows output neurons, "
      "both counted from 0)",
      j, shape_str(Y), Y(i, j), i);
}

// Every target finite, and as the cost's target_ok says.   Y: (N^L, m)
void check_target_values(const char* who, const CostRow& r, const Tensor& Y) {
  if (Y.dimension() != 2) return;  // the shape checks say what is wrong
  for (std::size_t j = 0; j < Y.shape()[1]; ++j)
    for (std::size_t i = 0; i < Y.shape()[0]; ++i) {
      const double y = Y(i, j);
      if (!std::isfinite(y))
        throw std::invalid_argument(
            fmt::format("{}: {} needs finite targets, but {}", who, r.name, target_at(Y, i, j)));
      if (!r.target_ok(y))
        throw std::invalid_argument(
            fmt::format("{}: {} {}, but {}", who, r.name, r.target_rule, target_at(Y, i, j)));
    }
}

// λ is a strength: a finite number ≥ 0 (a negative one would reward large weights). It is only
// read when a regularization is on.
void check_lambda(const char* who, const Cost& c) {
  if (c.regularization != Regularization::none && (!(c.lambda >= 0.0) || !std::isfinite(c.lambda)))
    throw std::invalid_argument(fmt::format(
        "{}: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got {}", who, c.lambda));
}

}  // namespace

void check_cost_inputs(const char* who, const Cost& c, Activation output, const Tensor& Y) {
  check_lambda(who, c);
  const CostRow& r = row(c.kind);
  if (output == Activation::softmax && Y.dimension() == 2 && Y.shape()[0] == 1)
    throw std::invalid_argument(fmt::format(
        "{}: {} on a softmax over a single output neuron: a^L = e^z / e^z = 1 whatever the weights, so C does not "
        "depend on them and nothing can be learned (use a sigmoid output for one neuron)",
        who, r.name));
  if (!r.grad_a && !pairing(r, output))
    throw std::invalid_argument(fmt::format("{}: {} {}: use a {} output, not {} ({})", who, r.name,
                                            r.pairing_rule, paired_outputs(r), to_string(output),
                                            nn::row(output).outside_ln_domain));
  check_target_values(who, r, Y);
}

namespace {

// Σ over the batch of the per-example cost, before the reduction; for a pairing check_cost_inputs accepts.
Variable data_term(const CostRow& r, Activation output, const Variable& zL, const Variable& aL,
                   const Variable& Y) {
  if (const CostPairing* p = pairing(r, output)) return p->term(zL, Y);
  return r.term(aL, Y);
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
  return cost(c, net.output(), trace.z[L], trace.a[L], net.weights(), Y);
}

Variable cost(const Cost& c, Activation output, const Variable& zL, const Variable& aL,
              const std::vector<Variable>& weights, const Tensor& Y) {
  check_lambda("cost", c);
  check_targets("cost", aL.value(), Y);
  check_cost_inputs("cost", c, output, Y);
  const std::size_t m = Y.shape()[1];
  if (m == 0 && c.reduction == Reduction::mean)
    throw std::invalid_argument(fmt::format(
        "cost: the mean over a batch of no examples (targets {}) is undefined; use Reduction::sum",
        shape_str(Y)));
  Variable C = data_term(row(c.kind), output, zL, aL, Variable(Y));
  if (c.reduction == Reduction::mean) C = C / static_cast<double>(m);
  return add_l2_term(C, c, weights, m);
}

Variable add_l2_term(Variable C, const Cost& c, const std::vector<Variable>& weights, std::size_t m) {
  const double kappa = l2_coefficient(c, m);  // κ/2 Σ‖W‖² has gradient κ W
  if (kappa != 0.0)
    for (const Variable& W : weights) C = C + 0.5 * kappa * sum(W * W);
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
  const CostRow& r = row(c.kind);
  if (const CostPairing* p = pairing(r, output))
    return map(p->delta(zL, aL, Y), scaled);  // (BP1) multiplied out
  // (BP1) δ^L = ∇_a C ⊙ σ'(z^L)
  return map(activation_backward(output, zL, aL, zip("output_delta", aL, Y, r.grad_a)), scaled);
}

}  // namespace tg::nn
