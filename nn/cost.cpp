#include "nn/cost.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

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

// Σ over the batch of the per-example cost, before the reduction.
Variable data_term(CostKind kind, Activation output, const Variable& zL, const Variable& aL, const Variable& Y) {
  switch (kind) {
    case CostKind::quadratic: return 0.5 * sum(pow(aL - Y, 2.0));  // ½ Σ ‖a − y‖²
    case CostKind::cross_entropy:
      // −[y ln σ(z) + (1−y) ln(1−σ(z))] = softplus(z) − y z
      if (output == Activation::sigmoid) return sum(softplus(zL) - Y * zL);
      return -sum(Y * log(aL) + (1.0 - Y) * log(1.0 - aL));
    case CostKind::log_likelihood:
      if (output == Activation::softmax) return -sum(Y * log_softmax(zL, 0));
      return -sum(Y * log(aL));
  }
  throw std::logic_error("cost: unknown cost");
}

}  // namespace

double l2_coefficient(const Cost& c, std::size_t m) {
  switch (c.regularization) {
    case Regularization::none: return 0.0;
    case Regularization::l2: return c.lambda / static_cast<double>(c.training_set_size > 0 ? c.training_set_size : m);
    case Regularization::l2_total: return c.lambda;
  }
  return 0.0;
}

Variable cost(const Cost& c, const Mlp& net, const Mlp::Trace& trace, const Tensor& Y) {
  const std::size_t L = net.num_layers();
  check_targets("cost", trace.a[L].value(), Y);
  const std::size_t m = Y.shape()[1];
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
  check_targets("output_delta", aL, Y);
  const double scale = c.reduction == Reduction::mean ? 1.0 / static_cast<double>(Y.shape()[1]) : 1.0;
  const auto scaled = [scale](double v) { return v * scale; };
  const Tensor a_minus_y = zip("output_delta", aL, Y, std::minus<>());
  switch (c.kind) {
    case CostKind::quadratic:  // (BP1) δ^L = ∇_a C ⊙ σ'(z^L), ∇_a C = a − y
      return map(activation_backward(output, zL, aL, a_minus_y), scaled);
    case CostKind::cross_entropy:
      if (output == Activation::sigmoid) return map(a_minus_y, scaled);  // (BP1) δ^L = a − y
      // (BP1) ∇_a C = (a − y) / (a(1 − a))
      return map(activation_backward(output, zL, aL,
                                     zip("output_delta", a_minus_y, aL, [](double d, double a) { return d / (a * (1.0 - a)); })),
                 scaled);
    case CostKind::log_likelihood:
      if (output == Activation::softmax) return map(a_minus_y, scaled);  // (BP1) δ^L = a − y
      // (BP1) ∇_a C = −y / a
      return map(activation_backward(output, zL, aL,
                                     zip("output_delta", Y, aL, [](double y, double a) { return -y / a; })),
                 scaled);
  }
  throw std::logic_error("output_delta: unknown cost");
}

}  // namespace tg::nn
