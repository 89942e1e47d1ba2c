#include "nn/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

namespace {

void check_learning_rate(const char* who, double eta) {
  if (!(eta > 0.0) || !std::isfinite(eta))
    throw std::invalid_argument(
        fmt::format("{}: the learning rate η must be a positive number, got {}", who, eta));
}

// β, μ ∈ [0, 1): the fraction of the old average (or velocity) kept each step.
void check_decay(const char* who, const char* what, double value) {
  if (!(value >= 0.0 && value < 1.0))
    throw std::invalid_argument(fmt::format("{}: {} must lie in [0, 1), got {}", who, what, value));
}

// θ_k ← θ_k + Δ_k for every weight k, with Δ_k = delta(k): a rule's formula for one weight
// (a lambda capturing its pointers by value: captured by reference, they were re-read as a
// vector gather every iteration). Returns max_k |Δ_k|, and sets `nan` when some Δ_k is NaN.
// This runs over every weight at every step (at batch 10 it took a third as long as the step's
// gemms when Δθ was a tensor of its own), so it is one pass that the compiler vectorises (`omp
// simd`: the max and the sum are split into vector lanes). A NaN is ignored by the max
// (std::max(m, NaN) is m) but not by the sum: the terms are ≥ 0, so the sum can reach +∞ but
// is NaN only if some Δ_k is.
template <class Delta>
double apply_change(Tensor& theta, bool& nan, Delta delta) {
  double* th = theta.data();
  const std::size_t n = theta.size();
  double largest = 0.0, total = 0.0;
#pragma omp simd reduction(max : largest) reduction(+ : total)
  for (std::size_t k = 0; k < n; ++k) {
    const double d = delta(k);
    th[k] += d;  // θ ← θ + Δθ
    const double change = std::abs(d);
    largest = std::max(largest, change);
    total += change;
  }
  nan = nan || std::isnan(total);
  return largest;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Optimizer: the loop every rule shares. θ_i ← θ_i + Δθ_i, with Δθ_i from the rule.

Optimizer::Optimizer(std::vector<Variable> params, double eta, const char* who)
    : params_(std::move(params)), eta_(eta), who_(who) {
  check_learning_rate(who_, eta_);
  if (params_.empty()) throw std::invalid_argument(fmt::format("{}: no parameters to optimize", who_));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].defined())
      throw std::invalid_argument(fmt::format("{}: parameter {} is an empty Variable", who_, i));
    if (!params_[i].is_leaf())
      throw std::invalid_argument(fmt::format(
          "{}: parameter {} ('{}', shape {}) was made by an op; only leaves (weights, biases) can be "
          "updated in place",
          who_, i, params_[i].op_name(), shape_str(params_[i].shape())));
  }
}

void Optimizer::set_learning_rate(double eta) {
  check_learning_rate(who_, eta);
  eta_ = eta;
}

void Optimizer::reset() { t_ = 0; }

void Optimizer::restore(std::size_t steps, const State& given) {
  const State own = state();
  const auto names = [](const State& s) {
    std::string list;
    for (const auto& [name, slot] : s) list += (list.empty() ? "" : ", ") + name;
    return list.empty() ? std::string("none") : list;
  };
  if (given.size() != own.size() ||
      !std::equal(given.begin(), given.end(), own.begin(),
                  [](const auto& a, const auto& b) { return a.first == b.first; }))
    throw std::invalid_argument(fmt::format("{}::restore: the state has slots ({}), but {} keeps ({})", who_,
                                            names(given), name(), names(own)));
  for (const auto& [slot, tensors] : given) {
    if (tensors.size() != params_.size())
      throw shape_error(fmt::format("{}::restore: slot '{}' holds {} tensors for {} parameters", who_, slot,
                                    tensors.size(), params_.size()));
    for (std::size_t i = 0; i < params_.size(); ++i)
      if (!same_shape(tensors[i], params_[i].value()))
        throw shape_error(
            fmt::format("{}::restore: slot '{}' tensor {} has shape {} but its parameter has shape {}", who_,
                        slot, i, shape_str(tensors[i]), shape_str(params_[i].value())));
  }
  restore_slots(given);
  t_ = steps;
}

void Optimizer::require_built_for(const std::vector<Variable>& params, std::string_view who,
                                  std::string_view advice) const {
  bool same = params.size() == params_.size();
  for (std::size_t i = 0; same && i < params.size(); ++i) same = params[i].same_node(params_[i]);
  if (!same)
    throw std::invalid_argument(fmt::format(
        "{}: the {} optimizer was built for other parameters than this network's{}", who, name(), advice));
}

std::vector<Tensor> Optimizer::zeros_like_parameters() const {
  std::vector<Tensor> z;
  for (const Variable& p : params_) z.push_back(filled(p.shape(), 0.0));
  return z;
}

double Optimizer::step(const std::vector<Tensor>& grads) {
  if (grads.size() != params_.size())
    throw shape_error(
        fmt::format("{}::step: {} gradients for {} parameters", who_, grads.size(), params_.size()));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& theta = params_[i].value();
    if (!same_shape(theta, grads[i]))
      throw shape_error(fmt::format("{}::step: gradient {} has shape {} but its parameter has shape {}", who_,
                                    i, shape_str(grads[i]), shape_str(theta)));
  }

  no_grad guard;  // an update of the weights, not part of any graph
  ++t_;
  double max_change = 0.0;
  bool nan_change = false;
  for (std::size_t i = 0; i < params_.size(); ++i)  // parameters are leaves: written in place
    max_change = std::max(max_change, update(i, grads[i], params_[i].mutable_value(), nan_change));
  return nan_change ? std::numeric_limits<double>::quiet_NaN() : max_change;
}

double Optimizer::step() {
  std::vector<Tensor> grads;
  grads.reserve(params_.size());
  for (const Variable& p : params_) grads.push_back(p.grad());  // throws if backward missed p
  return step(grads);
}

void Optimizer::zero_grad() {
  for (Variable& p : params_) p.zero_grad();
}

// ---------------------------------------------------------------------------------------------
// Sgd

Sgd::Sgd(std::vector<Variable> params, double eta) : Optimizer(std::move(params), eta, "Sgd") {}

double Sgd::update(std::size_t, const Tensor& g, Tensor& theta, bool& nan) {
  const double* gk = g.data();
  const double eta = learning_rate();
  return apply_change(theta, nan, [gk, eta](std::size_t k) { return -eta * gk[k]; });  // Δθ = −η g
}

// ---------------------------------------------------------------------------------------------
// Momentum

Momentum::Momentum(std::vector<Variable> params, double eta, double mu)
    : Optimizer(std::move(params), eta, "Momentum"), mu_(mu) {
  check_decay("Momentum", "the momentum coefficient μ", mu_);
  v_ = zeros_like_parameters();
}

void Momentum::reset() {
  Optimizer::reset();
  v_ = zeros_like_parameters();
}

double Momentum::update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) {
  double* v = v_[i].data();
  const double* gk = g.data();
  const double eta = learning_rate(), mu = mu_;
  return apply_change(theta, nan, [v, gk, eta, mu](std::size_t k) {
    v[k] = mu * v[k] - eta * gk[k];  // v ← μ v − η g
    return v[k];                     // Δθ = v
  });
}

// ---------------------------------------------------------------------------------------------
// Adam

Adam::Adam(std::vector<Variable> params, double eta, double beta1, double beta2, double epsilon)
    : Optimizer(std::move(params), eta, "Adam"), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {
  check_decay("Adam", "β₁", beta1_);
  check_decay("Adam", "β₂", beta2_);
  if (!(epsilon_ > 0.0) || !std::isfinite(epsilon_))
    throw std::invalid_argument(fmt::format("Adam: ε must be a small positive number, got {}", epsilon_));
  m_ = zeros_like_parameters();
  v_ = zeros_like_parameters();
}

void Adam::reset() {
  Optimizer::reset();
  m_ = zeros_like_parameters();
  v_ = zeros_like_parameters();
}

double Adam::update(std::size_t i, const Tensor& g, Tensor& theta, bool& nan) {
  const double t = static_cast<double>(steps());
  const double c1 = 1.0 - std::pow(beta1_, t);  // bias corrections: m and v start at 0,
  const double c2 = 1.0 - std::pow(beta2_, t);  // so early averages are too small
  double* m = m_[i].data();
  double* v = v_[i].data();
  const double* gk = g.data();
  const double eta = learning_rate(), b1 = beta1_, b2 = beta2_, eps = epsilon_;
  return apply_change(theta, nan, [=](std::size_t k) {
    m[k] = b1 * m[k] + (1.0 - b1) * gk[k];           // m ← β₁ m + (1 − β₁) g
    v[k] = b2 * v[k] + (1.0 - b2) * gk[k] * gk[k];   // v ← β₂ v + (1 − β₂) g ⊙ g
    const double m_hat = m[k] / c1;                  // m̂ = m / (1 − β₁ᵗ)
    const double v_hat = v[k] / c2;                  // v̂ = v / (1 − β₂ᵗ)
    return -eta * m_hat / (std::sqrt(v_hat) + eps);  // Δθ = −η m̂ ⊘ (√v̂ + ε)
  });
}

}  // namespace tg::nn
