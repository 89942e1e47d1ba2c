#include "nn/metrics.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

namespace {

// What the functions below need of a network, an Mlp or a Network alike.
std::size_t inputs(const Mlp& net) { return net.sizes().front(); }
std::size_t inputs(const Network& net) { return net.input_size(); }
std::size_t outputs(const Mlp& net) { return net.sizes().back(); }
std::size_t outputs(const Network& net) { return net.output_size(); }

template <class Net>
void check_examples_of(const char* who, const Net& net, const Tensor& X, const Tensor& Y) {
  if (X.dimension() != 2 || X.shape()[0] != inputs(net))
    throw shape_error(
        fmt::format("{}: inputs X {} do not fit the network: expected ({}, m), one column per example", who,
                    shape_str(X), inputs(net)));
  if (Y.dimension() != 2 || Y.shape()[0] != outputs(net))
    throw shape_error(
        fmt::format("{}: targets Y {} do not fit the network: expected ({}, m), one column per example", who,
                    shape_str(Y), outputs(net)));
  if (X.shape()[1] != Y.shape()[1])
    throw shape_error(fmt::format("{}: X {} has {} examples (columns) but Y {} has {}", who, shape_str(X),
                                  X.shape()[1], shape_str(Y), Y.shape()[1]));
  if (X.shape()[1] == 0) throw std::invalid_argument(fmt::format("{}: no examples (X has 0 columns)", who));
}

template <class Net>
Tensor predict_of(const Net& net, const Tensor& X) {
  no_grad guard;
  return net.forward(Variable(X)).value();  // a^L: (N^L, m)
}

template <class Net>
double evaluate_cost_of(const Net& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  no_grad guard;
  return cost(c, net, net.forward_trace(Variable(X)), Y).item();
}

template <class Net>
Evaluation evaluate_of(const Net& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  // X: (N^1, m), Y: (N^L, m)
  check_examples_of("evaluate", net, X, Y);
  no_grad guard;
  const auto trace = net.forward_trace(Variable(X));
  return {cost(c, net, trace, Y).item(), accuracy(trace.output().value(), Y)};
}

}  // namespace

void check_examples(const char* who, const Mlp& net, const Tensor& X, const Tensor& Y) {
  check_examples_of(who, net, X, Y);
}
void check_examples(const char* who, const Network& net, const Tensor& X, const Tensor& Y) {
  check_examples_of(who, net, X, Y);
}
Tensor predict(const Mlp& net, const Tensor& X) { return predict_of(net, X); }
Tensor predict(const Network& net, const Tensor& X) { return predict_of(net, X); }
double evaluate_cost(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_cost_of(net, X, Y, c);
}
double evaluate_cost(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_cost_of(net, X, Y, c);
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

double accuracy(const Tensor& A, const Tensor& Y) {
  if (!same_shape(A, Y))
    throw shape_error(
        fmt::format("accuracy: outputs {} and targets {} differ in shape", shape_str(A), shape_str(Y)));
  const std::vector<std::size_t> predicted = class_labels(A), truth = class_labels(Y);
  std::size_t right = 0;
  for (std::size_t j = 0; j < truth.size(); ++j) right += predicted[j] == truth[j];
  return truth.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(truth.size());
}

double accuracy(const Mlp& net, const Tensor& X, const Tensor& Y) {
  check_examples("accuracy", net, X, Y);
  return accuracy(predict(net, X), Y);
}
double accuracy(const Network& net, const Tensor& X, const Tensor& Y) {
  check_examples("accuracy", net, X, Y);
  return accuracy(predict(net, X), Y);
}

Evaluation evaluate(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_of(net, X, Y, c);
}
Evaluation evaluate(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return evaluate_of(net, X, Y, c);
}

}  // namespace tg::nn
