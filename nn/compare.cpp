#include "nn/compare.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "nn/backprop.hpp"

namespace tg::nn {

Difference difference(const Tensor& g, const Tensor& h) {
  if (!same_shape(g, h))
    throw shape_error(fmt::format("difference: {} and {} differ in shape", shape_str(g), shape_str(h)));
  Difference d;
  double scale = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double diff = std::abs(g.data()[i] - h.data()[i]);
    if (!(diff <= d.max_abs)) d.max_abs = diff;  // a NaN sticks
    scale = std::max({scale, std::abs(g.data()[i]), std::abs(h.data()[i])});
  }
  d.max_rel = scale > 0.0 ? d.max_abs / scale : d.max_abs;
  return d;
}

double CompareReport::max_rel_autodiff() const {
  double m = 0.0;
  for (const auto& p : parameters) m = std::max(m, p.autodiff.max_rel);
  return m;
}

double CompareReport::max_rel_numeric() const {
  double m = 0.0;
  for (const auto& p : parameters) m = std::max(m, p.numeric.max_rel);
  return m;
}

namespace {

// The cost at the network's current parameters.
double cost_at(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  return cost(c, net, net.forward_trace(Variable(X)), Y).item();
}

}  // namespace

CompareReport compare(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c,
                      const CompareOptions& options) {
  if (!(options.eps > 0.0) || !std::isfinite(options.eps))
    throw std::invalid_argument(fmt::format("compare: CompareOptions::eps (the finite-difference step) must be a "
                                            "positive number, got {}", options.eps));
  const BackpropResult bp = backprop(net, X, Y, c);

  // The engine: the same cost, recorded, and backpropagated generically.
  const std::vector<Variable> params = net.parameters();
  const Variable C = cost(c, net, net.forward_trace(Variable(X)), Y);
  const std::vector<Variable> grads = grad({C}, params);

  CompareReport report;
  report.cost = C.item();
  report.has_numeric = options.numeric;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    for (int k = 0; k < 2; ++k) {
      const std::size_t index = 2 * (l - 2) + static_cast<std::size_t>(k);
      const Tensor& by_hand = k == 0 ? bp.dW[l] : bp.db[l];
      ParameterReport p{l, k == 0 ? "W" : "b", shape_of(by_hand), difference(by_hand, filled(shape_of(by_hand), 0.0)).max_abs,
                        difference(by_hand, grads[index].value()), {}};
      if (options.numeric)
        p.numeric = difference(by_hand, central_differences(params[index], [&] { return cost_at(net, X, Y, c); }, options.eps));
      report.parameters.push_back(p);
    }
  }
  return report;
}

std::string format_report(const CompareReport& r) {
  std::string out = fmt::format("cost C = {:.12g}\n", r.cost);
  out += fmt::format("{:<6} {:<10} {:>12} {:>13} {:>13}", "param", "shape", "‖grad‖∞", "autodiff abs", "autodiff rel");
  if (r.has_numeric) out += fmt::format(" {:>13} {:>13}", "numeric abs", "numeric rel");
  out += "\n";
  for (const auto& p : r.parameters) {
    out += fmt::format("{:<6} {:<10} {:>12.4e} {:>13.3e} {:>13.3e}", fmt::format("{}^{}", p.name, p.layer),
                       shape_str(p.shape), p.grad_norm, p.autodiff.max_abs, p.autodiff.max_rel);
    if (r.has_numeric) out += fmt::format(" {:>13.3e} {:>13.3e}", p.numeric.max_abs, p.numeric.max_rel);
    out += "\n";
  }
  out += fmt::format("largest relative difference, BP1–BP4 vs autodiff: {:.3e}", r.max_rel_autodiff());
  if (r.has_numeric) out += fmt::format("; vs finite differences: {:.3e}", r.max_rel_numeric());
  return out + "\n";
}

}  // namespace tg::nn
