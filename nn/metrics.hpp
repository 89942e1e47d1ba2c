// How well a network does on a set of examples: its outputs, its cost, its accuracy, all with
// nothing recorded (no_grad).
//
// X is (N^1, m) and Y is (N^L, m), one column per example. evaluate runs a large set in chunks
// of evaluation_chunk examples: memory for one chunk's activations (a conv net's im2col of
// 10,000 images at once would take GBs), never a copy of the whole set.
#pragma once

#include <cstddef>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/example_set.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::nn {

// Checks that X and Y hold examples for net: X (N^1, m), Y (N^L, m) with the same m ≥ 1.
// tg::shape_error (or std::invalid_argument for m = 0) names `who`, e.g. "train".
void check_examples(const char* who, const Mlp& net, const Tensor& X, const Tensor& Y);
void check_examples(const char* who, const Network& net, const Tensor& X, const Tensor& Y);
void check_examples(const char* who, const Mlp& net, const ExampleSet& set);
void check_examples(const char* who, const Network& net, const ExampleSet& set);

// a^L for every example, with nothing recorded.     X: (N^1, m) -> (N^L, m)   (tg::shape_error otherwise)
Tensor predict(const Mlp& net, const Tensor& X);
Tensor predict(const Network& net, const Tensor& X);
// C over the whole set, with nothing recorded.      X: (N^1, m), Y: (N^L, m)
double evaluate_cost(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost);
double evaluate_cost(const Network& net, const Tensor& X, const Tensor& Y, const Cost& cost);
// The class of each column: the row of its largest entry (the first, on a tie) for several
// rows (outputs of softmax, one-hot targets); for a single row, 1 when the entry is ≥ 0.5
// (a sigmoid output, 0/1 targets) and 0 otherwise.      A: (n, m) -> m labels
// A must be 2-D with n ≥ 1 rows (tg::shape_error).
std::vector<std::size_t> class_labels(const Tensor& A);
// The fraction of examples classified right, in [0, 1]: class_labels of the outputs a^L
// against class_labels of Y.     X: (N^1, m), Y: (N^L, m)
double accuracy(const Mlp& net, const Tensor& X, const Tensor& Y);
double accuracy(const Network& net, const Tensor& X, const Tensor& Y);
// The same fraction for outputs already computed.     A, Y: (n, m), one shape (tg::shape_error)
double accuracy(const Tensor& A, const Tensor& Y);

// C and the accuracy of a set, with nothing recorded: one forward pass a chunk of examples,
//   C = (1/m) Σ_chunks Σ_{x in chunk} C_x  +  the L2 term (once, with n = m if the Cost has none)
// (no 1/m for Reduction::sum): what one pass over the whole set gives, to rounding.
struct Evaluation {
  double cost = 0.0;
  double accuracy = 0.0;
  // Each example's class, class_labels of its a^L, in order: only when EvaluationScope asks.
  std::vector<std::size_t> predicted;
};
inline constexpr std::size_t evaluation_chunk = 1000;  // examples per forward pass

// Which examples an evaluation reads, begin..end − 1 of the set's m (end past m: up to m), and
// whether it keeps each one's predicted class (a confusion matrix, a per-class table).
struct EvaluationScope {
  static constexpr std::size_t to_the_end = static_cast<std::size_t>(-1);  // end: up to the set's m
  std::size_t begin = 0;
  std::size_t end = to_the_end;
  bool keep_predicted = false;
};

// What evaluate adds up chunk by chunk, and train over an epoch's batches (its running
// figures): Σ_x C_x and the examples classified right, over the chunks added so far.
class EvaluationSum {
 public:
  EvaluationSum() = default;
  explicit EvaluationSum(bool keep_predicted) : keep_predicted_(keep_predicted) {}
  // A chunk's (or batch's) z^L and a^L (N^L, b), with nothing recorded; σ is layer L's.
  void add(const Cost& c, Activation output, const Tensor& zL, const Tensor& aL, const Tensor& Y);
  std::size_t examples() const { return examples_; }
  // C (the mean over the examples added, or the sum, and the L2 term of net's weights, once),
  // the fraction classified right and, if kept, the predicted classes. At least one example
  // added (std::logic_error).
  Evaluation result(const Mlp& net, const Cost& c) const;
  Evaluation result(const Network& net, const Cost& c) const;

 private:
  double sum_ = 0.0;  // Σ_x C_x
  std::size_t right_ = 0, examples_ = 0;
  bool keep_predicted_ = false;
  std::vector<std::size_t> predicted_;
};
// X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise); a scope outside 0..m, or empty:
// std::out_of_range.
Evaluation evaluate(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                    const EvaluationScope& scope = {});
Evaluation evaluate(const Network& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                    const EvaluationScope& scope = {});
// The same for inputs held as rows (bytes or doubles): each chunk gathered as doubles in turn.
Evaluation evaluate(const Mlp& net, const ColumnGatherer& X, const Tensor& Y, const Cost& cost,
                    const EvaluationScope& scope = {});
Evaluation evaluate(const Network& net, const ColumnGatherer& X, const Tensor& Y, const Cost& cost,
                    const EvaluationScope& scope = {});
Evaluation evaluate(const Mlp& net, const ExampleSet& set, const Cost& cost,
                    const EvaluationScope& scope = {});
Evaluation evaluate(const Network& net, const ExampleSet& set, const Cost& cost,
                    const EvaluationScope& scope = {});

}  // namespace tg::nn
