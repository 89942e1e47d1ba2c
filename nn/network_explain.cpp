// explain for a network of layers: the image layers' rows here (forward from the input up, then
// backward from the flatten layer down), the fully connected layers' from nn/explain.cpp's row
// builders (explain_dense). Each row's value is computed from the terms it prints; the δ and
// ∂C/∂a tensors the rows build for every position (shown or not) feed the layer below.
#include "nn/network_explain.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nn/conv_index.hpp"
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network_backprop.hpp"
#include "nn/pool_layer.hpp"
#include "nn/worked.hpp"

namespace tg::nn {

namespace {

// The engine's copy of the network run on one example and backward, its nodes named (x, a^1,
// w^l, b^l, z^l, a^l, C), a^1, z^l and a^l keeping their gradients.
struct EngineRun {
  Network net;
  Network::Trace trace;
  Variable C;
  std::vector<BackwardStep> steps;
};

EngineRun engine_run(const Network& original, const Cost& cost, const Tensor& x, const Tensor& y) {
  EngineRun r{original.copy(), {}, {}, {}};
  Variable X(x, true);  // requires grad: BP2 goes down to the input too
  X.set_name("x");
  r.trace = r.net.forward_trace(X);
  r.trace.a[1].retain_grad();
  if (!r.trace.a[1].same_node(X)) r.trace.a[1].set_name("a^1");
  for (std::size_t l = 2; l <= r.net.num_layers(); ++l) {
    for (const Parameter& p : r.net.layer(l).parameters())
      Variable(p.value).set_name(fmt::format("{}^{}", p.name, l));
    Network::Trace& t = r.trace;
    t.a[l].retain_grad().set_name(fmt::format("a^{}", l));
    t.z[l].retain_grad().set_name(t.z[l].same_node(t.a[l]) ? fmt::format("z^{} = a^{}", l, l)
                                                           : fmt::format("z^{}", l));
  }
  r.C = nn::cost(cost, r.net, r.trace, y);
  r.C.set_name("C");
  backward_trace order;
  r.C.backward(filled(r.C.shape(), 1.0));
  r.steps = order.steps();
  return r;
}

// One term of a written-out sum: left × right, or left alone.
struct Term {
  std::string symbols;
  double left;
  std::optional<double> right;
};

// Σ of the terms written out, at most `shown` of them, the others added up as one number
// ("+ (Σ of the other 660 terms)"). With skip_zero the terms whose left factor is 0 (δ of a
// position that got none) are left out and counted ("(and 12 terms with δ = 0)"). The value is
// the sum in the order the numbers are written.
Worked written_sum(const NumberWriter& w, const std::vector<Term>& all, std::size_t shown,
                   bool skip_zero = false) {
  std::vector<Term> terms;
  for (const Term& t : all)
    if (!skip_zero || t.left != 0.0) terms.push_back(t);
  Worked v;
  double rest = 0.0;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const Term& term = terms[t];
    const double value = term.right ? product(term.left, *term.right) : term.left;
    if (t >= shown) {
      rest += value;
      continue;
    }
    const std::string sep = t == 0 ? "" : " + ";
    v.formula += sep + term.symbols;
    v.numbers += sep + w.operand(term.left) + (term.right ? " × " + w.operand(*term.right) : "");
    v.value += value;
  }
  if (terms.size() > shown) {
    const std::size_t n = terms.size() - shown;
    v.formula += n == 1 ? " + (one more term)" : fmt::format(" + (Σ of the other {} terms)", n);
    v.numbers += " + " + w.operand(rest);
    v.value += rest;
  }
  if (terms.empty()) v = {"0", "0", 0.0};
  if (terms.size() < all.size())
    v.formula += fmt::format(" (and {} term{} with δ = 0)", all.size() - terms.size(),
                             all.size() - terms.size() == 1 ? "" : "s");
  return v;
}

// Positions in images: a^l[c,y,x] of a (C, H, W) map stack, flat index (c·H + y)·W + x.
struct Image {
  std::size_t C, H, W;
  explicit Image(const Shape& s) : C(s[0]), H(s[1]), W(s[2]) {}
  std::size_t at(std::size_t c, std::size_t y, std::size_t x) const { return (c * H + y) * W + x; }
  // Where kernel element (u, v) at output position (i, j) reads this input, stride s, padding p:
  // (i·s + u − p, j·s + v − p), or nothing when that is in the zero padding (nn/conv_index.hpp).
  std::optional<std::pair<std::size_t, std::size_t>> read_at(std::size_t i, std::size_t j, std::size_t u,
                                                             std::size_t v, std::size_t s,
                                                             std::size_t p) const {
    const auto y = conv_input_at(i, u, s, p, H), x = conv_input_at(j, v, s, p, W);
    if (!y || !x) return std::nullopt;
    return std::pair{*y, *x};
  }
};

std::string pixel(const char* what, std::size_t l, std::size_t c, std::size_t y, std::size_t x) {
  return fmt::format("{}^{}[{},{},{}]", what, l, c, y, x);
}

// "i+u", "2i+u−1": where kernel or window element u of output position i reads its input.
std::string reads(char i, char u, std::size_t s, std::size_t p) {
  std::string t = s == 1 ? fmt::format("{}+{}", i, u) : fmt::format("{}{}+{}", s, i, u);
  return p == 0 ? t : fmt::format("{}−{}", t, p);
}

struct Context {
  const EngineRun& run;
  const NetworkBackprop& hand;  // z^l, a^l by the hand-written forward pass (nn/network_backprop)
  const NetworkExplainOptions& opt;
  NumberWriter w;
  std::vector<Tensor> grad_a, delta;  // ∂C/∂a^l and δ^l, (C, H, W) per layer, by the rows
  std::vector<ExplainRow>& rows;

  std::optional<std::size_t> step_of(const Variable& v) const {
    for (const BackwardStep& s : run.steps)
      if (s.node.same_node(v)) return s.step;
    return std::nullopt;
  }
  // The maps the rows show: opt.map, or all.
  std::vector<std::size_t> maps(std::size_t count) const {
    if (opt.map) return {*opt.map};
    std::vector<std::size_t> all(count);
    for (std::size_t f = 0; f < count; ++f) all[f] = f;
    return all;
  }
  // Adds a row whose engine value is node's value (forward) or gradient (backward) at `flat`.
  ExplainRow& add(ExplainPart part, std::string equation, std::string quantity, Worked v, std::size_t l,
                  std::size_t flat, const Variable& node, const std::string& node_name) {
    ExplainRow r;
    r.part = part, r.equation = std::move(equation), r.quantity = std::move(quantity);
    r.formula = std::move(v.formula), r.numbers = std::move(v.numbers), r.value = v.value;
    r.layer = l, r.j = flat + 1;
    if (part == ExplainPart::forward) {
      r.engine = node.value().data()[flat], r.engine_node = node_name;
    } else if (node.has_grad()) {
      r.engine = node.grad().data()[flat];
      r.engine_node = "grad of " + node_name, r.step = step_of(node);
    }
    rows.push_back(std::move(r));
    return rows.back();
  }
};

double hand_at(const Tensor& t, std::size_t flat) { return t.data()[flat]; }

// The heading of a layer's first row: "layer 2, conv 1 kernel 2×2, ...: equation".
void head(Context& c, std::size_t from, std::string heading) {
  if (from < c.rows.size()) c.rows[from].heading = std::move(heading);
}

std::string shown_str(const Context& c, std::size_t positions) {
  return positions > c.opt.positions
             ? fmt::format(" (rows for the first {} of {} positions)", c.opt.positions, positions)
             : "";
}

// z^l[f,i,j] = b^l_f + Σ_{c,u,v} w^l[f,c,u,v] a^{l−1}[c,i·s+u−p,j·s+v−p] (the terms inside the
// image), and a^l = σ(z^l) as the activation's row writes it.
void conv_forward_rows(Context& c, std::size_t l, const Conv& conv) {
  const Image in(conv.input_shape()), out(conv.output_shape());
  const Tensor &w = conv.w().value(), &b = conv.b().value(), &a = c.hand.a[l - 1];
  const std::size_t K = w.shape()[2], K2 = w.shape()[3], s = conv.stride(), p = conv.padding();
  const ActivationRow& act = row(conv.activation());
  const std::size_t from = c.rows.size();
  for (const std::size_t f : c.maps(out.C))
    for (std::size_t n = 0; n < std::min(c.opt.positions, out.H * out.W); ++n) {
      const std::size_t i = n / out.W, j = n % out.W, at = out.at(f, i, j);
      std::vector<Term> terms{{fmt::format("b^{}_{}", l, f), b.data()[f], std::nullopt}};
      for (std::size_t ch = 0; ch < in.C; ++ch)
        for (std::size_t u = 0; u < K; ++u)
          for (std::size_t v = 0; v < K2; ++v) {
            const auto read = in.read_at(i, j, u, v, s, p);
            if (!read) continue;  // the zero padding
            const auto [y, x] = *read;
            terms.push_back({fmt::format("w^{}[{},{},{},{}] {}", l, f, ch, u, v, pixel("a", l - 1, ch, y, x)),
                             w.data()[((f * in.C + ch) * K + u) * K2 + v], a.data()[in.at(ch, y, x)]});
          }
      c.add(ExplainPart::forward, fmt::format("z^{}", l), pixel("z", l, f, i, j),
            written_sum(c.w, terms, c.opt.positions), l, at, c.run.trace.z[l], fmt::format("z^{}", l));
      if (conv.activation() == Activation::identity) continue;
      const double z = hand_at(c.hand.z[l], at);
      c.add(ExplainPart::forward, fmt::format("a^{}", l), pixel("a", l, f, i, j),
            {fmt::format(fmt::runtime(act.value_text), fmt::arg("z", pixel("z", l, f, i, j))),
             fmt::format(fmt::runtime(act.value_text), fmt::arg("z", c.w.num(z))), act.f(z)},
            l, at, c.run.trace.a[l], fmt::format("a^{}", l));
    }
  head(
      c, from,
      fmt::format(
          "layer {}, {}:\n  z^{}[f,i,j] = b^{}_f + Σ_{{c,u,v}} w^{}[f,c,u,v] a^{}[c,{},{}], a^{} = {}(z^{}){}",
          l, conv.describe(), l, l, l, l - 1, reads('i', 'u', s, p), reads('j', 'v', s, p), l, act.symbol, l,
          shown_str(c, out.H * out.W)));
}

// The flat positions in a^{l−1} of window (c, i, j), row-major.
std::vector<std::size_t> window(const Image& in, const PoolGeometry& g, std::size_t ch, std::size_t i,
                                std::size_t j) {
  std::vector<std::size_t> at;
  for (std::size_t u = 0; u < g.kernel; ++u)
    for (std::size_t v = 0; v < g.kernel; ++v) at.push_back(in.at(ch, i * g.stride + u, j * g.stride + v));
  return at;
}

std::string pixel_at(const char* what, std::size_t l, const Image& im, std::size_t flat) {
  return pixel(what, l, flat / (im.H * im.W), flat / im.W % im.H, flat % im.W);
}

// a^l[c,i,j] = max(window) or (Σ window) / k².
void pool_forward_rows(Context& c, std::size_t l, const Pooling& pool) {
  const Image in(pool.input_shape()), out(pool.output_shape());
  const PoolGeometry& g = pool.geometry();
  const Tensor& a = c.hand.a[l - 1];
  const std::size_t from = c.rows.size();
  for (const std::size_t ch : c.maps(out.C))
    for (std::size_t n = 0; n < std::min(c.opt.positions, out.H * out.W); ++n) {
      const std::size_t i = n / out.W, j = n % out.W;
      std::vector<std::string> symbols, numbers;
      double value = 0.0;
      const std::vector<std::size_t> at = window(in, g, ch, i, j);
      for (const std::size_t o : at) {
        symbols.push_back(pixel_at("a", l - 1, in, o)), numbers.push_back(c.w.num(a.data()[o]));
        value = pool.pool() == Pool::max ? (o == at[0] ? a.data()[o] : std::max(value, a.data()[o]))
                                         : value + a.data()[o];
      }
      Worked v = pool.pool() == Pool::max
                     ? Worked{fmt::format("max({})", fmt::join(symbols, ", ")),
                              fmt::format("max({})", fmt::join(numbers, ", ")), value}
                     : Worked{fmt::format("({}) / {}", fmt::join(symbols, " + "), at.size()),
                              fmt::format("({}) / {}", fmt::join(numbers, " + "), at.size()),
                              value / double(at.size())};
      c.add(ExplainPart::forward, fmt::format("a^{}", l), pixel("a", l, ch, i, j), v, l, out.at(ch, i, j),
            c.run.trace.a[l], fmt::format("a^{}", l));
    }
  head(c, from, fmt::format("layer {}, {}:{}", l, pool.describe(), shown_str(c, out.H * out.W)));
}

// a^l_k = a^{l−1}[c,y,x], k = c·H·W + y·W + x + 1.
void flatten_forward_rows(Context& c, std::size_t l, const Flatten& flatten) {
  const Image in(flatten.input_shape());
  const std::size_t from = c.rows.size();
  for (std::size_t k = 0; k < in.C * in.H * in.W; ++k) {
    const double v = hand_at(c.hand.a[l - 1], k);
    c.add(ExplainPart::forward, fmt::format("a^{}", l), fmt::format("a^{}_{}", l, k + 1),
          {pixel_at("a", l - 1, in, k), c.w.num(v), v}, l, k, c.run.trace.a[l], fmt::format("a^{}", l));
  }
  head(c, from, fmt::format("layer {}, {}: the maps in one column, row by row", l, flatten.describe()));
}

// Back through flatten: ∂C/∂a^{l−1}[c,y,x] = δ^l_k, δ^l from the fully connected layer above.
void flatten_backward_rows(Context& c, std::size_t l, const Flatten& flatten,
                           const std::vector<double>& delta) {
  const Image in(flatten.input_shape());
  c.grad_a[l - 1] = filled({in.C, in.H, in.W}, 0.0);
  const std::size_t from = c.rows.size();
  for (std::size_t k = 0; k < delta.size(); ++k) {
    c.grad_a[l - 1].data()[k] = delta[k];
    c.add(ExplainPart::backward, "flatten", "∂C/∂" + pixel_at("a", l - 1, in, k),
          {fmt::format("δ^{}_{}", l, k + 1), c.w.num(delta[k]), delta[k]}, l, k, c.run.trace.a[l - 1],
          fmt::format("a^{}", l - 1));
  }
  head(c, from, fmt::format("layer {}, flatten, back: δ^{} in the maps' layout", l, l));
}

// (BP2) δ^l[f,i,j] = ∂C/∂a^l[f,i,j] · σ'(z^l[f,i,j]), σ' as the activation's row writes it.
void conv_delta_rows(Context& c, std::size_t l, const Conv& conv) {
  const Image out(conv.output_shape());
  const ActivationRow& act = row(conv.activation());
  const Tensor &g = c.grad_a[l], &z = c.hand.z[l], &a = c.hand.a[l];
  c.delta[l] = g;
  if (conv.activation() == Activation::identity) return;  // δ = ∂C/∂a
  const std::vector<std::size_t> shown = c.maps(out.C);
  const std::size_t from = c.rows.size();
  for (std::size_t f = 0; f < out.C; ++f)
    for (std::size_t n = 0; n < out.H * out.W; ++n) {
      const std::size_t at = f * out.H * out.W + n;
      const double ds = act.derivative(z.data()[at], a.data()[at]);
      std::string d =
          fmt::format(fmt::runtime(act.derivative_numbers), fmt::arg("a", c.w.operand(a.data()[at])),
                      fmt::arg("z", c.w.operand(z.data()[at])), fmt::arg("v", c.w.num(ds)));
      if (d != c.w.num(ds)) d = "(" + d + ")";
      const Worked v{fmt::format("∂C/∂{} · {}'({})", pixel_at("a", l, out, at), act.symbol,
                                 pixel_at("z", l, out, at)),
                     fmt::format("{} × {}", c.w.operand(g.data()[at]), d), product(g.data()[at], ds)};
      c.delta[l].data()[at] = v.value;
      if (n < c.opt.positions && std::find(shown.begin(), shown.end(), f) != shown.end())
        c.add(ExplainPart::backward, "BP2", pixel_at("δ", l, out, at), v, l, at, c.run.trace.z[l],
              fmt::format("z^{}", l));
    }
  head(c, from, fmt::format("layer {}, {}, back:{}", l, conv.describe(), shown_str(c, out.H * out.W)));
}

// (BP3-conv) ∂C/∂b^l_f = Σ_{i,j} δ^l[f,i,j], and (BP4-conv) ∂C/∂w^l[f,c,u,v] = Σ_{i,j} δ^l[f,i,j]
// a^{l−1}[c,i·s+u−p,j·s+v−p] (+ κ w under L2) for the first `positions` weights of each map.
void conv_parameter_rows(Context& c, std::size_t l, const Conv& conv, double kappa) {
  const Image in(conv.input_shape()), out(conv.output_shape());
  const Tensor &w = conv.w().value(), &a = c.hand.a[l - 1], &d = c.delta[l];
  const std::size_t K = w.shape()[2], K2 = w.shape()[3], s = conv.stride(), p = conv.padding();
  for (const std::size_t f : c.maps(out.C)) {
    std::vector<Term> deltas;
    for (std::size_t n = 0; n < out.H * out.W; ++n)
      deltas.push_back(
          Term{pixel_at("δ", l, out, f * out.H * out.W + n), d.data()[f * out.H * out.W + n], std::nullopt});
    c.add(ExplainPart::backward, "BP3-conv", fmt::format("∂C/∂b^{}_{}", l, f),
          written_sum(c.w, deltas, c.opt.positions, true), l, f, conv.b(), fmt::format("b^{}", l));
    for (std::size_t k = 0; k < std::min(c.opt.positions, in.C * K * K2); ++k) {
      const std::size_t ch = k / (K * K2), u = k / K2 % K, v = k % K2, at = f * in.C * K * K2 + k;
      std::vector<Term> terms;
      for (std::size_t i = 0; i < out.H; ++i)
        for (std::size_t j = 0; j < out.W; ++j) {
          const auto read = in.read_at(i, j, u, v, s, p);
          if (!read) continue;  // the zero padding
          const auto [y, x] = *read;
          terms.push_back({fmt::format("{} {}", pixel("δ", l, f, i, j), pixel("a", l - 1, ch, y, x)),
                           d.data()[out.at(f, i, j)], a.data()[in.at(ch, y, x)]});
        }
      Worked sum = written_sum(c.w, terms, c.opt.positions, true);
      if (kappa != 0.0) {
        sum.formula += fmt::format(" + κ w^{}[{},{},{},{}]", l, f, ch, u, v);
        sum.numbers += fmt::format(" + {} × {}", c.w.operand(kappa), c.w.operand(w.data()[at]));
        sum.value = std::fma(kappa, w.data()[at], sum.value);
      }
      c.add(ExplainPart::backward, "BP4-conv", fmt::format("∂C/∂w^{}[{},{},{},{}]", l, f, ch, u, v), sum, l,
            at, conv.w(), fmt::format("w^{}", l));
    }
  }
}

// (BP2-conv) ∂C/∂a^{l−1}[c,y,x] = Σ_{f,u,v} δ^l[f,i,j] w^l[f,c,u,v] over i·s+u−p = y, j·s+v−p = x,
// for every position (the layer below needs them all), in rows at (y, x).
void conv_input_rows(Context& c, std::size_t l, const Conv& conv, std::size_t y0, std::size_t x0) {
  const Image in(conv.input_shape()), out(conv.output_shape());
  const Tensor &w = conv.w().value(), &d = c.delta[l];
  const std::size_t K = w.shape()[2], K2 = w.shape()[3], s = conv.stride(), p = conv.padding();
  c.grad_a[l - 1] = filled({in.C, in.H, in.W}, 0.0);
  const std::size_t from = c.rows.size();
  for (std::size_t ch = 0; ch < in.C; ++ch)
    for (std::size_t y = 0; y < in.H; ++y)
      for (std::size_t x = 0; x < in.W; ++x) {
        std::vector<Term> terms;
        for (std::size_t f = 0; f < out.C; ++f)
          for (std::size_t u = 0; u < K; ++u)
            for (std::size_t v = 0; v < K2; ++v) {
              const auto at_i = conv_output_at(y, u, s, p, out.H), at_j = conv_output_at(x, v, s, p, out.W);
              if (!at_i || !at_j) continue;  // no output position reads (y, x) through (u, v)
              const std::size_t i = *at_i, j = *at_j;
              terms.push_back({fmt::format("{} w^{}[{},{},{},{}]", pixel("δ", l, f, i, j), l, f, ch, u, v),
                               d.data()[out.at(f, i, j)], w.data()[((f * in.C + ch) * K + u) * K2 + v]});
            }
        Worked v = written_sum(c.w, terms, c.opt.positions, true);
        c.grad_a[l - 1].data()[in.at(ch, y, x)] = v.value;
        if (y == y0 && x == x0 && ch < c.opt.positions)
          c.add(ExplainPart::backward, "BP2-conv", "∂C/∂" + pixel("a", l - 1, ch, y, x), v, l,
                in.at(ch, y, x), c.run.trace.a[l - 1], fmt::format("a^{}", l - 1));
      }
  head(c, from,
       fmt::format("layer {}, ∂C/∂a^{} at ({},{}), the full convolution of δ^{} with the flipped kernel:", l,
                   l - 1, y0, x0, l));
}

// (BP2-pool) ∂C/∂a^{l−1}[c,y,x] = Σ over the windows (c,i,j) that hold it of δ^l[c,i,j] where it
// is the window's max (else 0), or of δ^l[c,i,j] / k².
void pool_backward_rows(Context& c, std::size_t l, const Pooling& pool) {
  const Image in(pool.input_shape()), out(pool.output_shape());
  const PoolGeometry& g = pool.geometry();
  const Tensor& a = c.hand.a[l - 1];
  c.delta[l] = c.grad_a[l];  // no σ: δ^l = ∂C/∂a^l
  c.grad_a[l - 1] = filled({in.C, in.H, in.W}, 0.0);
  std::vector<Worked> sums(in.C * in.H * in.W, Worked{"", "", 0.0});
  std::vector<std::string> notes(sums.size(), "in no window");
  for (std::size_t ch = 0; ch < in.C; ++ch)
    for (std::size_t i = 0; i < out.H; ++i)
      for (std::size_t j = 0; j < out.W; ++j) {
        const std::vector<std::size_t> at = window(in, g, ch, i, j);
        const std::size_t winner = window_argmax(a.data(), at);
        const double dl = c.delta[l].data()[out.at(ch, i, j)];
        for (const std::size_t o : at) {
          Worked& v = sums[o];
          if (notes[o] == "in no window") notes[o].clear();
          const std::string sep = v.formula.empty() ? "" : " + ";
          if (pool.pool() == Pool::average) {
            v.formula += sep + fmt::format("{} / {}", pixel("δ", l, ch, i, j), at.size());
            v.numbers += sep + fmt::format("{} / {}", c.w.operand(dl), at.size());
            v.value += dl / double(at.size());
            notes[o] += (notes[o].empty() ? "" : ", ") +
                        fmt::format("1/{} of {}'s window", at.size(), pixel("δ", l, ch, i, j));
          } else if (o == winner) {
            v.formula += sep + pixel("δ", l, ch, i, j), v.numbers += sep + c.w.operand(dl), v.value += dl;
            notes[o] += (notes[o].empty() ? "" : ", ") +
                        fmt::format("the max of {}'s window", pixel("a", l, ch, i, j));
          }
        }
      }
  const std::vector<std::size_t> shown = c.maps(in.C);
  const std::size_t from = c.rows.size();
  for (std::size_t o = 0; o < sums.size(); ++o) {
    Worked& v = sums[o];
    if (v.formula.empty()) v = {"0", "0", 0.0};
    if (notes[o].empty()) notes[o] = "not its window's max";  // max pooling: an average always notes
    c.grad_a[l - 1].data()[o] = v.value;
    if (o % (in.H * in.W) < c.opt.positions &&
        std::find(shown.begin(), shown.end(), o / (in.H * in.W)) != shown.end()) {
      ExplainRow& r = c.add(ExplainPart::backward, "BP2-pool", "∂C/∂" + pixel_at("a", l - 1, in, o), v, l, o,
                            c.run.trace.a[l - 1], fmt::format("a^{}", l - 1));
      r.note = notes[o];
    }
  }
  head(c, from, fmt::format("layer {}, {}, back{}:", l, pool.describe(), shown_str(c, in.H * in.W)));
}

// The first layer of the fully connected stack at the top, less one: the flatten layer below
// it, or 1 when every layer is fully connected.
std::size_t stack_input(const Network& net) {
  std::size_t first = net.num_layers() - 1;
  while (first >= 2 && dynamic_cast<const FullyConnected*>(&net.layer(first))) --first;
  return first;
}

void check_arguments(const Network& net, const Tensor& x, const Tensor& y, const NetworkExplainOptions& opt) {
  if (opt.digits < 1 || opt.digits > 17)
    throw std::invalid_argument(fmt::format("explain: digits must be 1..17, got {}", opt.digits));
  if (opt.positions == 0) throw std::invalid_argument("explain: positions must be ≥ 1");
  const std::size_t L = net.num_layers();
  if (dynamic_cast<const FullyConnected*>(&net.layer(L)) == nullptr)  // the cost's rows need W^L and b^L
    throw std::invalid_argument(fmt::format(
        "explain: the last layer, layer {} ({}), is not fully connected: explain needs an output layer of "
        "neurons, as --layers always ends (e.g. softmax:10)",
        L, net.layer(L).describe()));
  const std::size_t first = stack_input(net);
  if (first == 1 && opt.max_width != 0 && net.input_size() > opt.max_width)
    throw std::invalid_argument(
        fmt::format("explain: the input has {} neurons, more than {}: too many equations to write out",
                    net.input_size(), opt.max_width));
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const Shape out = net.layer(l).output_shape();
    const bool images = out.size() == 3;
    if (images && opt.map && *opt.map >= out[0])
      throw std::invalid_argument(fmt::format("explain: layer {} ({}) has no map {}: its maps are 0..{}", l,
                                              net.layer(l).describe(), *opt.map, out[0] - 1));
    if (opt.max_width != 0 && out[0] > opt.max_width && (images ? !opt.map : l >= first))
      throw std::invalid_argument(
          fmt::format("explain: layer {} ({}) has {} {}, more than {}: too many equations to write out", l,
                      net.layer(l).describe(), out[0], images ? "feature maps" : "neurons", opt.max_width));
    if (!images || !opt.at || dynamic_cast<const Conv*>(&net.layer(l)) == nullptr) continue;
    const Shape in = net.layer(l).input_shape();
    if ((*opt.at)[0] >= in[1] || (*opt.at)[1] >= in[2])
      throw std::invalid_argument(
          fmt::format("explain: the position ({},{}) lies outside layer {}'s input {}", (*opt.at)[0],
                      (*opt.at)[1], l, shape_str(in)));
  }
  if (x.dimension() != 2 || x.shape()[0] != net.input_size() || x.shape()[1] != 1)
    throw shape_error(fmt::format("explain: the example x {} does not fit: expected ({}, 1), one example",
                                  shape_str(x), net.input_size()));
  if (y.dimension() != 2 || y.shape()[0] != net.output_size() || y.shape()[1] != 1)
    throw shape_error(fmt::format("explain: the target y {} does not fit: expected ({}, 1), one example",
                                  shape_str(y), net.output_size()));
}

// The fully connected layers above `first`, as explain_dense reads them from the engine's run.
DenseStack dense_stack(const EngineRun& run, std::size_t first) {
  const Network& net = run.net;
  const std::size_t L = net.num_layers();
  DenseStack s{first,        std::vector<std::size_t>(L, 0), {}, {}, {}, run.trace.z, run.trace.a, run.C,
               net.weights()};
  s.W.resize(L + 1), s.b.resize(L + 1), s.activation.resize(L + 1);
  s.N[first - 1] = first == 1 ? net.input_size() : numel(net.layer(first).output_shape());
  for (std::size_t l = first + 1; l <= L; ++l) {
    const Linear& linear = dynamic_cast<const FullyConnected&>(net.layer(l)).linear();
    s.W[l] = linear.W, s.b[l] = linear.b, s.activation[l] = net.layer(l).activation();
    s.N[l - 1] = linear.out();
  }
  return s;
}

// Headings for the stack's rows (from `from` on): its forward rows, the cost, its backward rows.
void dense_headings(std::vector<ExplainRow>& rows, std::size_t from, std::size_t first) {
  const char* forward = "fully connected: z^l_j = Σ_k w^l_jk a^(l−1)_k + b^l_j, a^l_j = σ(z^l_j)";
  const char* backward =
      "backward: (BP1) δ^L = ∇_a C ⊙ σ'(z^L)   (BP2) δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)\n"
      "          (BP3) ∂C/∂b^l_j = δ^l_j        (BP4) ∂C/∂w^l_jk = a^(l−1)_k δ^l_j";
  for (std::size_t r = from; r < rows.size(); ++r) {
    const bool new_part = r == from || rows[r].part != rows[r - 1].part;
    if (r > from && rows[r].layer == first && rows[r - 1].layer != first)
      rows[r].heading = fmt::format("layer {}: δ^{}_k = Σ_j w^{}_jk δ^{}_j (BP2, no σ)", first, first,
                                    first + 1, first + 1);
    else if (new_part)
      rows[r].heading = rows[r].part == ExplainPart::forward ? forward
                        : rows[r].part == ExplainPart::cost  ? "cost of this one example:"
                                                             : backward;
  }
}

}  // namespace

Explanation explain(const Network& net, const Cost& cost, const Tensor& x, const Tensor& y,
                    const NetworkExplainOptions& opt) {
  check_arguments(net, x, y, opt);
  const EngineRun run = engine_run(net, cost, x, y);
  const NetworkBackprop hand = backprop(net, x, y, cost);
  Explanation e;
  e.backward = run.steps;
  const std::size_t L = net.num_layers(), first = stack_input(net);
  Context c{
      run,   hand, opt, NumberWriter(opt.digits), std::vector<Tensor>(L + 1), std::vector<Tensor>(L + 1),
      e.rows};
  for (std::size_t l = 2; l <= first; ++l) {  // forward through the image layers (in the engine's copy)
    const Layer& layer = run.net.layer(l);
    if (const auto* conv = dynamic_cast<const Conv*>(&layer)) conv_forward_rows(c, l, *conv);
    else if (const auto* pool = dynamic_cast<const Pooling*>(&layer)) pool_forward_rows(c, l, *pool);
    else flatten_forward_rows(c, l, dynamic_cast<const Flatten&>(layer));
  }
  const std::size_t from = e.rows.size();
  const Tensor& a_first = hand.a[first];
  const std::vector<double> delta =
      explain_dense(dense_stack(run, first), cost, std::vector<double>(a_first.begin(), a_first.end()), y,
                    run.steps, opt.digits, e.rows);
  dense_headings(e.rows, from, first);
  const double kappa = l2_coefficient(cost, 1);
  for (std::size_t l = first; l >= 2; --l) {  // backward through the image layers
    const Layer& layer = run.net.layer(l);
    if (const auto* conv = dynamic_cast<const Conv*>(&layer)) {
      const Image in(conv->input_shape());
      conv_delta_rows(c, l, *conv);
      conv_parameter_rows(c, l, *conv, kappa);
      const std::array<std::size_t, 2> at = opt.at.value_or(std::array<std::size_t, 2>{in.H / 2, in.W / 2});
      conv_input_rows(c, l, *conv, at[0], at[1]);
    } else if (const auto* pool = dynamic_cast<const Pooling*>(&layer)) {
      pool_backward_rows(c, l, *pool);
    } else {
      flatten_backward_rows(c, l, dynamic_cast<const Flatten&>(layer), delta);
    }
  }
  return e;
}

}  // namespace tg::nn
