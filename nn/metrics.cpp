#include "nn/metrics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"

namespace tg::nn {

namespace {

// What the functions below need of a network, an Mlp or a Network alike.
std::size_t inputs(const Mlp& net) { return net.sizes().front(); }
std::size_t inputs(const Network& net) { return net.input_size(); }
std::size_t outputs(const Mlp& net) { return net.sizes().back(); }
std::size_t outputs(const Network& net) { return net.output_size(); }

template <class Net>
void check_examples_of(const char* who, const Net& net, const Shape& X, const Shape& Y) {
  if (X.size() != 2 || X[0] != inputs(net))
    throw shape_error(
        fmt::format("{}: inputs X {} do not fit the network: expected ({}, m), one column per example", who,
                    shape_str(X), inputs(net)));
  if (Y.size() != 2 || Y[0] != outputs(net))
    throw shape_error(
        fmt::format("{}: targets Y {} do not fit the network: expected ({}, m), one column per example", who,
                    shape_str(Y), outputs(net)));
  if (X[1] != Y[1])
    throw shape_error(fmt::format("{}: X {} has {} examples (columns) but Y {} has {}", who, shape_str(X),
                                  X[1], shape_str(Y), Y[1]));
  if (X[1] == 0) throw std::invalid_argument(fmt::format("{}: no examples (X has 0 columns)", who));
}

template <class Net>
Tensor predict_of(const Net& net, const Tensor& X) {
  no_grad guard;
  return net.forward(Variable(X)).value();  // a^L: (N^L, m)
}

// Below: the columns of A classified as Y's, and A's classes appended to `kept` if given.
std::size_t correct(const Tensor& A, const Tensor& Y, std::vector<std::size_t>* kept = nullptr);

// The examples begin..end − 1 a scope names in a set of m, its end capped at m.
std::pair<std::size_t, std::size_t> examples_in(const EvaluationScope& scope, std::size_t m) {
  const std::size_t end = std::min(scope.end, m);
  if (scope.begin >= end)
    throw std::out_of_range(
        fmt::format("evaluate: no examples from {} to {} in a set of {}", scope.begin,
                    scope.end == EvaluationScope::to_the_end ? "the end" : std::to_string(scope.end), m));
  return {scope.begin, end};
}

// evaluate over the scope's examples of m, chunk(begin, end) giving X's columns begin..end − 1
// as doubles: one forward pass of at most evaluation_chunk examples at a time.
template <class Net, class Chunk>
Evaluation evaluate_in_chunks(const Net& net, std::size_t m, const Chunk& chunk, const Tensor& Y,
                              const Cost& c, const EvaluationScope& scope) {
  const auto [first, last] = examples_in(scope, m);
  check_cost_inputs("evaluate", c, net.output(), Y);  // once, so an error names the set's column
  no_grad guard;
  EvaluationSum sum(scope.keep_predicted);
  for (std::size_t begin = first; begin < last; begin += evaluation_chunk) {
    const std::size_t end = std::min(last, begin + evaluation_chunk);
    const auto trace = net.forward_trace(Variable(chunk(begin, end)));
    sum.add(c, net.output(), trace.z.back().value(), trace.output().value(),
            xt::view(Y, xt::all(), xt::range(begin, end)));
  }
  return sum.result(net, c);
}

template <class Net>
Evaluation result_of(const Net& net, const Cost& c, double sum, std::size_t right, std::size_t m,
                     const std::vector<std::size_t>& predicted) {
  if (m == 0) throw std::logic_error("EvaluationSum::result: no examples added");
  const double data = c.reduction == Reduction::mean ? sum / static_cast<double>(m) : sum;
  no_grad guard;  // the L2 term once for the whole set, as cost() adds it to a batch's
  const double C = add_l2_term(Variable(data), c, net.weights(), m).item();
  return {C, static_cast<double>(right) / static_cast<double>(m), predicted};
}

template <class Net>
Evaluation evaluate_of(const Net& net, const Tensor& X, const Tensor& Y, const Cost& c,
                       const EvaluationScope& scope, const char* who = "evaluate") {
  // X: (N^1, m), Y: (N^L, m)
  check_examples_of(who, net, shape_of(X), shape_of(Y));
  return evaluate_in_chunks(
      net, X.shape()[1],
      [&](std::size_t b, std::size_t e) -> Tensor { return xt::view(X, xt::all(), xt::range(b, e)); }, Y, c,
      scope);
}

template <class Net>
Evaluation evaluate_rows_of(const Net& net, const ColumnGatherer& X, const Tensor& Y, const Cost& c,
                            const EvaluationScope& scope) {
  check_examples_of("evaluate", net, {X.rows(), X.cols()}, shape_of(Y));
  return evaluate_in_chunks(
      net, X.cols(), [&](std::size_t b, std::size_t e) { return X.columns(b, e); }, Y, c, scope);
}

}  // namespace

void check_examples(const char* who, const Mlp& net, const Tensor& X, const Tensor& Y) {
  check_examples_of(who, net, shape_of(X), shape_of(Y));
}
void check_examples(const char* who, const Network& net, const Tensor& X, const Tensor& Y) {
  check_examples_of(who, net, shape_of(X), shape_of(Y));
}
void check_examples(const char* who, const Mlp& net, const ExampleSet& set) {
  check_examples_of(who, net, {set.features(), set.size()}, shape_of(set.Y));
}
void check_examples(const char* who, const Network& net, const ExampleSet& set) {
  check_examples_of(who, net, {set.features(), set.size()}, shape_of(set.Y));
}
Tensor predict(const Mlp& net, const Tensor& X) { return predict_of(net, X); }
Tensor predict(const Network& net, const Tensor& X) { return predict_of(net, X); }
double evaluate_cost(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_of(net, X, Y, c, {}, "evaluate_cost").cost;
}
double evaluate_cost(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_of(net, X, Y, c, {}, "evaluate_cost").cost;
}

std::vector<std::size_t> class_labels(const Tensor& A) {
  // A: (n, m) -> m labels
  if (A.dimension() != 2 || A.shape()[0] == 0)
    throw shape_error(
        fmt::format("class_labels: expected (n, m) with one column per example, got {}", shape_str(A)));
  const std::size_t n = A.shape()[0], m = A.shape()[1];
  std::vector<std::size_t> labels(m, 0);
  for (std::size_t j = 0; j < m; ++j) {
    if (n == 1) {
      labels[j] = A(0, j) >= 0.5 ? 1 : 0;  // threshold a sigmoid output (or a 0/1 target)
      continue;
    }
    for (std::size_t i = 1; i < n; ++i)  // argmax of the column
      if (A(i, j) > A(labels[j], j)) labels[j] = i;
  }
  return labels;
}

namespace {
std::size_t correct(const Tensor& A, const Tensor& Y, std::vector<std::size_t>* kept) {
  if (!same_shape(A, Y))
    throw shape_error(
        fmt::format("accuracy: outputs {} and targets {} differ in shape", shape_str(A), shape_str(Y)));
  const std::vector<std::size_t> predicted = class_labels(A), truth = class_labels(Y);
  std::size_t right = 0;
  for (std::size_t j = 0; j < truth.size(); ++j) right += predicted[j] == truth[j];
  if (kept) kept->insert(kept->end(), predicted.begin(), predicted.end());
  return right;
}
}  // namespace

void EvaluationSum::add(const Cost& c, Activation output, const Tensor& zL, const Tensor& aL,
                        const Tensor& Y) {
  no_grad guard;
  Cost per_example = c;  // Σ_x C_x of the chunk, with neither 1/m nor the L2 term
  per_example.reduction = Reduction::sum;
  per_example.regularization = Regularization::none;
  sum_ += cost(per_example, output, Variable(zL), Variable(aL), {}, Y).item();
  right_ += correct(aL, Y, keep_predicted_ ? &predicted_ : nullptr);
  examples_ += Y.shape()[1];
}

Evaluation EvaluationSum::result(const Mlp& net, const Cost& c) const {
  return result_of(net, c, sum_, right_, examples_, predicted_);
}
Evaluation EvaluationSum::result(const Network& net, const Cost& c) const {
  return result_of(net, c, sum_, right_, examples_, predicted_);
}

double accuracy(const Tensor& A, const Tensor& Y) {
  const std::size_t right = correct(A, Y), m = A.dimension() == 2 ? A.shape()[1] : 0;
  return m == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(m);
}

double accuracy(const Mlp& net, const Tensor& X, const Tensor& Y) {
  check_examples("accuracy", net, X, Y);
  return accuracy(predict(net, X), Y);
}
double accuracy(const Network& net, const Tensor& X, const Tensor& Y) {
  check_examples("accuracy", net, X, Y);
  return accuracy(predict(net, X), Y);
}

Evaluation evaluate(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c,
                    const EvaluationScope& scope) {
  return evaluate_of(net, X, Y, c, scope);
}
Evaluation evaluate(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c,
                    const EvaluationScope& scope) {
  return evaluate_of(net, X, Y, c, scope);
}
Evaluation evaluate(const Mlp& net, const ColumnGatherer& X, const Tensor& Y, const Cost& c,
                    const EvaluationScope& scope) {
  return evaluate_rows_of(net, X, Y, c, scope);
}
Evaluation evaluate(const Network& net, const ColumnGatherer& X, const Tensor& Y, const Cost& c,
                    const EvaluationScope& scope) {
  return evaluate_rows_of(net, X, Y, c, scope);
}
Evaluation evaluate(const Mlp& net, const ExampleSet& set, const Cost& c, const EvaluationScope& scope) {
  return evaluate_rows_of(net, set.X, set.Y, c, scope);
}
Evaluation evaluate(const Network& net, const ExampleSet& set, const Cost& c, const EvaluationScope& scope) {
  return evaluate_rows_of(net, set.X, set.Y, c, scope);
}

}  // namespace tg::nn
