// BP1–BP4 for one example, neuron by neuron, with the numbers plugged in, in Nielsen's notation
// (w^l_jk joins neuron k of layer l−1 to neuron j of layer l; a^1 = x):
//
//   z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j              a^l_j = σ(z^l_j)
//   (BP1) δ^L_j = ∂C/∂a^L_j · σ'(z^L_j)                (quadratic cost; the log-based costs
//         multiplied out with σ' as nn/cost.hpp's output_delta lists them, e.g. a^L_j − y_j)
//   (BP2) δ^l_j = (Σ_k w^{l+1}_kj δ^{l+1}_k) · σ'(z^l_j)
//   (BP3) ∂C/∂b^l_j = δ^l_j
//   (BP4) ∂C/∂w^l_jk = a^{l−1}_k δ^l_j
//
// The cost's logarithms, ln a^L_j and ln(1 − a^L_j), get rows of their own, written from z^L as
// the cost takes them (softplus, log-sum-exp), so that no row takes ln 0 where a^L rounds to 0 or 1.
// Each row holds its formula in symbols, the same formula with the numbers (plain arithmetic
// that evaluates to the row's value), the value, and beside it what the autodiff engine computed
// for the same quantity (a forward value, or the gradient z^l, W^l, b^l received) with the step
// of the engine's backward pass that produced it (autodiff/backward_trace.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "autodiff/backward_trace.hpp"
#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace tg::nn {

enum class ExplainPart { forward, cost, backward };

struct ExplainRow {
  ExplainPart part = ExplainPart::forward;
  std::string equation;  // "z^l", "a^l", "σ'", "ln a", "ln(1 − a)", "C", "∇_a C", "BP1", "BP2", "BP3", "BP4"
  std::string quantity;  // e.g. "δ^2_1"
  std::string formula;   // e.g. "(w^3_11 δ^3_1) · σ'(z^2_1)"
  std::string numbers;  // e.g. "(0.4 × (-0.2486)) × 0.2413": numbers, + − × · / ( ), and σ tanh relu exp ln
  double value = 0.0;                   // the formula, computed in double precision
  std::optional<double> engine;         // the engine's value of the same quantity, when it has one
  std::string engine_node;              // where the engine's value was read: "z^2", "grad of W^3", ...
  std::optional<std::size_t> step;      // the engine's backward step that produced it (backward rows)
  std::size_t layer = 0, j = 0, k = 0;  // Nielsen's layer, neuron j (1-based) and source neuron k (weights);
                                        // in images j − 1 is the flat position (nn/network_explain.hpp)
  std::string note;                     // after the value, in parentheses: "the max of a^3[0,0,0]'s window"
  std::string heading;  // printed before the row, instead of its part's heading: a layer's title
};

struct Explanation {
  std::vector<ExplainRow>
      rows;  // forward (z, a, σ' per layer), the cost (after its ln rows), then layer L..2: BP1|BP2, BP3, BP4
  std::vector<BackwardStep> backward;  // every node of the engine's backward pass, in its order
};

struct ExplainOptions {
  int digits = 4;             // significant digits of the numbers in `numbers` (1..17)
  std::size_t max_width = 8;  // refuse layers with more neurons (0: no limit)
};

// The equations for net on one example. x: (N^1, 1), y: (N^L, 1) (tg::shape_error otherwise);
// a layer wider than max_width, digits outside 1..17, a bad cost, a pairing or a target the cost
// does not accept (nn/cost.hpp): std::invalid_argument.
// The cost is the example's own (m = 1). net itself is not changed (its gradients neither).
Explanation explain(const Mlp& net, const Cost& cost, const Tensor& x, const Tensor& y,
                    const ExplainOptions& options = {});

// The fully connected layers first+1..L at the top of a network, as explain reads them, each
// indexed by its Nielsen number l: N[l − 1] neurons (N[first − 1]: the stack's input), W[l], b[l]
// and σ = activation[l]; the engine's z[l], a[l] (z[first]: its input, when first > 1) and C,
// after its backward pass; the weights L2 adds up (every layer's, conv kernels too).
struct DenseStack {
  std::size_t first = 1;  // the stack's input layer: 1 for an Mlp (a^1 = x), a flatten layer's below
  std::vector<std::size_t> N;
  std::vector<Variable> W, b;
  std::vector<Activation> activation;
  std::vector<Variable> z, a;
  Variable C;
  std::vector<Variable> weights;
};
// The rows of such a stack on one example, appended to rows: forward (from a_first = a^first),
// the cost, BP1, then BP2 (layers below L), BP3, BP4 for layers L..first+1. When first > 1 also
// BP2 for layer first, without σ′ (the layer has none), and returns its δ = ∂C/∂a^first.
std::vector<double> explain_dense(const DenseStack& s, const Cost& cost, const std::vector<double>& a_first,
                                  const Tensor& y, const std::vector<BackwardStep>& backward, int digits,
                                  std::vector<ExplainRow>& rows);

// One row as format_explanation writes it, without the engine's columns:
// "BP1  δ^3_1 = a^3_1 − y_1 = 0.7514 − 1 = -0.2486" (the tag only on backward rows).
// tag: the width of the tag's column ("BP3-conv " needs 9).
std::string explain_line(const ExplainRow& row, int digits = 4, std::size_t tag = 5);
// The engine's value as format_explanation writes it beside a row: digits + 4 significant digits.
std::string engine_value_str(double engine, int digits = 4);

// The rows as text: one line per row, "quantity = formula = numbers = value", and beside it the
// engine's value, their difference and the backward step; then the engine's backward order.
std::string format_explanation(const Explanation& e, int digits = 4);

}  // namespace tg::nn
