#include "autodiff/gradcheck.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "autodiff/engine.hpp"
#include "autodiff/error.hpp"
#include "autodiff/grad_mode.hpp"

namespace tg {

namespace {

// grad's options for one row of the Jacobian: plain values, from a graph kept for every row.
constexpr bool values_only = false, keep_graph = true;
// and for gradgradcheck's first-order function: a gradient recorded, to differentiate again.
constexpr bool recorded = true;

std::vector<Variable> make_leaves(const std::vector<Tensor>& values) {
  constexpr bool requires_grad = true;
  std::vector<Variable> leaves;
  for (const Tensor& t : values) leaves.emplace_back(t, requires_grad);
  return leaves;
}

// Output values of f at `values`. Recording stays on: f may itself take gradients
// (gradgradcheck's f does).
std::vector<Tensor> evaluate(const MultiFunction& f, const std::vector<Tensor>& values) {
  std::vector<Tensor> out;
  for (const Variable& y : f(make_leaves(values))) out.push_back(y.value());
  return out;
}

// The finite-difference step must be a positive number.
void check_eps(const char* who, double eps) {
  if (!(eps > 0.0) || !std::isfinite(eps))
    throw std::invalid_argument(
        fmt::format("{}: eps (the finite-difference step) must be a positive number, got {}", who, eps));
}

void check_options(const char* who, const GradcheckOptions& o) {
  check_eps(who, o.eps);
  if (!(o.atol >= 0.0) || !std::isfinite(o.atol))
    throw std::invalid_argument(fmt::format("{}: atol must be a finite number ≥ 0, got {}", who, o.atol));
  if (!(o.rtol >= 0.0) || !std::isfinite(o.rtol))
    throw std::invalid_argument(fmt::format("{}: rtol must be a finite number ≥ 0, got {}", who, o.rtol));
}

template <class F>
void check_function(const char* who, const F& f) {
  if (!f)
    throw std::invalid_argument(fmt::format("{}: f is empty (a default-constructed std::function)", who));
}

}  // namespace

Tensor central_differences(const Variable& x, const std::function<double()>& f, double eps) {
  if (!x.defined()) throw graph_error("central_differences: x is an empty Variable");
  if (!x.is_leaf())
    throw graph_error(
        fmt::format("central_differences: x ('{}', shape {}) is the result of an op; only a leaf can be "
                    "nudged in place",
                    x.op_name(), shape_str(x.value())));
  check_function("central_differences", f);
  check_eps("central_differences", eps);
  Tensor& v = x.mutable_value();
  Tensor g = Tensor::from_shape(v.shape());
  no_grad guard;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double keep = v.data()[i];
    v.data()[i] = keep + eps;
    const double plus = f();
    v.data()[i] = keep - eps;
    const double minus = f();
    v.data()[i] = keep;
    g.data()[i] = (plus - minus) / (2.0 * eps);
  }
  return g;
}

GradcheckResult gradcheck(const MultiFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& opt) {
  check_function("gradcheck", f);
  check_options("gradcheck", opt);
  // Analytic Jacobian, one row per output element: backward with the seed e_k.
  const std::vector<Variable> leaves = make_leaves(inputs);
  const std::vector<Variable> outputs = f(leaves);
  // analytic[o][k][i] = ∂ output o element k / ∂ input i (a tensor of input i's shape)
  std::vector<std::vector<std::vector<Tensor>>> analytic(outputs.size());
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const Variable& y = outputs[o];
    for (std::size_t k = 0; k < y.numel(); ++k) {
      std::vector<Tensor> row;
      if (y.requires_grad()) {
        Tensor seed = filled(y.shape(), 0.0);
        seed.data()[k] = 1.0;
        for (const Variable& g : grad({y}, leaves, {Variable(seed)}, values_only, keep_graph))
          row.push_back(g.value());
      } else {  // a constant output: its Jacobian is zero
        for (const Tensor& x : inputs) row.push_back(filled(shape_of(x), 0.0));
      }
      analytic[o].push_back(std::move(row));
    }
  }

  // Numeric Jacobian, one column per input element, compared entry by entry.
  GradcheckResult result;
  std::vector<Tensor> values = inputs;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values[i].size(); ++j) {
      const double x0 = values[i].data()[j];
      values[i].data()[j] = x0 + opt.eps;
      const std::vector<Tensor> plus = evaluate(f, values);
      values[i].data()[j] = x0 - opt.eps;
      const std::vector<Tensor> minus = evaluate(f, values);
      values[i].data()[j] = x0;
      for (std::size_t o = 0; o < plus.size(); ++o) {
        for (std::size_t k = 0; k < plus[o].size(); ++k) {
          const double numeric = (plus[o].data()[k] - minus[o].data()[k]) / (2.0 * opt.eps);
          const double a = analytic[o][k][i].data()[j];
          const double diff = std::abs(a - numeric);
          const double tolerance = opt.atol + opt.rtol * std::abs(numeric);
          ++result.entries;
          if (!(diff <= result.max_abs_error)) result.max_abs_error = diff;  // NaN sticks
          if (!(diff <= tolerance) && result.ok) {
            result.ok = false;
            result.report = fmt::format(
                "input {}, element {}, output {} element {}: analytic {:.10g}, numeric {:.10g}, "
                "|diff| {:.3g} > tolerance {:.3g}",
                i, index_str(shape_of(inputs[i]), j), o, index_str(shape_of(plus[o]), k), a, numeric, diff,
                tolerance);
          }
        }
      }
    }
  }
  return result;
}

GradcheckResult gradcheck(const Function& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  check_function("gradcheck", f);
  return gradcheck(MultiFunction(
                       [&f](const std::vector<Variable>& x) { return std::vector<Variable>{f(x)}; }),
                   inputs, options);
}

GradcheckResult gradgradcheck(const Function& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  check_function("gradgradcheck", f);
  check_options("gradgradcheck", options);
  // A fixed random v = ∂C/∂y of f's output shape, itself one more input.
  Shape out_shape;
  {
    no_grad guard;
    out_shape = f(make_leaves(inputs)).shape();
  }
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Tensor v = Tensor::from_shape(out_shape);
  for (double& e : v) e = u(rng);

  std::vector<Tensor> extended = inputs;
  extended.push_back(v);
  const std::size_t n = inputs.size();
  const MultiFunction first_order = [&f, n](const std::vector<Variable>& xs) {
    const std::vector<Variable> x(xs.begin(), xs.begin() + static_cast<long>(n));
    const Variable y = f(x);
    if (!y.requires_grad()) {  // f does not depend on its inputs: the gradient is zero
      std::vector<Variable> zeros;
      for (const Variable& xi : x) zeros.emplace_back(filled(xi.shape(), 0.0));
      return zeros;
    }
    return grad({y}, x, {xs[n]}, recorded);
  };
  GradcheckResult r = gradcheck(first_order, extended, options);
  if (!r.ok) r.report = fmt::format("second order (input {} is the seed v): {}", n, r.report);
  return r;
}

}  // namespace tg
