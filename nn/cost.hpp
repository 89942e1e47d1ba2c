// Cost functions C(a^L, y) for a batch, an optional L2 term, and each cost's BP1 delta.
//
//   quadratic       C = 1/(2m) Σ_x ‖a − y‖²                       (seeds 000, 001; Nielsen eq. 6)
//   cross_entropy   C = −1/m Σ_x Σ_j [y ln a + (1−y) ln(1−a)]      (seed 002; Nielsen eq. 63)
//   log_likelihood  C = −1/m Σ_x y·ln a   (= −1/m Σ_x ln a_{y(x)} for one-hot y; Nielsen ch. 3)
// What they accept (cost and output_delta throw std::invalid_argument otherwise, naming the
// condition, the cost and the offending column):
//   - a softmax output of at least 2 neurons: over one, a^L = e^z/e^z ≡ 1 whatever the weights;
//   - cross_entropy and log_likelihood take ln a^L: sigmoid or softmax outputs only (identity,
//     tanh and ReLU outputs reach a ≤ 0, where ln a is NaN or −∞, or grow without bound);
//   - finite targets; cross_entropy's in [0, 1], log_likelihood's ≥ 0 (outside, C has no
//     minimum: it falls without bound). No column needs to sum to 1: soft labels, label
//     smoothing and all-zero columns are exact (an all-zero column adds nothing to the
//     log-likelihood and its gradient).
// With Reduction::sum the 1/m goes (seed 003 sums ½‖a − y‖² over the batch).
// L2 adds λ/(2n) Σ_l ‖W^l‖² (Nielsen ch. 3; n is the training set's size, training_set_size) or
// λ/2 Σ_l ‖W^l‖² (seed 004); biases are not regularised.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/mlp.hpp"
#include "nn/worked.hpp"

namespace tg::nn {

enum class CostKind { quadratic, cross_entropy, log_likelihood };
enum class Reduction { mean, sum };
enum class Regularization {
  none,
  l2,        // λ/(2n) Σ‖W‖²   (Nielsen; n = training_set_size, or the batch's m if 0)
  l2_total,  // λ/2 Σ‖W‖²      (seed 004, UFLDL)
};

struct Cost {
  CostKind kind = CostKind::quadratic;
  Reduction reduction = Reduction::mean;
  Regularization regularization = Regularization::none;
  // λ: a finite number ≥ 0 when a regularization is on (std::invalid_argument from cost,
  // l2_coefficient, backprop); not read with Regularization::none.
  double lambda = 0.0;
  // n in Nielsen's λ/(2n): the size of the whole training set. 0 means the batch's own m.
  // nn::train sets it, so that a mini-batch is regularised as the book's full sum is.
  std::size_t training_set_size = 0;
};

// How a cost meets one output activation when the two are worked out together (the log-based
// costs: ln a^L is taken from z^L, and σ′ cancels or is multiplied out of BP1).
struct CostPairing {
  Activation output;
  Variable (*term)(const Variable& zL, const Variable& Y);  // Σ over the batch of C_x, before 1/m
  Tensor (*delta)(const Tensor& zL, const Tensor& aL, const Tensor& Y);  // (BP1) δ^L, before 1/m
  Worked (*explain_delta)(const OutputColumn& c, std::size_t j);  // (BP1) δ^L_j for explain (j 0-based)
};

// One cost. Either it meets any output through ∇_a C, BP1 being δ^L = ∇_a C ⊙ σ′(z^L) (grad_a and
// term set: the quadratic cost), or only the outputs of its pairings. Everything below reads
// the table; adding a cost is adding an enumerator and a row (docs/design.md).
struct CostRow {
  CostKind kind;
  const char* name;                                         // "cross_entropy": --cost, checkpoints
  double (*grad_a)(double a, double y);                     // ∂C_x/∂a_j, elementwise
  Variable (*term)(const Variable& aL, const Variable& Y);  // Σ over the batch of C_x from a^L, before 1/m
  std::span<const CostPairing> pairings;
  const char* pairing_rule;     // why only those outputs: "takes ln a^L, which needs outputs in (0, 1)"
  bool ln_a, ln_1ma;            // whether C takes ln a^L and ln(1 − a^L) (explain gives each a row)
  bool (*target_ok)(double y);  // besides being finite
  const char* target_rule;      // "needs targets y ≥ 0 (...)", when target_ok says no
  // explain's row C = factor × Σ_j term_j, as fmt patterns with {a} {y} {ln_a} {ln_1ma} (symbols,
  // then numbers) and the sum ({}); grad_a's row ∂C/∂a^L_j likewise.
  const char* term_formula;
  const char* term_numbers;
  double (*add_term)(double sum, double a, double y, double ln_a, double ln_1ma);  // sum + term_j
  const char* sum_formula;
  const char* sum_numbers;
  double factor;
  const char* grad_a_formula;
  const char* grad_a_numbers;
};

// Every cost, in the enum's order.
std::span<const CostRow> cost_table();
const CostRow& row(CostKind kind);
// The pairing of cost row r with this output, or nullptr (through grad_a, or refused).
const CostPairing* pairing(const CostRow& r, Activation output);

std::string to_string(CostKind kind);
// The names in the table's order.
std::vector<std::string> cost_names();
// "sigmoid or softmax": the outputs of r's pairings.
std::string paired_outputs(const CostRow& r);
// "quadratic", "cross_entropy", "log_likelihood"; anything else throws std::invalid_argument.
CostKind parse_cost(const std::string& name);
std::string describe(const Cost& cost);  // e.g. "cross_entropy (mean) + L2 λ/(2n)Σ‖W‖², λ=0.1, n=60000"

// C for the network's forward trace and targets Y (N^L, m), recorded for autodiff.
// Cross-entropy and log-likelihood (on the sigmoid and softmax outputs they accept) are computed
// from z^L (softplus(z) − y z; −y·log_softmax(z); y softplus(−z); ln(1 − a) as a log-sum-exp of
// the other outputs), so saturated outputs never take log(0): C and its first and second
// derivatives stay finite for any finite z^L (z = ±1000 included).
// trace must be net.forward_trace(X) (std::invalid_argument otherwise); Y must have a^L's shape
// (tg::shape_error) and suit the cost (above); Reduction::mean needs m ≥ 1 example
// (std::invalid_argument).
Variable cost(const Cost& c, const Mlp& net, const Mlp::Trace& trace, const Tensor& Y);
// The same from the output layer alone: z^L and a^L (N^L, m), recorded, σ of layer L, and the
// weights L2 regularises (nn::Network's conv kernels among them); what cost() of an Mlp computes.
Variable cost(const Cost& c, Activation output, const Variable& zL, const Variable& aL,
              const std::vector<Variable>& weights, const Tensor& Y);

// BP1 by hand: δ^L = ∂C/∂z^L for this cost, the output activation and Y, exact for every Y
// the cost accepts (above):
//   quadratic                 (∂a/∂z)ᵀ (a − y): (a − y) ⊙ σ'(z), or softmax's Jacobian
//   cross_entropy, sigmoid    a − y                      (σ' cancels)
//   log_likelihood, softmax   a Σ_k y_k − y, per column  (a − y when the column sums to 1)
//   log_likelihood, sigmoid   −y (1 − a)                 ((−y/a) ⊙ a(1 − a): a cancels)
//   cross_entropy, softmax    (∂a/∂z)ᵀ ∇_a C multiplied out (no division by a(1 − a))
// Includes the 1/m of Reduction::mean. zL, aL and Y: one (N^L, m) shape (tg::shape_error);
// pairings and targets the cost does not accept: std::invalid_argument.
Tensor output_delta(const Cost& c, Activation output, const Tensor& zL, const Tensor& aL, const Tensor& Y);

// Throws std::invalid_argument, starting with `who`, when cost c does not accept this output
// activation or these targets Y (N^L, m) (the list above), or its λ is not a finite number ≥ 0.
// cost, output_delta, evaluate and train call it.
void check_cost_inputs(const char* who, const Cost& c, Activation output, const Tensor& Y);

// C + κ/2 Σ_l ‖W^l‖² over these weights (κ = l2_coefficient(c, m)), a weight at a time: cost()
// adds it to the data term, and nn::evaluate once to a whole set's. C itself with κ = 0.
Variable add_l2_term(Variable C, const Cost& c, const std::vector<Variable>& weights, std::size_t m);

// κ such that the L2 term adds κ W^l to ∂C/∂W^l: λ/n (n = training_set_size, or m if 0), λ, or 0.
// λ as Cost::lambda says; λ/(2n) needs n ≥ 1 (std::invalid_argument).
double l2_coefficient(const Cost& c, std::size_t m);

}  // namespace tg::nn
