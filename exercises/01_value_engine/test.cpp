// Exercise 01's check: your scalar engine against tapegrad's own on random expressions (the same
// expression built twice, every leaf's gradient compared), a value used twice, a 100,000-node
// chain, and zero_grad. Run: scripts/grade.sh 01
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "value.hpp"

namespace ex = tg::exercises;
using ex::expect_close;
using ex::Value;
using tg::Tensor;
using tg::Variable;

namespace {

// One expression built twice: with the student's Value and with tapegrad's Variable.
struct Twin {
  std::vector<Value> leaves, mine;  // mine: every node, leaves first
  std::vector<Variable> leaf_vars, theirs;
  std::string text;  // how it was built, for the feedback
};

// A random expression: `n_leaves` leaves in [−1, 1], then `n_ops` ops whose operands are drawn
// from all the nodes so far (so values, leaves and not, are used more than once), then the sum of
// every node as the root.
Twin random_expression(std::mt19937_64& rng, std::size_t n_leaves, std::size_t n_ops) {
  Twin t;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (std::size_t i = 0; i < n_leaves; ++i) {
    const double x = u(rng);
    t.leaves.push_back(ex::leaf(x));
    t.leaf_vars.emplace_back(tg::scalar_tensor(x), true);
  }
  t.mine = t.leaves;
  t.theirs = t.leaf_vars;
  for (std::size_t k = 0; k < n_ops; ++k) {
    const std::size_t i = rng() % t.mine.size(), j = rng() % t.mine.size();
    const Value &a = t.mine[i], &b = t.mine[j];
    const Variable &va = t.theirs[i], &vb = t.theirs[j];
    std::size_t op = rng() % 5;
    if (std::abs(a->data) > 3.0 && op != 2) op = 2;  // tanh keeps the numbers small
    const char* names[] = {"+", "*", "tanh", "exp", "pow"};
    std::ostringstream step;  // "v5 = *(v2, v0)"
    step << (t.text.empty() ? "" : ", ") << 'v' << t.mine.size() << " = " << names[op] << "(v" << i;
    if (op < 2) step << ", v" << j;
    t.text += step.str() + (op == 4 ? ", 2)" : ")");
    if (op == 0) t.mine.push_back(a + b), t.theirs.push_back(va + vb);
    if (op == 1) t.mine.push_back(a * b), t.theirs.push_back(va * vb);
    if (op == 2) t.mine.push_back(ex::tanh(a)), t.theirs.push_back(tg::tanh(va));
    if (op == 3) t.mine.push_back(ex::exp(a)), t.theirs.push_back(tg::exp(va));
    if (op == 4) t.mine.push_back(ex::pow(a, 2.0)), t.theirs.push_back(tg::pow(va, 2.0));
  }
  Value root = t.mine[0];  // the sums are nodes too: every one goes into mine
  Variable root_var = t.theirs[0];
  for (std::size_t i = 1, n = t.mine.size(); i < n; ++i) {
    root = root + t.mine[i];
    root_var = root_var + t.theirs[i];
    t.mine.push_back(root);
    t.theirs.push_back(root_var);
  }
  t.text += ", root = v0 + v1 + ...";
  return t;
}

// The leaves' grads as a vector, to compare in one go.
Tensor leaf_grads(const std::vector<Value>& leaves) {
  Tensor g = Tensor::from_shape({leaves.size()});
  for (std::size_t i = 0; i < leaves.size(); ++i) g(i) = leaves[i]->grad;
  return g;
}
Tensor leaf_grads(const std::vector<Variable>& leaves) {
  Tensor g = Tensor::from_shape({leaves.size()});
  for (std::size_t i = 0; i < leaves.size(); ++i) g(i) = leaves[i].grad()();
  return g;
}

const char* const chain_hint =
    "∂root/∂x sums over every path from x to the root: each use of x adds local · grad (\"+=\"), and a "
    "node's grad is used only once complete (reversed topological order)";

}  // namespace

TEST_CASE("01 value engine: (1) local derivatives of each op") {
  std::mt19937_64 rng = ex::rng_for(101);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  const double x = u(rng), y = u(rng);
  const Value a = ex::leaf(x), b = ex::leaf(y);
  const std::string input = "a = " + std::to_string(x) + ", b = " + std::to_string(y);
  const std::vector<std::pair<Value, std::vector<double>>> cases = {{a + b, {1.0, 1.0}},
                                                                    {a * b, {y, x}},
                                                                    {ex::tanh(a),
                                                                     {1.0 - std::tanh(x) * std::tanh(x)}},
                                                                    {ex::exp(a), {std::exp(x)}},
                                                                    {ex::pow(a, 3.0), {3.0 * x * x}}};
  for (const auto& [out, want] : cases) {
    const std::vector<double> got = ex::local_derivatives(*out);
    REQUIRE_MESSAGE(got.size() == want.size(), "local_derivatives of \"", std::string(out->op), "\" gave ",
                    got.size(), " numbers, one per parent is ", want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
      expect_close("∂out/∂parent " + std::to_string(i) + " of \"" + std::string(out->op) + "\"", input,
                   got[i], want[i], "+: 1, 1   *: b, a   tanh: 1 − out²   exp: out   pow: k xᵏ⁻¹", 1e-12);
  }
}

TEST_CASE("01 value engine: (2) the chain rule accumulates") {
  std::mt19937_64 rng = ex::rng_for(102);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  const Value a = ex::leaf(u(rng)), b = ex::leaf(-u(rng));
  const Value out = a * b;
  const double before = u(rng), g = u(rng);  // a's grad from an earlier use; out's grad
  a->grad = before;
  out->grad = g;
  ex::chain_rule(*out);
  expect_close("a's grad after chain_rule at out = a * b",
               "a's grad " + std::to_string(before) + " before, out's grad " + std::to_string(g), a->grad,
               before + b->data * g, "parents[i]->grad += local[i] * out.grad, not =", 1e-12);
}

TEST_CASE("01 value engine: (3) a topological order, each node after its parents") {
  std::mt19937_64 rng = ex::rng_for(103);
  const Twin t = random_expression(rng, ex::random_size(rng, 2, 4), ex::random_size(rng, 5, 15));
  const std::vector<ex::Node*> order = ex::topological_order(t.mine.back());
  std::unordered_map<ex::Node*, std::size_t> position;
  for (std::size_t i = 0; i < order.size(); ++i)
    CHECK_MESSAGE(position.emplace(order[i], i).second, "node ", std::string(order[i]->op),
                  " appears twice in the order");
  CHECK_MESSAGE(order.size() == t.mine.size(), "the order has ", order.size(), " nodes, the expression ",
                t.mine.size(), " (", t.text, ")");
  CHECK_MESSAGE((!order.empty() && order.back() == t.mine.back().get()), "the root is not last");
  for (const Value& v : t.mine)
    for (const Value& p : v->parents)
      CHECK_MESSAGE(position[p.get()] < position[v.get()], "a \"", std::string(v->op),
                    "\" node comes before its parent \"", std::string(p->op), "\"");
}

TEST_CASE("01 value engine: (4) backward, the same gradients as tapegrad's engine on random expressions") {
  std::mt19937_64 rng = ex::rng_for(104);
  for (int k = 0; k < 5; ++k) {
    Twin t = random_expression(rng, ex::random_size(rng, 1, 4), ex::random_size(rng, 3, 20));
    ex::backward(t.mine.back());
    t.theirs.back().backward();
    expect_close("the leaves' gradients", t.text, leaf_grads(t.leaves), leaf_grads(t.leaf_vars), chain_hint,
                 1e-10);
  }
}

TEST_CASE("01 value engine: (4) a non-leaf value used twice") {
  // t = tanh(x), y = t * t + t: ∂y/∂x = (2t + 1)(1 − t²), through both uses of t.
  const double x = ex::random_tensor({1}, -1.0, 1.0, 105)(0);
  const Value xv = ex::leaf(x);
  const Value t = ex::tanh(xv);
  ex::backward(t * t + t);
  const double th = std::tanh(x);
  expect_close("∂y/∂x", "t = tanh(x), y = t * t + t at x = " + std::to_string(x), xv->grad,
               (2.0 * th + 1.0) * (1.0 - th * th), chain_hint, 1e-12);
}

TEST_CASE("01 value engine: (4) a chain of 100,000 nodes, without recursion") {
  // v_{k+1} = v_k * c with c = 1 + 1e-6: ∂v_n/∂v_0 = cⁿ.
  const std::size_t n = 100000;
  const double c = 1.0 + 1e-6 * ex::random_tensor({1}, 0.5, 1.5, 106)(0);
  const Value x = ex::leaf(1.0), cv = ex::leaf(c);
  Value v = x;
  for (std::size_t k = 0; k < n; ++k) v = v * cv;
  ex::backward(v);
  expect_close("∂v/∂x", "v = x * c * c * ... (100,000 times), c = 1 + 1e-6·u", x->grad,
               std::pow(c, double(n)), "topological_order with your own stack, not recursion", 1e-9);
}

TEST_CASE("01 value engine: (5) zero_grad, then the same gradients again") {
  std::mt19937_64 rng = ex::rng_for(107);
  Twin t = random_expression(rng, 3, ex::random_size(rng, 5, 12));
  ex::backward(t.mine.back());
  const Tensor first = leaf_grads(t.leaves);
  ex::zero_grad(t.mine.back());
  for (const Value& v : t.mine)
    REQUIRE_MESSAGE(v->grad == 0.0, "a \"", std::string(v->op), "\" node's grad is ", v->grad,
                    " after zero_grad");
  ex::backward(t.mine.back());
  expect_close("the leaves' gradients after zero_grad and a second backward", t.text, leaf_grads(t.leaves),
               first, "zero_grad sets every grad the root depends on to 0, leaves and intermediates", 1e-12);
}
