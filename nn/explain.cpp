// explain() is one row builder per group of equations (forward, σ′, the cost's logarithms, C,
// ∇ₐC, BP1, BP2, BP3, BP4), all reading and writing one Context. Each row writes its equation
// twice in parallel, in symbols (formula) and with the numbers (numbers), and computes the value
// in the order the numbers are written. The formulas of the activations and the costs come from
// their tables (nn/activation.hpp, nn/cost.hpp).
#include "nn/explain.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "nn/loss_graph.hpp"

namespace tg::nn {

namespace {

// Neuron indices: "12" (j = 1, k = 2), or "1,12" when one has two digits.
std::string index(std::size_t j, std::size_t k) {
  return j < 10 && k < 10 ? fmt::format("{}{}", j, k) : fmt::format("{},{}", j, k);
}

// What the row builders share: the layers (and the engine's run of them), and the numbers by
// hand so far, z[l][j], a[l][j], σ'[l][j], δ[l][j] (j 0-based; a[first] the stack's input), with
// the output column the cost reads.
struct Context {
  const Cost& cost;
  const CostRow& cost_row;
  const DenseStack& s;  // the fully connected layers, the engine's nodes and C, after backward
  const std::vector<BackwardStep>& backward;
  NumberWriter w;
  std::size_t L;
  const std::vector<std::size_t>& N;
  std::vector<std::vector<double>> z, a, ds, delta;
  OutputColumn out;            // a^L, y, ln a^L, ln(1 − a^L)
  std::vector<double> grad_a;  // ∂C/∂a^L_j, where BP1 goes through it
  std::vector<ExplainRow>& rows;

  double W(std::size_t l, std::size_t j, std::size_t k) const { return s.W[l].value()(j - 1, k - 1); }
  double b(std::size_t l, std::size_t j) const { return s.b[l].value()(j - 1, 0); }
  Activation activation(std::size_t l) const { return s.activation[l]; }
  std::optional<std::size_t> step_of(const Variable& v) const {
    for (const BackwardStep& st : backward)
      if (st.node.same_node(v)) return st.step;
    return std::nullopt;
  }
};

// A row of layer l, neuron j (1-based), holding a worked value.
ExplainRow make_row(ExplainPart part, std::string equation, std::string quantity, Worked worked,
                    std::size_t l, std::size_t j) {
  ExplainRow r;
  r.part = part;
  r.equation = std::move(equation);
  r.quantity = std::move(quantity);
  r.formula = std::move(worked.formula);
  r.numbers = std::move(worked.numbers);
  r.value = worked.value;
  r.layer = l, r.j = j;
  return r;
}

// The engine's value beside a row: read from `node`, and the backward step that produced it.
void set_engine(ExplainRow& r, double value, std::string node,
                std::optional<std::size_t> step = std::nullopt) {
  r.engine = value;
  r.engine_node = std::move(node);
  r.step = step;
}

// The index of the largest z (the first, on a tie), skipping `skip` (0-based; none: z.size()).
std::size_t top_index(const std::vector<double>& z, std::size_t skip) {
  std::size_t t = z.size();
  for (std::size_t k = 0; k < z.size(); ++k)
    if (k != skip && (t == z.size() || z[k] > z[t])) t = k;
  return t;
}

// Σ_k e^{z_k − z_c} over k ≠ skip, written out: the term of k = c is 1. Returns the sum; appends
// the terms in symbols ("exp(z^3_1 − z^3_2) + 1") and in numbers.   (c, skip: 0-based)
double shifted_exp_sum(const NumberWriter& w, std::size_t L, const std::vector<double>& z, std::size_t c,
                       std::size_t skip, std::string& symbols, std::string& numbers) {
  double sum = 0.0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (k == skip) continue;
    const std::string sep = symbols.empty() ? "" : " + ";
    symbols += sep + (k == c ? std::string("1") : fmt::format("exp(z^{}_{} − z^{}_{})", L, k + 1, L, c + 1));
    numbers +=
        sep + (k == c ? std::string("1") : fmt::format("exp({} − {})", w.operand(z[k]), w.operand(z[c])));
    sum += k == c ? 1.0 : std::exp(z[k] - z[c]);
  }
  return sum;
}

// ln σ(u) for u = z, or u = −z (negate: ln σ(−z) = ln(1 − σ(z))), from z as softplus does
// (nn/cost.cpp: ln σ(u) = −softplus(−u)), never ln 0: −ln(1 + e^{−u}) for u > 0, u − ln(1 + e^u) else.
Worked ln_sigmoid(const NumberWriter& w, const std::string& z_symbol, double z, bool negate) {
  const double u = (negate ? -z : z) + 0.0;  // + 0.0: no −0, which would print as "-0"
  const std::string u_symbol = negate ? "−" + z_symbol : z_symbol,
                    minus_u_symbol = negate ? z_symbol : "−" + z_symbol;
  if (u > 0.0)
    return {fmt::format("−ln(1 + exp({}))", minus_u_symbol), fmt::format("-ln(1 + exp({}))", w.num(-u)),
            -std::log(1.0 + std::exp(-u))};
  return {fmt::format("{} − ln(1 + exp({}))", u_symbol, u_symbol),
          fmt::format("{} − ln(1 + exp({}))", w.operand(u), w.num(u)), u - std::log(1.0 + std::exp(u))};
}

// z^l_j = Σ_k w^l_jk a^{l−1}_k + b^l_j
void z_rows(Context& c, std::size_t l) {
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j) {
    Worked v;
    for (std::size_t k = 1; k <= c.N[l - 2]; ++k) {
      v.formula += fmt::format("w^{}_{} a^{}_{} + ", l, index(j, k), l - 1, k);
      v.numbers += fmt::format("{} × {} + ", c.w.operand(c.W(l, j, k)), c.w.operand(c.a[l - 1][k - 1]));
      v.value += product(c.W(l, j, k), c.a[l - 1][k - 1]);
    }
    v.formula += fmt::format("b^{}_{}", l, j);
    v.numbers += c.w.operand(c.b(l, j));
    v.value += c.b(l, j);
    ExplainRow r =
        make_row(ExplainPart::forward, fmt::format("z^{}", l), fmt::format("z^{}_{}", l, j), v, l, j);
    set_engine(r, c.s.z[l].value()(j - 1, 0), fmt::format("z^{}", l));
    c.z[l].push_back(r.value);
    c.rows.push_back(std::move(r));
  }
}

// softmax's a^l_j = e^{z_j − z_t} / Σ_k e^{z_k − z_t}, t the largest z: no e^z overflows.   (j 0-based)
Worked softmax_value(const Context& c, std::size_t l, std::size_t j) {
  const std::vector<double>& z = c.z[l];
  const std::size_t top = top_index(z, z.size());
  std::string symbols, terms;
  const double sum = shifted_exp_sum(c.w, l, z, top, z.size(), symbols, terms);
  if (j == top) return {fmt::format("1 / ({})", symbols), fmt::format("1 / ({})", terms), 1.0 / sum};
  return {fmt::format("exp(z^{}_{} − z^{}_{}) / ({})", l, j + 1, l, top + 1, symbols),
          fmt::format("exp({} − {}) / ({})", c.w.operand(z[j]), c.w.operand(z[top]), terms),
          std::exp(z[j] - z[top]) / sum};
}

// a^l_j = σ(z^l_j), as the activation's row writes it.
void a_rows(Context& c, std::size_t l) {
  const ActivationRow& act = row(c.activation(l));
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j) {
    const double zj = c.z[l][j - 1];
    Worked v;
    if (act.value_text) {
      v = {fmt::format(fmt::runtime(act.value_text), fmt::arg("z", fmt::format("z^{}_{}", l, j))),
           fmt::format(fmt::runtime(act.value_text), fmt::arg("z", c.w.num(zj))), act.f(zj)};
    } else {
      v = softmax_value(c, l, j - 1);
    }
    ExplainRow r =
        make_row(ExplainPart::forward, fmt::format("a^{}", l), fmt::format("a^{}_{}", l, j), v, l, j);
    set_engine(r, c.s.a[l].value()(j - 1, 0), fmt::format("a^{}", l));
    c.a[l].push_back(r.value);
    c.rows.push_back(std::move(r));
  }
}

// σ'(z^l_j) as the activation's row writes it, where BP2 needs it, and BP1 where it goes
// through ∇_a C (a cost without a pairing for this output). A column function has none.
void derivative_rows(Context& c, std::size_t l) {
  const ActivationRow& act = row(c.activation(l));
  c.ds[l].assign(c.N[l - 1], 1.0);
  if (!act.derivative || (l == c.L && pairing(c.cost_row, act.kind))) return;
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j) {
    const double zj = c.z[l][j - 1], aj = c.a[l][j - 1], v = act.derivative(zj, aj);
    const Worked d{fmt::format(fmt::runtime(act.derivative_formula),
                               fmt::arg("a", fmt::format("a^{}_{}", l, j)),
                               fmt::arg("z", fmt::format("z^{}_{}", l, j))),
                   fmt::format(fmt::runtime(act.derivative_numbers), fmt::arg("a", c.w.operand(aj)),
                               fmt::arg("z", c.w.operand(zj)), fmt::arg("v", c.w.num(v))),
                   v};
    c.rows.push_back(
        make_row(ExplainPart::forward, "σ'", fmt::format("{}'(z^{}_{})", act.symbol, l, j), d, l, j));
    c.ds[l][j - 1] = v;
  }
}

// ln a^L_j from z^L as the cost takes it (nn/cost.cpp), never ln 0 where a^L rounds to 0:
//   sigmoid  ln σ(z) as ln_sigmoid writes it
//   softmax  ln a_j = z_j − z_t − ln Σ_k e^{z_k − z_t}, t the largest z
void ln_a_rows(Context& c) {
  const std::vector<double>& z = c.z[c.L];
  const std::size_t n = z.size(), t = top_index(z, n), L = c.L;
  for (std::size_t j = 0; j < n; ++j) {
    const std::string zj = fmt::format("z^{}_{}", L, j + 1);
    Worked v;
    if (c.activation(L) == Activation::sigmoid) {
      v = ln_sigmoid(c.w, zj, z[j], false);
    } else {
      std::string symbols, numbers;
      const double sum = shifted_exp_sum(c.w, L, z, t, n, symbols, numbers);
      v = {fmt::format("{} − z^{}_{} − ln({})", zj, L, t + 1, symbols),
           fmt::format("{} − {} − ln({})", c.w.operand(z[j]), c.w.operand(z[t]), numbers),
           z[j] - z[t] - std::log(sum)};
    }
    c.out.ln_a[j] = v.value;
    c.rows.push_back(make_row(ExplainPart::cost, "ln a", fmt::format("ln a^{}_{}", L, j + 1), v, L, j + 1));
  }
}

// ln(1 − a^L_j) from z^L likewise, never ln 0 where a^L rounds to 1:
//   sigmoid  ln(1 − σ(z)) = ln σ(−z) as ln_sigmoid writes it
//   softmax  ln(1 − a_j) as it is where a_j ≤ ½ (j ≠ t), and at t: 1 − a_t = Σ_{k≠t} a_k
//            = a_s Σ_{k≠t} e^{z_k − z_s}, s the largest z but t.
void ln_1ma_rows(Context& c) {
  const std::vector<double>& z = c.z[c.L];
  const std::size_t n = z.size(), t = top_index(z, n), L = c.L;
  for (std::size_t j = 0; j < n; ++j) {
    Worked v;
    if (c.activation(L) == Activation::sigmoid) {
      v = ln_sigmoid(c.w, fmt::format("z^{}_{}", L, j + 1), z[j], true);
    } else if (j != t) {
      v = {fmt::format("ln(1 − a^{}_{})", L, j + 1), fmt::format("ln(1 − {})", c.w.operand(c.out.a[j])),
           std::log(1.0 - c.out.a[j])};
    } else {
      const std::size_t s2 = top_index(z, t);
      std::string symbols, numbers;
      const double sum = shifted_exp_sum(c.w, L, z, s2, t, symbols, numbers);
      v = {fmt::format("ln a^{}_{} + ln({})", L, s2 + 1, symbols),
           fmt::format("{} + ln({})", c.w.operand(c.out.ln_a[s2]), numbers), c.out.ln_a[s2] + std::log(sum)};
    }
    c.out.ln_1ma[j] = v.value;
    c.rows.push_back(
        make_row(ExplainPart::cost, "ln(1 − a)", fmt::format("ln(1 − a^{}_{})", L, j + 1), v, L, j + 1));
  }
}

// The cost of this one example as the cost's row writes it, factor × Σ_j term_j, with the
// logarithms of the ln rows; plus ½ κ Σ_l ‖W^l‖² under L2 (κ = λ/n or λ).
void cost_value_row(Context& c) {
  const CostRow& cr = c.cost_row;
  const OutputColumn& o = c.out;
  std::string symbols, numbers;
  double v = 0.0;
  for (std::size_t j = 0; j < o.a.size(); ++j) {
    const double ln_a = cr.ln_a ? o.ln_a[j] : 0.0, ln_1ma = cr.ln_1ma ? o.ln_1ma[j] : 0.0;
    const std::string sep = j == 0 ? "" : " + ";
    symbols +=
        sep + fmt::format(fmt::runtime(cr.term_formula), fmt::arg("a", fmt::format("a^{}_{}", c.L, j + 1)),
                          fmt::arg("y", fmt::format("y_{}", j + 1)), fmt::arg("ln_a", ""),
                          fmt::arg("ln_1ma", ""));
    numbers += sep + fmt::format(fmt::runtime(cr.term_numbers), fmt::arg("a", c.w.operand(o.a[j])),
                                 fmt::arg("y", c.w.operand(o.y[j])), fmt::arg("ln_a", c.w.operand(ln_a)),
                                 fmt::arg("ln_1ma", c.w.operand(ln_1ma)));
    v = cr.add_term(v, o.a[j], o.y[j], ln_a, ln_1ma);
  }
  Worked C{fmt::format(fmt::runtime(cr.sum_formula), symbols),
           fmt::format(fmt::runtime(cr.sum_numbers), numbers), cr.factor * v};
  if (const double kappa = l2_coefficient(c.cost, 1); kappa != 0.0) {
    double squares = 0.0;
    for (const Variable& W : c.s.weights)
      for (const double wjk : W.value()) squares += wjk * wjk;
    C.formula += " + ½ κ Σ_l ‖W^l‖²";
    C.numbers += fmt::format(" + 0.5 × {} × {}", c.w.operand(kappa), c.w.operand(squares));
    C.value += 0.5 * kappa * squares;
  }
  ExplainRow r = make_row(ExplainPart::cost, "C", "C", C, c.L, 0);
  set_engine(r, c.s.C.item(), "C", c.step_of(c.s.C));
  c.rows.push_back(std::move(r));
}

// ∂C/∂a^L_j as the cost's row writes it, where BP1 goes through it (no pairing for this output).
void grad_a_rows(Context& c) {
  const CostRow& cr = c.cost_row;
  const Variable& aL = c.s.a[c.L];
  for (std::size_t j = 1; j <= c.N[c.L - 1]; ++j) {
    const double aj = c.out.a[j - 1], yj = c.out.y[j - 1];
    const Worked v{fmt::format(fmt::runtime(cr.grad_a_formula), fmt::arg("a", fmt::format("a^{}_{}", c.L, j)),
                               fmt::arg("y", fmt::format("y_{}", j))),
                   fmt::format(fmt::runtime(cr.grad_a_numbers), fmt::arg("a", c.w.operand(aj)),
                               fmt::arg("y", c.w.operand(yj))),
                   cr.grad_a(aj, yj)};
    ExplainRow r = make_row(ExplainPart::backward, "∇_a C", fmt::format("∂C/∂a^{}_{}", c.L, j), v, c.L, j);
    if (aL.has_grad()) set_engine(r, aL.grad()(j - 1, 0), fmt::format("grad of a^{}", c.L), c.step_of(aL));
    c.grad_a[j - 1] = r.value;
    c.rows.push_back(std::move(r));
  }
}

// A δ^l_j row, beside the gradient the engine's z^l received.
void add_delta_row(Context& c, std::size_t l, std::size_t j, Worked v) {
  ExplainRow r =
      make_row(ExplainPart::backward, l == c.L ? "BP1" : "BP2", fmt::format("δ^{}_{}", l, j), v, l, j);
  const Variable& z = c.s.z[l];
  set_engine(r, z.grad()(j - 1, 0), fmt::format("grad of z^{}", l), c.step_of(z));
  c.delta[l][j - 1] = r.value;
  c.rows.push_back(std::move(r));
}

// (BP1) softmax output through ∇_a C: δ_j = a_j (∂C/∂a_j − Σ_k a_k ∂C/∂a_k).   (j 1-based)
Worked softmax_bp1(const Context& c, std::size_t j) {
  const std::vector<double>& a = c.out.a;
  std::string symbols, numbers;
  double s = 0.0;
  for (std::size_t k = 1; k <= a.size(); ++k) {
    symbols += fmt::format("{}a^{}_{} ∂C/∂a^{}_{}", k == 1 ? "" : " + ", c.L, k, c.L, k);
    numbers +=
        fmt::format("{}{} × {}", k == 1 ? "" : " + ", c.w.operand(a[k - 1]), c.w.operand(c.grad_a[k - 1]));
    s = std::fma(a[k - 1], c.grad_a[k - 1], s);  // each term added with one rounding
  }
  return {fmt::format("a^{}_{} (∂C/∂a^{}_{} − ({}))", c.L, j, c.L, j, symbols),
          fmt::format("{} × ({} − ({}))", c.w.operand(a[j - 1]), c.w.operand(c.grad_a[j - 1]), numbers),
          a[j - 1] * (c.grad_a[j - 1] - s)};
}

// (BP1) δ^L_j: the cost's derivative multiplied out with the output's where the cost pairs with
// it (nn/cost.cpp), else ∂C/∂a^L_j · σ'(z^L_j), or softmax's Jacobian product.
void bp1_rows(Context& c) {
  const std::size_t L = c.L;
  const ActivationRow& out = row(c.activation(L));
  const CostPairing* p = pairing(c.cost_row, out.kind);
  c.delta[L].resize(c.N[L - 1]);
  for (std::size_t j = 1; j <= c.N[L - 1]; ++j) {
    if (p) add_delta_row(c, L, j, p->explain_delta(c.out, j - 1));
    else if (!out.derivative) add_delta_row(c, L, j, softmax_bp1(c, j));
    else
      add_delta_row(c, L, j,
                    {fmt::format("∂C/∂a^{}_{} · {}'(z^{}_{})", L, j, out.symbol, L, j),
                     fmt::format("{} × {}", c.w.operand(c.grad_a[j - 1]), c.w.operand(c.ds[L][j - 1])),
                     c.grad_a[j - 1] * c.ds[L][j - 1]});
  }
}

// (BP2) δ^l_j = (Σ_k w^{l+1}_kj δ^{l+1}_k) · σ'(z^l_j)
void bp2_rows(Context& c, std::size_t l) {
  c.delta[l].resize(c.N[l - 1]);
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j) {
    std::string symbols, numbers;
    double s = 0.0;
    for (std::size_t k = 1; k <= c.N[l]; ++k) {
      symbols += fmt::format("{}w^{}_{} δ^{}_{}", k == 1 ? "" : " + ", l + 1, index(k, j), l + 1, k);
      numbers += fmt::format("{}{} × {}", k == 1 ? "" : " + ", c.w.operand(c.W(l + 1, k, j)),
                             c.w.operand(c.delta[l + 1][k - 1]));
      s += product(c.W(l + 1, k, j), c.delta[l + 1][k - 1]);
    }
    if (l == c.s.first)  // the layer below the stack has no σ (flatten): δ = ∂C/∂a
      add_delta_row(c, l, j, {symbols, numbers, s});
    else
      add_delta_row(c, l, j,
                    {fmt::format("({}) · {}'(z^{}_{})", symbols, row(c.activation(l)).symbol, l, j),
                     fmt::format("({}) × {}", numbers, c.w.operand(c.ds[l][j - 1])), s * c.ds[l][j - 1]});
  }
}

// (BP3) ∂C/∂b^l_j = δ^l_j
void bp3_rows(Context& c, std::size_t l) {
  const Variable& b = c.s.b[l];
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j) {
    const double d = c.delta[l][j - 1];
    ExplainRow r = make_row(ExplainPart::backward, "BP3", fmt::format("∂C/∂b^{}_{}", l, j),
                            {fmt::format("δ^{}_{}", l, j), c.w.num(d), d}, l, j);
    set_engine(r, b.grad()(j - 1, 0), fmt::format("grad of b^{}", l), c.step_of(b));
    c.rows.push_back(std::move(r));
  }
}

// (BP4) ∂C/∂w^l_jk = a^{l−1}_k δ^l_j, and under L2 + κ w^l_jk (κ = λ/n or λ)
void bp4_rows(Context& c, std::size_t l) {
  const Variable& W = c.s.W[l];
  const double kappa = l2_coefficient(c.cost, 1);
  for (std::size_t j = 1; j <= c.N[l - 1]; ++j)
    for (std::size_t k = 1; k <= c.N[l - 2]; ++k) {
      const double ak = c.a[l - 1][k - 1], d = c.delta[l][j - 1];
      Worked v{fmt::format("a^{}_{} δ^{}_{}", l - 1, k, l, j),
               fmt::format("{} × {}", c.w.operand(ak), c.w.operand(d)), ak * d};
      if (kappa != 0.0) {
        v.formula += fmt::format(" + κ w^{}_{}", l, index(j, k));
        v.numbers += fmt::format(" + {} × {}", c.w.operand(kappa), c.w.operand(c.W(l, j, k)));
        v.value = std::fma(kappa, c.W(l, j, k), v.value);  // κ w added with one rounding
      }
      ExplainRow r =
          make_row(ExplainPart::backward, "BP4", fmt::format("∂C/∂w^{}_{}", l, index(j, k)), v, l, j);
      r.k = k;
      set_engine(r, W.grad()(j - 1, k - 1), fmt::format("grad of W^{}", l), c.step_of(W));
      c.rows.push_back(std::move(r));
    }
}

// explain's arguments: digits, the widths, one example x and y of the network's sizes.
void check_arguments(const Mlp& net, const Tensor& x, const Tensor& y, const ExplainOptions& opt) {
  if (opt.digits < 1 || opt.digits > 17)
    throw std::invalid_argument(fmt::format("explain: digits must be 1..17, got {}", opt.digits));
  const std::size_t L = net.num_layers();
  const std::vector<std::size_t>& N = net.sizes();
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
}

}  // namespace

std::vector<double> explain_dense(const DenseStack& s, const Cost& cost, const std::vector<double>& a_first,
                                  const Tensor& y, const std::vector<BackwardStep>& backward, int digits,
                                  std::vector<ExplainRow>& rows) {
  const std::size_t L = s.N.size(), first = s.first;
  Context c{cost,
            row(cost.kind),
            s,
            backward,
            NumberWriter(digits),
            L,
            s.N,
            {},
            {},
            {},
            {},
            OutputColumn{NumberWriter(digits), L, {}, {}, {}, {}},
            {},
            rows};
  c.z.resize(L + 1), c.a.resize(L + 1), c.ds.resize(L + 1), c.delta.resize(L + 1);
  c.a[first] = a_first;

  for (std::size_t l = first + 1; l <= L; ++l) {  // forward
    z_rows(c, l);
    a_rows(c, l);
    derivative_rows(c, l);
  }
  c.out.a = c.a[L];  // the cost of this one example, after the logarithms it takes
  for (std::size_t j = 0; j < c.N[L - 1]; ++j) c.out.y.push_back(y(j, 0));
  c.out.ln_a.assign(c.N[L - 1], 0.0), c.out.ln_1ma.assign(c.N[L - 1], 0.0);
  if (c.cost_row.ln_a) ln_a_rows(c);
  if (c.cost_row.ln_1ma) ln_1ma_rows(c);
  cost_value_row(c);

  c.grad_a.assign(c.N[L - 1], 0.0);  // backward: BP1 (through ∇_a C where the cost has no pairing), BP2
  if (!pairing(c.cost_row, row(c.activation(L)).kind)) grad_a_rows(c);
  for (std::size_t l = L; l > first; --l) {
    if (l == L) bp1_rows(c);
    else bp2_rows(c, l);
    bp3_rows(c, l);
    bp4_rows(c, l);
  }
  if (first == 1) return {};
  c.ds[first].assign(c.N[first - 1], 1.0);  // the stack's input, a layer without σ: ∂C/∂a = δ
  bp2_rows(c, first);
  return c.delta[first];
}

Explanation explain(const Mlp& original, const Cost& cost, const Tensor& x, const Tensor& y,
                    const ExplainOptions& opt) {
  check_arguments(original, x, y, opt);
  // The engine: forward, C, backward, with z^l and a^l keeping their gradients.
  const NamedRun<Mlp> run = named_run(original, cost, x, y);
  Explanation e;
  {
    backward_trace trace;
    run.C.backward(filled(run.C.shape(), 1.0));
    e.backward = trace.steps();
  }
  const std::size_t L = original.num_layers();
  DenseStack s{1, original.sizes(), {}, {}, {}, run.trace.z, run.trace.a, run.C, {}};
  s.W.resize(L + 1), s.b.resize(L + 1), s.activation.resize(L + 1);
  for (std::size_t l = 2; l <= L; ++l) {
    s.W[l] = run.net.layer(l).W, s.b[l] = run.net.layer(l).b, s.activation[l] = run.net.activation(l);
    s.weights.push_back(run.net.layer(l).W);
  }
  std::vector<double> x1;
  for (std::size_t k = 0; k < x.shape()[0]; ++k) x1.push_back(x(k, 0));
  explain_dense(s, cost, x1, y, e.backward, opt.digits, e.rows);
  return e;
}

namespace {

// Columns on a terminal: UTF-8 code points (every character used here is one column wide).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string explain_line(const ExplainRow& r, int digits, std::size_t tag) {
  const NumberWriter w(digits);
  const bool tagged = r.part == ExplainPart::backward;
  std::string text =
      fmt::format("{}{} = {}",
                  tagged ? fmt::format("{:<{}}", r.equation.rfind("BP", 0) == 0 ? r.equation : "", tag) : "",
                  r.quantity, r.formula);
  if (r.numbers != r.formula && r.numbers != w.num(r.value) && r.numbers != w.operand(r.value))
    text += " = " + r.numbers;
  if (r.formula != w.num(r.value)) text += " = " + w.num(r.value);
  if (!r.note.empty()) text += "   (" + r.note + ")";
  return text;
}

std::string engine_value_str(double engine, int digits) { return fmt::format("{:.{}g}", engine, digits + 4); }

namespace {

// The heading before row r: its own, or its part's where the part changes (an Mlp's rows).
std::string heading(const ExplainRow& r, const ExplainRow* before) {
  if (!r.heading.empty()) return r.heading + "\n";
  if (before && before->part == r.part) return "";
  return r.part == ExplainPart::forward
             ? "forward: z^l_j = Σ_k w^l_jk a^(l−1)_k + b^l_j, a^l_j = σ(z^l_j), a^1 = x\n"
         : r.part == ExplainPart::cost
             ? "cost of this one example:\n"
             : "backward: (BP1) δ^L = ∇_a C ⊙ σ'(z^L)   (BP2) δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)\n"
               "          (BP3) ∂C/∂b^l_j = δ^l_j        (BP4) ∂C/∂w^l_jk = a^(l−1)_k δ^l_j\n";
}

}  // namespace

std::string format_explanation(const Explanation& e, int digits) {
  std::size_t tag = 5;  // "BP1  ", or the longest tag and a space ("BP3-conv ")
  for (const ExplainRow& r : e.rows)
    if (r.part == ExplainPart::backward && r.equation.rfind("BP", 0) == 0)
      tag = std::max(tag, width(r.equation) + 1);
  const auto equation = [&](const ExplainRow& r) { return explain_line(r, digits, tag); };
  std::size_t column = 0;
  for (const ExplainRow& r : e.rows)
    if (const std::size_t n = width(equation(r)); n <= 100) column = std::max(column, n);

  std::string text;
  for (std::size_t i = 0; i < e.rows.size(); ++i) {
    const ExplainRow& r = e.rows[i];
    if (const std::string h = heading(r, i == 0 ? nullptr : &e.rows[i - 1]); !h.empty())
      text += (i == 0 ? "" : "\n") + h;
    const std::string eq = equation(r);
    text += "  " + eq;
    if (r.engine) {
      text += std::string(column > width(eq) ? column - width(eq) : 0, ' ');
      text += fmt::format("   autodiff {:>{}}  diff {:8.1e}", engine_value_str(*r.engine, digits), digits + 8,
                          r.value - *r.engine);
      if (r.step) text += fmt::format("  step {} ({})", *r.step, r.engine_node);
    }
    text += "\n";
  }
  text +=
      "\nthe engine's backward pass, in the order it processed the nodes (each after all its consumers):\n";
  return text + format_steps(e.backward);
}

}  // namespace tg::nn
