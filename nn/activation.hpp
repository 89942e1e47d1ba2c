// Activation functions σ, one row each in one table: the engine's op (for autodiff), f and σ′
// on plain numbers (for BP1–BP4 by hand), and the text nn::explain prints. Everything below
// reads the table; adding an activation is adding an enumerator and a row (docs/design.md,
// "Adding an activation or a cost"), and tests/nn/test_activation.cpp checks every row.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"

namespace tg::nn {

enum class Activation {
  sigmoid,   // σ(z) = 1/(1+e⁻ᶻ)         σ' = σ(1−σ)
  tanh,      // tanh z                    σ' = 1 − tanh²z
  relu,      // max(z, 0)                 σ' = [z > 0]
  identity,  // z                         σ' = 1
  softmax,   // e^{z_j}/Σ_k e^{z_k} down each column (one column per example); output layer only
};

// One activation. An elementwise one has f and derivative (σ′ from z or from a = f(z), whichever
// the formula is written with); a column function (softmax) has neither, and its own values
// and (∂a/∂z)ᵀ g on whole (N, m) tensors instead.
struct ActivationRow {
  Activation kind;
  const char* name;    // "sigmoid": what --hidden/--output and checkpoints say
  const char* symbol;  // "σ": explain's "σ(z^2_1)" and "σ'(z^2_1)"
  bool hidden;         // may be a hidden layer's (softmax normalises a whole layer: output only)
  Variable (*op)(const Variable& z);  // a = σ(z), recorded by the engine (its derivative is the op's)
  double (*f)(double z);
  double (*derivative)(double z, double a);
  Tensor (*values)(const Tensor& z);                                           // a = σ(z) on plain numbers
  Tensor (*backward)(const Tensor& z, const Tensor& a, const Tensor& grad_a);  // (∂a/∂z)ᵀ grad_a
  // explain's rows, as fmt patterns: {z} and {a} stand for z^l_j and a^l_j (in the numbers:
  // their values), {v} for the row's value. value_text is a^l_j (nullptr: explain writes the
  // column function's own rows); derivative_formula and derivative_numbers are σ′(z^l_j).
  const char* value_text;
  const char* derivative_formula;
  const char* derivative_numbers;
  // Why ln a^L is no number on this output ("" where a^L lies in (0, 1)): for the costs' errors.
  const char* outside_ln_domain;
};

// Every activation, in the enum's order.
std::span<const ActivationRow> activation_table();
const ActivationRow& row(Activation a);

std::string to_string(Activation a);
// "sigmoid", "tanh", "relu", "identity", "softmax"; anything else throws std::invalid_argument.
Activation parse_activation(const std::string& name);
// The names in the table's order; hidden_only: those a hidden layer may have.
std::vector<std::string> activation_names(bool hidden_only = false);
// "a, b or c": a list of names for a message.
std::string or_list(const std::vector<std::string>& names);

// a = σ(z), recorded.          z: (N, m) -> (N, m)   (softmax: down axis 0, so z must not be 0-d)
Variable activate(Activation a, const Variable& z);
// a = σ(z) on plain numbers.
Tensor activate(Activation a, const Tensor& z);
// δ = ∂C/∂z from ∂C/∂a, by hand: (∂a/∂z)ᵀ ∂C/∂a. For the elementwise activations this is
// grad_a ⊙ σ'(z); for softmax, whose Jacobian is diag(a) − a aᵀ per column,
// it is a ⊙ (grad_a − Σ_k grad_a_k a_k).       z, a, grad_a: (N, m) -> (N, m)
// The three must have one shape, 2-D for softmax (tg::shape_error otherwise).
Tensor activation_backward(Activation act, const Tensor& z, const Tensor& a, const Tensor& grad_a);

}  // namespace tg::nn
