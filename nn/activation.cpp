#include "nn/activation.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"
#include "nn/table_row.hpp"

namespace tg::nn {

namespace {

// Each activation's f and σ′, written once: nn::backprop, nn::explain and the tests read them
// from the table. (The engine's op keeps its own derivative beside its code, autodiff/ops/;
// tests/nn/test_activation.cpp holds the two to agreement.)
double sigmoid_f(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double sigmoid_derivative(double, double a) { return a * (1.0 - a); }  // σ′ = σ(1 − σ) = a(1 − a)
double tanh_f(double z) { return std::tanh(z); }
double tanh_derivative(double, double a) { return 1.0 - a * a; }  // tanh′ = 1 − tanh² = 1 − a²
double relu_f(double z) { return z > 0.0 ? z : 0.0; }
double relu_derivative(double z, double) { return z > 0.0 ? 1.0 : 0.0; }  // [z > 0]
double identity_f(double z) { return z; }
double identity_derivative(double, double) { return 1.0; }

// a = f(z) elementwise, with F inlined into the loop.
template <double (*F)(double)>
Tensor elementwise_values(const Tensor& z) {
  return map(z, F);
}

// (∂a/∂z)ᵀ g for an elementwise σ: g ⊙ σ′(z), with D inlined.   z, a, g: one shape (checked by the caller)
template <double (*D)(double, double)>
Tensor elementwise_backward(const Tensor& z, const Tensor& a, const Tensor& g) {
  Tensor out = uninitialized_like(g);
  const double *zp = z.data(), *ap = a.data(), *gp = g.data();
  double* o = out.data();
  for (std::size_t i = 0, n = out.size(); i < n; ++i) o[i] = gp[i] * D(zp[i], ap[i]);
  return out;
}

Variable identity_op(const Variable& z) { return z; }  // z itself: one node, no op recorded
Variable sigmoid_op(const Variable& z) { return sigmoid(z); }
Variable tanh_op(const Variable& z) { return tanh(z); }
Variable relu_op(const Variable& z) { return relu(z); }
Variable softmax_op(const Variable& z) { return softmax(z, 0); }  // axis 0: down each example's column
Tensor softmax_column_values(const Tensor& z) { return softmax_values(z, 0); }  // down each column, stably

// softmax's Jacobian is diag(a) − a aᵀ per column: (∂a/∂z)ᵀ g = a ⊙ (g − Σ_k g_k a_k).   a, g: (N, m)
Tensor softmax_backward(const Tensor&, const Tensor& a, const Tensor& g) {
  const Tensor ga = zip("softmax'", g, a, std::multiplies<>());
  const Tensor col_sums = sum_to(ga, {1, a.shape()[1]});
  return zip("softmax'", a, zip("softmax'", g, col_sums, std::minus<>()), std::multiplies<>());
}

template <double (*F)(double), double (*D)(double, double)>
constexpr ActivationRow elementwise(Activation kind, const char* name, const char* symbol,
                                    Variable (*op)(const Variable&), const char* value_text,
                                    const char* derivative_formula, const char* derivative_numbers,
                                    const char* outside_ln_domain) {
  return {kind,
          name,
          symbol,
          true,
          op,
          F,
          D,
          &elementwise_values<F>,
          &elementwise_backward<D>,
          value_text,
          derivative_formula,
          derivative_numbers,
          outside_ln_domain};
}

// One row per activation, in the enum's order.
const ActivationRow table[] = {
    elementwise<sigmoid_f, sigmoid_derivative>(Activation::sigmoid, "sigmoid", "σ", sigmoid_op, "σ({z})",
                                               "{a} (1 − {a})", "{a} × (1 − {a})", ""),
    elementwise<tanh_f, tanh_derivative>(Activation::tanh, "tanh", "tanh", tanh_op, "tanh({z})", "1 − ({a})²",
                                         "1 − {a} × {a}",
                                         "its a^L lies in (−1, 1), and ln a is not a number for a < 0"),
    elementwise<relu_f, relu_derivative>(Activation::relu, "relu", "relu", relu_op, "relu({z})", "[{z} > 0]",
                                         "{v}",
                                         "its a^L is 0 for every z ≤ 0 (ln 0 = −∞) and grows without bound"),
    elementwise<identity_f, identity_derivative>(
        Activation::identity, "identity", "id", identity_op, "{z}", "1", "1",
        "its a^L can be any number, and ln a is not a number for a < 0"),
    {Activation::softmax, "softmax", "softmax", false, softmax_op, nullptr, nullptr, softmax_column_values,
     softmax_backward, nullptr, nullptr, nullptr, ""},
};

}  // namespace

std::span<const ActivationRow> activation_table() { return table; }

const ActivationRow& row(Activation a) { return table_row(table, a, "an activation"); }

std::string to_string(Activation a) { return row(a).name; }

std::vector<std::string> activation_names(bool hidden_only) {
  std::vector<std::string> names;
  for (const ActivationRow& r : table)
    if (r.hidden || !hidden_only) names.emplace_back(r.name);
  return names;
}

std::string or_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
    s += names[i];
  }
  return s;
}

Activation parse_activation(const std::string& name) {
  for (const ActivationRow& r : table)
    if (r.name == name) return r.kind;
  throw std::invalid_argument(
      fmt::format("unknown activation '{}' (expected {})", name, or_list(activation_names())));
}

Variable activate(Activation a, const Variable& z) { return row(a).op(z); }

// By hand, without the engine: nn::backprop uses this.
Tensor activate(Activation a, const Tensor& z) { return row(a).values(z); }

Tensor activation_backward(Activation act, const Tensor& z, const Tensor& a, const Tensor& grad_a) {
  // z, a, grad_a: (N, m). A mismatch would be broadcast, or read past the end: refuse it.
  if (!same_shape(z, a) || !same_shape(a, grad_a))
    throw shape_error(fmt::format("activation_backward: z {}, a {} and grad_a {} must have one shape",
                                  shape_str(z), shape_str(a), shape_str(grad_a)));
  const ActivationRow& r = row(act);
  if (!r.f && a.dimension() != 2)
    throw shape_error(fmt::format(
        "activation_backward: {} works down the columns of an (N, m) matrix, got {}", r.name, shape_str(a)));
  return r.backward(z, a, grad_a);
}

}  // namespace tg::nn
