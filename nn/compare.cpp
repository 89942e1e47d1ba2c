#include "nn/compare.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "autodiff/gradcheck.hpp"
#include "nn/backprop.hpp"
#include "nn/network_backprop.hpp"

namespace tg::nn {

namespace {

// max(m, v), where a NaN, once in, stays (std::max would drop it when it comes second).
double max_keeping_nan(double m, double v) { return std::isnan(m) || std::isnan(v) ? NAN : std::max(m, v); }

// ‖t‖_∞, NaN when an element is.
double max_abs(const Tensor& t) {
  double m = 0.0;
  for (const double v : t) m = max_keeping_nan(m, std::abs(v));
  return m;
}

}  // namespace

Difference difference(const Tensor& g, const Tensor& h) {
  if (!same_shape(g, h))
    throw shape_error(fmt::format("difference: {} and {} differ in shape", shape_str(g), shape_str(h)));
  Difference d;
  double scale = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    d.max_abs = max_keeping_nan(d.max_abs, std::abs(g.data()[i] - h.data()[i]));  // ∞ − ∞ is NaN too
    scale = max_keeping_nan(scale, std::max(std::abs(g.data()[i]), std::abs(h.data()[i])));
  }
  d.max_rel = scale > 0.0 ? d.max_abs / scale : d.max_abs;  // ∞/∞: NaN
  return d;
}

double CompareReport::max_rel_autodiff() const {
  double m = 0.0;
  for (const auto& p : parameters) m = max_keeping_nan(m, p.autodiff.max_rel);
  return m;
}

double CompareReport::max_rel_numeric() const {
  double m = 0.0;
  for (const auto& p : parameters) m = max_keeping_nan(m, p.numeric.max_rel);
  return m;
}

std::string CompareReport::by_hand_str() const {
  if (by_hand.empty()) return "BP by hand";
  static const std::vector<std::string> order{"BP1",      "BP2",      "BP3",      "BP4",
                                              "BP2-conv", "BP3-conv", "BP4-conv", "BP2-pool"};
  const auto has = [this](const std::string& e) { return std::count(by_hand.begin(), by_hand.end(), e) > 0; };
  std::vector<std::string> names;
  const bool all_four = has("BP1") && has("BP2") && has("BP3") && has("BP4");
  if (all_four) names.push_back("BP1–BP4");
  for (const std::string& e : order)
    if (has(e) && !(all_four && e.find('-') == std::string::npos)) names.push_back(e);
  for (const std::string& e : by_hand)  // any other, after those
    if (std::find(order.begin(), order.end(), e) == order.end()) names.push_back(e);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::size_t CompareReport::numeric_checked() const {
  std::size_t n = 0;
  for (const auto& p : parameters) n += p.numeric_checked;
  return n;
}

std::size_t CompareReport::elements() const {
  std::size_t n = 0;
  for (const auto& p : parameters) n += numel(p.shape);
  return n;
}

std::vector<std::string> failures(const CompareReport& r, const Tolerances& t) {
  std::vector<std::string> out;
  if (!std::isfinite(r.cost))
    out.push_back(fmt::format("the cost C is {}, not a finite number: its gradients cannot be checked",
                              std::isnan(r.cost) ? NAN : r.cost));  // "nan", never "-nan"
  std::vector<std::string> others;  // the parameters after the first whose gradient is not finite
  bool first_listed = false;
  for (const ParameterReport& p : r.parameters) {
    const bool numeric_bad = r.has_numeric && !std::isfinite(p.numeric_norm);
    if (std::isfinite(p.grad_norm) && std::isfinite(p.autodiff_norm) && !numeric_bad) continue;
    if (first_listed) {
      others.push_back(fmt::format("{}^{}", p.name, p.layer));
      continue;
    }
    first_listed = true;
    out.push_back(
        fmt::format("∂C/∂{}^{} is not finite: ‖·‖∞ = {} by {}, {} by autodiff{}", p.name, p.layer,
                    p.grad_norm, p.equation, p.autodiff_norm,
                    r.has_numeric ? fmt::format(", {} by finite differences", p.numeric_norm) : ""));
  }
  if (!others.empty())  // one line for them all: a deep network can have hundreds
    out.push_back(fmt::format("the gradients of {} more parameter{} are not finite either: {}{}",
                              others.size(), others.size() == 1 ? "" : "s",
                              fmt::join(others.begin(),
                                        others.begin() + std::min<std::ptrdiff_t>(others.size(), 6), ", "),
                              others.size() > 6 ? ", ..." : ""));
  if (!out.empty()) return out;  // a difference from a NaN or ∞ says nothing more
  if (!(r.max_rel_autodiff() <= t.autodiff))
    out.push_back(fmt::format("{} and autodiff differ by a relative {:.3g} > tolerance {:.3g}",
                              r.by_hand_str(), r.max_rel_autodiff(), t.autodiff));
  if (r.has_numeric && !(r.max_rel_numeric() <= t.numeric))
    out.push_back(fmt::format("{} and finite differences differ by a relative {:.3g} > tolerance {:.3g}",
                              r.by_hand_str(), r.max_rel_numeric(), t.numeric));
  return out;
}

namespace {

// The elements of a parameter of n elements that finite differences check: all, or `sample`
// of them evenly spaced, the first and the last included.
std::vector<std::size_t> checked_elements(std::size_t n, std::size_t sample) {
  std::vector<std::size_t> at;
  if (sample == 0 || sample >= n) {
    for (std::size_t i = 0; i < n; ++i) at.push_back(i);
  } else if (sample == 1) {
    at.push_back(0);
  } else {
    for (std::size_t k = 0; k < sample; ++k) at.push_back(k * (n - 1) / (sample - 1));
  }
  return at;
}

// ∂C/∂θ_i by central differences (autodiff/gradcheck.hpp) for element i of the parameter alone:
// θ_i becomes a one-element leaf that the cost reads back into the parameter.
double central_difference_at(const Variable& param, std::size_t i, const std::function<double()>& cost,
                             double eps) {
  double& element = param.mutable_value().data()[i];
  const double keep = element;
  const Variable theta_i(Tensor{keep}, true);
  const double d = central_differences(
      theta_i, [&] { return element = theta_i.value()(0), cost(); }, eps)(0);
  element = keep;
  return d;
}

// BP1–BP4's gradient against finite differences at the elements `at` of the parameter: fills
// p.numeric, p.numeric_norm (over those elements) and p.numeric_checked.
void check_numerically(ParameterReport& p, const Tensor& by_hand, const Variable& param,
                       const std::vector<std::size_t>& at, const std::function<double()>& cost,
                       const CompareOptions& options, std::size_t& done, std::size_t total) {
  Tensor hand = filled({at.size()}, 0.0), numeric = filled({at.size()}, 0.0);
  for (std::size_t k = 0; k < at.size(); ++k) {
    hand(k) = by_hand.data()[at[k]];
    numeric(k) = central_difference_at(param, at[k], cost, options.eps);
    if (options.progress) options.progress(++done, total);
  }
  p.numeric = difference(hand, numeric);
  p.numeric_norm = max_abs(numeric);
  p.numeric_checked = at.size();
}

// The cost at the network's current parameters.
template <class Net>
double cost_at(const Net& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return cost(c, net, net.forward_trace(Variable(X)), Y).item();
}

// The parameters in net.parameters() order, each with its layer l.
template <class Net>
std::vector<std::pair<std::size_t, Parameter>> layer_parameters(const Net& net) {
  std::vector<std::pair<std::size_t, Parameter>> all;
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    for (const Parameter& p : net.layer(l).parameters()) all.emplace_back(l, p);
  return all;
}

// The gradients by hand (in net.parameters() order) against the engine's, and on request
// against finite differences.
template <class Net>
CompareReport compare_with(const Net& net, const std::vector<Tensor>& by_hand, const Tensor& X,
                           const Tensor& Y, const Cost& c, const CompareOptions& options) {
  // The engine: the same cost, recorded, and backpropagated generically.
  const std::vector<Variable> params = net.parameters();
  const Variable C = cost(c, net, net.forward_trace(Variable(X)), Y);
  const std::vector<Variable> grads = grad({C}, params);
  const auto named = layer_parameters(net);

  CompareReport report;
  report.cost = C.item();
  report.has_numeric = options.numeric;
  std::vector<std::vector<std::size_t>> at(params.size());
  std::size_t total = 0, done = 0;
  if (options.numeric)
    for (std::size_t i = 0; i < params.size(); ++i)
      total += (at[i] = checked_elements(params[i].value().size(), options.sample)).size();
  const std::function<double()> cost_now = [&] { return cost_at(net, X, Y, c); };
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& [layer, param] = named[i];
    ParameterReport p{layer,
                      param.name,
                      param.equation,
                      shape_of(by_hand[i]),
                      max_abs(by_hand[i]),
                      difference(by_hand[i], grads[i].value()),
                      {}};
    p.autodiff_norm = max_abs(grads[i].value());
    if (options.numeric) check_numerically(p, by_hand[i], params[i], at[i], cost_now, options, done, total);
    report.parameters.push_back(p);
  }
  return report;
}

void check_eps(const CompareOptions& options) {
  if (!(options.eps > 0.0) || !std::isfinite(options.eps))
    throw std::invalid_argument(
        fmt::format("compare: CompareOptions::eps (the finite-difference step) must be a "
                    "positive number, got {}",
                    options.eps));
}

}  // namespace

CompareReport compare(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c,
                      const CompareOptions& options) {
  check_eps(options);
  const BackpropResult bp = backprop(net, X, Y, c);
  std::vector<Tensor> by_hand;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) by_hand.insert(by_hand.end(), {bp.dW[l], bp.db[l]});
  CompareReport report = compare_with(net, by_hand, X, Y, c, options);
  report.by_hand = net.num_layers() >= 3 ? std::vector<std::string>{"BP1", "BP2", "BP3", "BP4"}
                                         : std::vector<std::string>{"BP1", "BP3", "BP4"};  // no δ^l below L
  return report;
}

CompareReport compare(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c,
                      const CompareOptions& options) {
  check_eps(options);
  CompareReport report = compare_with(net, parameter_gradients(backprop(net, X, Y, c)), X, Y, c, options);
  report.by_hand = equations(net);
  return report;
}

std::string format_report(const CompareReport& r) {
  std::string out =
      fmt::format("cost C = {:.12g}\n", std::isnan(r.cost) ? NAN : r.cost);  // "nan", never "-nan"
  out += fmt::format("{:<6} {:<10} {:>12} {:>13} {:>13}", "param", "shape", "‖grad‖∞", "autodiff abs",
                     "autodiff rel");
  if (r.has_numeric) out += fmt::format(" {:>13} {:>13}", "numeric abs", "numeric rel");
  out += "\n";
  for (const auto& p : r.parameters) {
    out += fmt::format("{:<6} {:<10} {:>12.4e} {:>13.3e} {:>13.3e}", fmt::format("{}^{}", p.name, p.layer),
                       shape_str(p.shape), p.grad_norm, p.autodiff.max_abs, p.autodiff.max_rel);
    if (r.has_numeric) out += fmt::format(" {:>13.3e} {:>13.3e}", p.numeric.max_abs, p.numeric.max_rel);
    out += "\n";
  }
  out += fmt::format("largest relative difference, {} vs autodiff: {:.3e}", r.by_hand_str(),
                     r.max_rel_autodiff());
  if (r.has_numeric) out += fmt::format("; vs finite differences: {:.3e}", r.max_rel_numeric());
  return out + "\n";
}

}  // namespace tg::nn
