// The equations are written twice in parallel: in symbols (formula) and with the numbers
// (numbers), and the value is computed in the order the numbers are written.
#include "nn/explain.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tg::nn {

namespace {

// A row with its part, equation and quantity; the rest is filled in field by field.
ExplainRow make_row(ExplainPart part, std::string equation, std::string quantity) {
  ExplainRow r;
  r.part = part;
  r.equation = std::move(equation);
  r.quantity = std::move(quantity);
  return r;
}

// Neuron indices: "12" (j = 1, k = 2), or "1,12" when one has two digits.
std::string index(std::size_t j, std::size_t k) {
  return j < 10 && k < 10 ? fmt::format("{}{}", j, k) : fmt::format("{},{}", j, k);
}

std::string act_name(Activation a) {
  switch (a) {
    case Activation::sigmoid: return "σ";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::identity: return "id";
    case Activation::softmax: return "softmax";
  }
  return "?";
}

class Writer {
 public:
  explicit Writer(int digits) : digits_(digits) {}
  std::string num(double v) const { return fmt::format("{:.{}g}", v, digits_); }
  // A number inside arithmetic: negative ones in parentheses, "0.4 × (-0.25)".
  std::string operand(double v) const {
    const std::string s = num(v);
    return s[0] == '-' ? "(" + s + ")" : s;
  }

 private:
  int digits_;
};

// The index of the largest z (the first, on a tie), skipping `skip` (0-based; none: z.size()).
std::size_t top_index(const std::vector<double>& z, std::size_t skip) {
  std::size_t t = z.size();
  for (std::size_t k = 0; k < z.size(); ++k)
    if (k != skip && (t == z.size() || z[k] > z[t])) t = k;
  return t;
}

// Σ_k e^{z_k − z_c} over k ≠ skip, written out: the term of k = c is 1. Returns the sum; appends
// the terms in symbols ("exp(z^3_1 − z^3_2) + 1") and in numbers.   (c, skip: 0-based)
double shifted_exp_sum(const Writer& w, std::size_t L, const std::vector<double>& z, std::size_t c, std::size_t skip,
                       std::string& symbols, std::string& numbers) {
  double sum = 0.0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (k == skip) continue;
    const std::string sep = symbols.empty() ? "" : " + ";
    symbols += sep + (k == c ? std::string("1") : fmt::format("exp(z^{}_{} − z^{}_{})", L, k + 1, L, c + 1));
    numbers += sep + (k == c ? std::string("1") : fmt::format("exp({} − {})", w.operand(z[k]), w.operand(z[c])));
    sum += k == c ? 1.0 : std::exp(z[k] - z[c]);
  }
  return sum;
}

// ln σ(u) for u = z, or u = −z (negate: ln σ(−z) = ln(1 − σ(z))), from z as softplus does
// (nn/cost.cpp: ln σ(u) = −softplus(−u)), never ln 0: −ln(1 + e^{−u}) for u > 0, u − ln(1 + e^u) else.
void ln_sigmoid(const Writer& w, const std::string& z_symbol, double z, bool negate, ExplainRow& r) {
  const double u = (negate ? -z : z) + 0.0;  // + 0.0: no −0, which would print as "-0"
  const std::string u_symbol = negate ? "−" + z_symbol : z_symbol, minus_u_symbol = negate ? z_symbol : "−" + z_symbol;
  if (u > 0.0) {
    r.formula = fmt::format("−ln(1 + exp({}))", minus_u_symbol);
    r.numbers = fmt::format("-ln(1 + exp({}))", w.num(-u));
    r.value = -std::log(1.0 + std::exp(-u));
  } else {
    r.formula = fmt::format("{} − ln(1 + exp({}))", u_symbol, u_symbol);
    r.numbers = fmt::format("{} − ln(1 + exp({}))", w.operand(u), w.num(u));
    r.value = u - std::log(1.0 + std::exp(u));
  }
}

// ln a^L_j and ln(1 − a^L_j) of a log-based cost, one row each, from z^L as the cost takes them
// (nn/cost.cpp), so that no row takes ln 0 where a^L rounds to 0 or 1:
//   sigmoid  ln σ(z) and ln(1 − σ(z)) = ln σ(−z) as ln_sigmoid writes them
//   softmax  ln a_j = z_j − z_t − ln Σ_k e^{z_k − z_t}, t the largest z;
//            ln(1 − a_j) as it is where a_j ≤ ½ (j ≠ t), and at t: 1 − a_t = Σ_{k≠t} a_k
//            = a_s Σ_{k≠t} e^{z_k − z_s}, s the largest z but t.
// z, a: z^L and a^L (0-based). The values land in ln_a and ln_1ma (ln(1 − a) for cross-entropy only).
std::vector<ExplainRow> log_rows(const Writer& w, CostKind kind, Activation out, std::size_t L, const std::vector<double>& z,
                                 const std::vector<double>& a, std::vector<double>& ln_a, std::vector<double>& ln_1ma) {
  std::vector<ExplainRow> rows;
  const std::size_t n = z.size(), t = top_index(z, n);
  ln_a.assign(n, 0.0);
  ln_1ma.assign(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    ExplainRow r = make_row(ExplainPart::cost, "ln a", fmt::format("ln a^{}_{}", L, j + 1));
    const std::string zj = fmt::format("z^{}_{}", L, j + 1);
    if (out == Activation::sigmoid) {
      ln_sigmoid(w, zj, z[j], false, r);
    } else {
      std::string symbols, numbers;
      const double sum = shifted_exp_sum(w, L, z, t, n, symbols, numbers);
      r.formula = fmt::format("{} − z^{}_{} − ln({})", zj, L, t + 1, symbols);
      r.numbers = fmt::format("{} − {} − ln({})", w.operand(z[j]), w.operand(z[t]), numbers);
      r.value = z[j] - z[t] - std::log(sum);
    }
    r.layer = L, r.j = j + 1;
    ln_a[j] = r.value;
    rows.push_back(r);
  }
  for (std::size_t j = 0; kind == CostKind::cross_entropy && j < n; ++j) {
    ExplainRow r = make_row(ExplainPart::cost, "ln(1 − a)", fmt::format("ln(1 − a^{}_{})", L, j + 1));
    if (out == Activation::sigmoid) {
      ln_sigmoid(w, fmt::format("z^{}_{}", L, j + 1), z[j], true, r);
    } else if (j != t) {
      r.formula = fmt::format("ln(1 − a^{}_{})", L, j + 1);
      r.numbers = fmt::format("ln(1 − {})", w.operand(a[j]));
      r.value = std::log(1.0 - a[j]);
    } else {
      const std::size_t s2 = top_index(z, t);
      std::string symbols, numbers;
      const double sum = shifted_exp_sum(w, L, z, s2, t, symbols, numbers);
      r.formula = fmt::format("ln a^{}_{} + ln({})", L, s2 + 1, symbols);
      r.numbers = fmt::format("{} + ln({})", w.operand(ln_a[s2]), numbers);
      r.value = ln_a[s2] + std::log(sum);
    }
    r.layer = L, r.j = j + 1;
    ln_1ma[j] = r.value;
    rows.push_back(r);
  }
  return rows;
}

// The cost of one example: ½ Σ_j (a_j − y_j)², −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] or
// −Σ_j y_j ln a_j, with the logarithms of log_rows; plus ½ κ Σ_l ‖W^l‖² (squares) under L2.
ExplainRow cost_row(const Writer& w, const Cost& c, std::size_t L, const std::vector<double>& a, const Tensor& y,
                    const std::vector<double>& ln_a, const std::vector<double>& ln_1ma, double squares) {
  ExplainRow r = make_row(ExplainPart::cost, "C", "C");
  std::string symbols, numbers;
  double v = 0.0;
  for (std::size_t j = 1; j <= a.size(); ++j) {
    const double aj = a[j - 1], yj = y(j - 1, 0);
    const std::string A = w.operand(aj), Y = w.operand(yj), sep = j == 1 ? "" : " + ";
    switch (c.kind) {
      case CostKind::quadratic:
        symbols += fmt::format("{}(a^{}_{} − y_{})²", sep, L, j, j);
        numbers += fmt::format("{}({} − {}) × ({} − {})", sep, A, Y, A, Y);
        v += (aj - yj) * (aj - yj);
        break;
      case CostKind::cross_entropy:
        symbols += fmt::format("{}y_{} ln a^{}_{} + (1 − y_{}) ln(1 − a^{}_{})", sep, j, L, j, j, L, j);
        numbers += fmt::format("{}{} × {} + (1 − {}) × {}", sep, Y, w.operand(ln_a[j - 1]), Y, w.operand(ln_1ma[j - 1]));
        v += yj * ln_a[j - 1] + (1.0 - yj) * ln_1ma[j - 1];
        break;
      case CostKind::log_likelihood:
        symbols += fmt::format("{}y_{} ln a^{}_{}", sep, j, L, j);
        numbers += fmt::format("{}{} × {}", sep, Y, w.operand(ln_a[j - 1]));
        v += yj * ln_a[j - 1];
        break;
    }
  }
  const bool quadratic = c.kind == CostKind::quadratic;
  r.formula = (quadratic ? "½ (" : "−(") + symbols + ")";
  r.numbers = (quadratic ? "0.5 × (" : "-(") + numbers + ")";
  r.value = quadratic ? 0.5 * v : -v;
  const double kappa = l2_coefficient(c, 1);
  if (kappa != 0.0) {  // + κ/2 Σ_l ‖W^l‖²  (κ = λ/n or λ)
    r.formula += " + ½ κ Σ_l ‖W^l‖²";
    r.numbers += fmt::format(" + 0.5 × {} × {}", w.operand(kappa), w.operand(squares));
    r.value += 0.5 * kappa * squares;
  }
  r.layer = L;
  return r;
}

// "(y_1 + y_2 + y_3)" in symbols and numbers; returns the sum, added in that order.
double target_sum(const Writer& w, const Tensor& y, std::string& symbols, std::string& numbers) {
  double s = 0.0;
  for (std::size_t k = 0; k < y.shape()[0]; ++k) {
    symbols += fmt::format("{}y_{}", k == 0 ? "(" : " + ", k + 1);
    numbers += fmt::format("{}{}", k == 0 ? "(" : " + ", w.operand(y(k, 0)));
    s += y(k, 0);
  }
  symbols += ")";
  numbers += ")";
  return s;
}

// (BP1) δ^L_j where the cost's derivative is multiplied out with the output's (nn/cost.cpp's
// output_delta, term by term), j 1-based:
//   cross-entropy, sigmoid    a_j − y_j
//   log-likelihood, softmax   a_j Σ_k y_k − y_j   (a_j − y_j when the y sum to 1)
//   log-likelihood, sigmoid   −y_j (1 − a_j)
//   cross-entropy, softmax    a_j Σ_k y_k − y_j + (1 − y_j) a_j − Σ_{k≠j} (1 − y_k) a_k a_j / (1 − a_k),
//                             each a_k a_j / (1 − a_k) as exp(ln a_k + ln a_j − ln(1 − a_k)) from log_rows
void multiplied_out_bp1(const Writer& w, CostKind kind, Activation out, std::size_t L, std::size_t j,
                        const std::vector<double>& a, const Tensor& y, const std::vector<double>& ln_a,
                        const std::vector<double>& ln_1ma, ExplainRow& r) {
  const double aj = a[j - 1], yj = y(j - 1, 0);
  const std::string A = w.operand(aj), Y = w.operand(yj);
  if (out == Activation::sigmoid && kind == CostKind::log_likelihood) {
    r.formula = fmt::format("−y_{} (1 − a^{}_{})", j, L, j);
    r.numbers = fmt::format("-{} × (1 − {})", Y, A);
    r.value = -yj * (1.0 - aj);
    return;
  }
  std::string sum_symbols, sum_numbers;
  const double sum_y = out == Activation::softmax ? target_sum(w, y, sum_symbols, sum_numbers) : 1.0;
  if (sum_y == 1.0) {  // a_j · 1 − y_j, written a_j − y_j
    r.formula = fmt::format("a^{}_{} − y_{}", L, j, j);
    r.numbers = fmt::format("{} − {}", A, Y);
  } else {
    r.formula = fmt::format("a^{}_{} {} − y_{}", L, j, sum_symbols, j);
    r.numbers = fmt::format("{} × {} − {}", A, sum_numbers, Y);
  }
  r.value = aj * sum_y - yj;
  if (kind != CostKind::cross_entropy || out != Activation::softmax) return;
  r.formula += fmt::format(" + (1 − y_{}) a^{}_{}", j, L, j);
  r.numbers += fmt::format(" + (1 − {}) × {}", Y, A);
  r.value += (1.0 - yj) * aj;
  for (std::size_t k = 1; k <= a.size(); ++k) {
    if (k == j) continue;
    r.formula += fmt::format(" − (1 − y_{}) exp(ln a^{}_{} + ln a^{}_{} − ln(1 − a^{}_{}))", k, L, k, L, j, L, k);
    r.numbers += fmt::format(" − (1 − {}) × exp({} + {} − {})", w.operand(y(k - 1, 0)), w.operand(ln_a[k - 1]),
                             w.operand(ln_a[j - 1]), w.operand(ln_1ma[k - 1]));
    r.value -= (1.0 - y(k - 1, 0)) * std::exp(ln_a[k - 1] + ln_a[j - 1] - ln_1ma[k - 1]);
  }
}

}  // namespace

Explanation explain(const Mlp& original, const Cost& cost_spec, const Tensor& x, const Tensor& y,
                    const ExplainOptions& opt) {
  if (opt.digits < 1 || opt.digits > 17)
    throw std::invalid_argument(fmt::format("explain: digits must be 1..17, got {}", opt.digits));
  const std::size_t L = original.num_layers();
  const std::vector<std::size_t>& N = original.sizes();
  for (std::size_t l = 1; l <= L; ++l)
    if (opt.max_width != 0 && N[l - 1] > opt.max_width)
      throw std::invalid_argument(fmt::format(
          "explain: layer {} of {} has {} neurons, more than {}: too many equations to write out neuron by neuron",
          l, fmt::format("[{}]", fmt::join(N, ",")), N[l - 1], opt.max_width));
  if (x.dimension() != 2 || x.shape()[0] != N[0] || x.shape()[1] != 1)
    throw shape_error(fmt::format("explain: the example x {} does not fit: expected ({}, 1), one example",
                                  shape_str(x), N[0]));
  if (y.dimension() != 2 || y.shape()[0] != N[L - 1] || y.shape()[1] != 1)
    throw shape_error(fmt::format("explain: the target y {} does not fit: expected ({}, 1), one example",
                                  shape_str(y), N[L - 1]));
  const Writer w(opt.digits);

  // The engine: forward, C, backward, with z^l and a^l keeping their gradients.
  Mlp net = original.copy();
  Variable xv(x);
  Mlp::Trace t = net.forward_trace(xv);
  for (std::size_t l = 2; l <= L; ++l) {
    net.layer(l).W.set_name(fmt::format("W^{}", l));
    net.layer(l).b.set_name(fmt::format("b^{}", l));
    t.a[l].retain_grad().set_name(fmt::format("a^{}", l));
    // An identity activation returns z^l itself: one node, both names.
    t.z[l].retain_grad().set_name(t.z[l].same_node(t.a[l]) ? fmt::format("z^{} = a^{}", l, l) : fmt::format("z^{}", l));
  }
  Variable C = cost(cost_spec, net, t, y);
  C.set_name("C");
  Explanation e;
  {
    backward_trace trace;
    C.backward(filled(C.shape(), 1.0));
    e.backward = trace.steps();
  }
  const auto step_of = [&](const Variable& v) -> std::optional<std::size_t> {
    for (const BackwardStep& s : e.backward)
      if (s.node.same_node(v)) return s.step;
    return std::nullopt;
  };

  // By hand, in plain numbers: z[l][j], a[l][j], σ'[l][j], δ[l][j] (0-based j), a[1] = x.
  std::vector<std::vector<double>> z(L + 1), a(L + 1), ds(L + 1), delta(L + 1);
  const auto W = [&](std::size_t l, std::size_t j, std::size_t k) { return net.layer(l).W.value()(j - 1, k - 1); };
  const auto b = [&](std::size_t l, std::size_t j) { return net.layer(l).b.value()(j - 1, 0); };
  for (std::size_t k = 0; k < N[0]; ++k) a[1].push_back(x(k, 0));

  const auto add = [&](ExplainRow r) { e.rows.push_back(std::move(r)); };
  for (std::size_t l = 2; l <= L; ++l) {
    const Activation act = net.activation(l);
    for (std::size_t j = 1; j <= N[l - 1]; ++j) {  // z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j
      ExplainRow r = make_row(ExplainPart::forward, fmt::format("z^{}", l), fmt::format("z^{}_{}", l, j));
      double v = 0.0;
      for (std::size_t k = 1; k <= N[l - 2]; ++k) {
        r.formula += fmt::format("w^{}_{} a^{}_{} + ", l, index(j, k), l - 1, k);
        r.numbers += fmt::format("{} × {} + ", w.operand(W(l, j, k)), w.operand(a[l - 1][k - 1]));
        v += W(l, j, k) * a[l - 1][k - 1];
      }
      r.formula += fmt::format("b^{}_{}", l, j);
      r.numbers += w.operand(b(l, j));
      r.value = v + b(l, j);
      r.engine = t.z[l].value()(j - 1, 0);
      r.engine_node = fmt::format("z^{}", l);
      r.layer = l, r.j = j;
      z[l].push_back(r.value);
      add(r);
    }
    for (std::size_t j = 1; j <= N[l - 1]; ++j) {  // a^l_j = σ(z^l_j)
      ExplainRow r = make_row(ExplainPart::forward, fmt::format("a^{}", l), fmt::format("a^{}_{}", l, j));
      const double zj = z[l][j - 1];
      if (act == Activation::softmax) {  // e^{z_j − z_t} / Σ_k e^{z_k − z_t}, t the largest z: no e^z overflows
        const std::size_t top = top_index(z[l], z[l].size());
        std::string symbols, terms;
        const double sum = shifted_exp_sum(w, l, z[l], top, z[l].size(), symbols, terms);
        const bool is_top = j - 1 == top;
        r.formula = is_top ? fmt::format("1 / ({})", symbols)
                           : fmt::format("exp(z^{}_{} − z^{}_{}) / ({})", l, j, l, top + 1, symbols);
        r.numbers = is_top ? fmt::format("1 / ({})", terms)
                           : fmt::format("exp({} − {}) / ({})", w.operand(zj), w.operand(z[l][top]), terms);
        r.value = (is_top ? 1.0 : std::exp(zj - z[l][top])) / sum;
      } else if (act == Activation::identity) {
        r.formula = fmt::format("z^{}_{}", l, j);
        r.numbers = w.num(zj);
        r.value = zj;
      } else {
        r.formula = fmt::format("{}(z^{}_{})", act_name(act), l, j);
        r.numbers = fmt::format("{}({})", act_name(act), w.num(zj));
        r.value = activate(act, Tensor{zj})(0);
      }
      r.engine = t.a[l].value()(j - 1, 0);
      r.engine_node = fmt::format("a^{}", l);
      r.layer = l, r.j = j;
      a[l].push_back(r.value);
      add(r);
    }
    // σ' for BP2, and for BP1 where it goes through ∇_a C (the quadratic cost)
    const bool needs_derivative = act != Activation::softmax && (l < L || cost_spec.kind == CostKind::quadratic);
    ds[l].assign(N[l - 1], 1.0);
    for (std::size_t j = 1; needs_derivative && j <= N[l - 1]; ++j) {  // σ'(z^l_j)
      ExplainRow r = make_row(ExplainPart::forward, "σ'", fmt::format("{}'(z^{}_{})", act_name(act), l, j));
      const double aj = a[l][j - 1];
      switch (act) {
        case Activation::sigmoid:
          r.formula = fmt::format("a^{}_{} (1 − a^{}_{})", l, j, l, j);
          r.numbers = fmt::format("{} × (1 − {})", w.operand(aj), w.operand(aj));
          r.value = aj * (1.0 - aj);
          break;
        case Activation::tanh:
          r.formula = fmt::format("1 − (a^{}_{})²", l, j);
          r.numbers = fmt::format("1 − {} × {}", w.operand(aj), w.operand(aj));
          r.value = 1.0 - aj * aj;
          break;
        case Activation::relu:
          r.formula = fmt::format("[z^{}_{} > 0]", l, j);
          r.value = z[l][j - 1] > 0.0 ? 1.0 : 0.0;
          r.numbers = w.num(r.value);
          break;
        default:
          r.formula = "1";
          r.numbers = "1";
          r.value = 1.0;
      }
      r.layer = l, r.j = j;
      ds[l][j - 1] = r.value;
      add(r);
    }
  }

  // The cost of this one example, after the logarithms it takes.
  const Activation out = net.output();
  std::vector<double> ln_a, ln_1ma;
  if (cost_spec.kind != CostKind::quadratic)
    for (ExplainRow& r : log_rows(w, cost_spec.kind, out, L, z[L], a[L], ln_a, ln_1ma)) add(std::move(r));
  {
    double squares = 0.0;
    for (std::size_t l = 2; l <= L; ++l)
      for (const double wjk : net.layer(l).W.value()) squares += wjk * wjk;
    ExplainRow r = cost_row(w, cost_spec, L, a[L], y, ln_a, ln_1ma, squares);
    r.engine = C.item();
    r.engine_node = "C";
    r.step = step_of(C);
    add(r);
  }

  // BP1: δ^L, through ∂C/∂a^L = a^L − y for the quadratic cost; the log-based costs' derivatives
  // are multiplied out with the output's (multiplied_out_bp1), as nn/cost.cpp does.
  const bool through_grad_a = cost_spec.kind == CostKind::quadratic;
  std::vector<double> grad_a(N[L - 1]);
  if (through_grad_a) {
    for (std::size_t j = 1; j <= N[L - 1]; ++j) {
      ExplainRow r = make_row(ExplainPart::backward, "∇_a C", fmt::format("∂C/∂a^{}_{}", L, j));
      const double aj = a[L][j - 1], yj = y(j - 1, 0);
      r.formula = fmt::format("a^{}_{} − y_{}", L, j, j);
      r.numbers = fmt::format("{} − {}", w.operand(aj), w.operand(yj));
      r.value = aj - yj;
      if (t.a[L].has_grad()) {
        r.engine = t.a[L].grad()(j - 1, 0);
        r.engine_node = fmt::format("grad of a^{}", L);
        r.step = step_of(t.a[L]);
      }
      r.layer = L, r.j = j;
      grad_a[j - 1] = r.value;
      add(r);
    }
  }

  const double kappa = l2_coefficient(cost_spec, 1);
  for (std::size_t l = L; l >= 2; --l) {
    delta[l].resize(N[l - 1]);
    for (std::size_t j = 1; j <= N[l - 1]; ++j) {
      ExplainRow r = make_row(ExplainPart::backward, l == L ? "BP1" : "BP2", fmt::format("δ^{}_{}", l, j));
      const Activation act = net.activation(l);
      const std::string sp = fmt::format("{}'(z^{}_{})", act_name(act), l, j);
      if (l == L && !through_grad_a) {  // (BP1) the cost's derivative multiplied out with the output's
        multiplied_out_bp1(w, cost_spec.kind, out, L, j, a[L], y, ln_a, ln_1ma, r);
      } else if (l == L && out == Activation::softmax) {  // (BP1) a_j (∂C/∂a_j − Σ_k a_k ∂C/∂a_k)
        std::string symbols, numbers;
        double s = 0.0;
        for (std::size_t k = 1; k <= N[L - 1]; ++k) {
          symbols += fmt::format("{}a^{}_{} ∂C/∂a^{}_{}", k == 1 ? "" : " + ", L, k, L, k);
          numbers += fmt::format("{}{} × {}", k == 1 ? "" : " + ", w.operand(a[L][k - 1]), w.operand(grad_a[k - 1]));
          s += a[L][k - 1] * grad_a[k - 1];
        }
        r.formula = fmt::format("a^{}_{} (∂C/∂a^{}_{} − ({}))", L, j, L, j, symbols);
        r.numbers = fmt::format("{} × ({} − ({}))", w.operand(a[L][j - 1]), w.operand(grad_a[j - 1]), numbers);
        r.value = a[L][j - 1] * (grad_a[j - 1] - s);
      } else if (l == L) {  // (BP1) δ^L_j = ∂C/∂a^L_j · σ'(z^L_j)
        r.formula = fmt::format("∂C/∂a^{}_{} · {}", L, j, sp);
        r.numbers = fmt::format("{} × {}", w.operand(grad_a[j - 1]), w.operand(ds[L][j - 1]));
        r.value = grad_a[j - 1] * ds[L][j - 1];
      } else {  // (BP2) δ^l_j = (Σ_k w^{l+1}_kj δ^{l+1}_k) · σ'(z^l_j)
        std::string symbols, numbers;
        double s = 0.0;
        for (std::size_t k = 1; k <= N[l]; ++k) {
          symbols += fmt::format("{}w^{}_{} δ^{}_{}", k == 1 ? "" : " + ", l + 1, index(k, j), l + 1, k);
          numbers += fmt::format("{}{} × {}", k == 1 ? "" : " + ", w.operand(W(l + 1, k, j)),
                                 w.operand(delta[l + 1][k - 1]));
          s += W(l + 1, k, j) * delta[l + 1][k - 1];
        }
        r.formula = fmt::format("({}) · {}", symbols, sp);
        r.numbers = fmt::format("({}) × {}", numbers, w.operand(ds[l][j - 1]));
        r.value = s * ds[l][j - 1];
      }
      r.engine = t.z[l].grad()(j - 1, 0);
      r.engine_node = fmt::format("grad of z^{}", l);
      r.step = step_of(t.z[l]);
      r.layer = l, r.j = j;
      delta[l][j - 1] = r.value;
      add(r);
    }
    for (std::size_t j = 1; j <= N[l - 1]; ++j) {  // (BP3) ∂C/∂b^l_j = δ^l_j
      ExplainRow r = make_row(ExplainPart::backward, "BP3", fmt::format("∂C/∂b^{}_{}", l, j));
      r.formula = fmt::format("δ^{}_{}", l, j);
      r.numbers = w.num(delta[l][j - 1]);
      r.value = delta[l][j - 1];
      r.engine = net.layer(l).b.grad()(j - 1, 0);
      r.engine_node = fmt::format("grad of b^{}", l);
      r.step = step_of(net.layer(l).b);
      r.layer = l, r.j = j;
      add(r);
    }
    for (std::size_t j = 1; j <= N[l - 1]; ++j)  // (BP4) ∂C/∂w^l_jk = a^{l−1}_k δ^l_j
      for (std::size_t k = 1; k <= N[l - 2]; ++k) {
        ExplainRow r = make_row(ExplainPart::backward, "BP4", fmt::format("∂C/∂w^{}_{}", l, index(j, k)));
        r.formula = fmt::format("a^{}_{} δ^{}_{}", l - 1, k, l, j);
        r.numbers = fmt::format("{} × {}", w.operand(a[l - 1][k - 1]), w.operand(delta[l][j - 1]));
        r.value = a[l - 1][k - 1] * delta[l][j - 1];
        if (kappa != 0.0) {  // L2: + κ w^l_jk
          r.formula += fmt::format(" + κ w^{}_{}", l, index(j, k));
          r.numbers += fmt::format(" + {} × {}", w.operand(kappa), w.operand(W(l, j, k)));
          r.value += kappa * W(l, j, k);
        }
        r.engine = net.layer(l).W.grad()(j - 1, k - 1);
        r.engine_node = fmt::format("grad of W^{}", l);
        r.step = step_of(net.layer(l).W);
        r.layer = l, r.j = j, r.k = k;
        add(r);
      }
  }
  return e;
}

namespace {

// Columns on a terminal: UTF-8 code points (every character used here is one column wide).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_explanation(const Explanation& e, int digits) {
  const Writer w(digits);
  const auto equation = [&](const ExplainRow& r) {
    const bool tagged = r.part == ExplainPart::backward;
    std::string text = fmt::format("{}{} = {}", tagged ? fmt::format("{:<5}", r.equation.rfind("BP", 0) == 0 ? r.equation : "") : "",
                                   r.quantity, r.formula);
    if (r.numbers != r.formula && r.numbers != w.num(r.value)) text += " = " + r.numbers;
    if (r.formula != w.num(r.value)) text += " = " + w.num(r.value);
    return text;
  };
  std::size_t column = 0;
  for (const ExplainRow& r : e.rows)
    if (const std::size_t n = width(equation(r)); n <= 100) column = std::max(column, n);

  std::string text;
  ExplainPart part = ExplainPart::cost;
  bool first = true;
  for (const ExplainRow& r : e.rows) {
    if (first || r.part != part) {
      if (!first) text += "\n";
      text += r.part == ExplainPart::forward ? "forward: z^l_j = Σ_k w^l_jk a^(l−1)_k + b^l_j, a^l_j = σ(z^l_j), a^1 = x\n"
              : r.part == ExplainPart::cost  ? "cost of this one example:\n"
                                             : "backward: (BP1) δ^L = ∇_a C ⊙ σ'(z^L)   (BP2) δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)\n"
                                               "          (BP3) ∂C/∂b^l_j = δ^l_j        (BP4) ∂C/∂w^l_jk = a^(l−1)_k δ^l_j\n";
      part = r.part;
      first = false;
    }
    const std::string eq = equation(r);
    text += "  " + eq;
    if (r.engine) {
      text += std::string(column > width(eq) ? column - width(eq) : 0, ' ');
      text += fmt::format("   autodiff {:>{}}  diff {:8.1e}", fmt::format("{:.{}g}", *r.engine, digits + 4), digits + 8,
                          r.value - *r.engine);
      if (r.step) text += fmt::format("  step {} ({})", *r.step, r.engine_node);
    }
    text += "\n";
  }
  text += "\nthe engine's backward pass, in the order it processed the nodes (each after all its consumers):\n";
  return text + format_steps(e.backward);
}

}  // namespace tg::nn
