// nn::explain for a network of layers (nn/network_explain.cpp): every row against nn::backprop's
// hand-written equations (nn/conv_backprop, nn/pooling) and the engine, and the printed
// arithmetic against the printed results.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <utility>
#include <string>
#include <vector>

#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network_backprop.hpp"
#include "nn/network_explain.hpp"
#include "nn/pool_layer.hpp"
#include "support/arithmetic.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::test::Arithmetic;
using tg::test::Domain;
using tg::test::random_tensor;

namespace {

bool close(double a, double b, double rel, double abs) {
  return std::abs(a - b) <= std::max(abs, rel * std::max(std::abs(a), std::abs(b)));
}

std::unique_ptr<Layer> conv(const Shape& in, std::size_t F, std::size_t K, std::size_t s, std::size_t p,
                            Activation sigma, std::uint64_t seed) {
  return std::make_unique<Conv>(in, random_tensor({F, in[0], K, K}, Domain::any, seed),
                                random_tensor({F}, Domain::any, seed + 1), s, p, sigma);
}
std::unique_ptr<Layer> fc(std::size_t in, std::size_t out, Activation sigma, std::uint64_t seed) {
  return std::make_unique<FullyConnected>(Linear(random_tensor({out, in}, Domain::any, seed),
                                                 random_tensor({out, 1}, Domain::any, seed + 1)),
                                          sigma);
}

struct Case {
  const char* name;
  Network net;
  Cost cost;
  Tensor y;
};

// conv 1×2×2 σ on 5×5, max pooling 2, flatten, softmax 2; log-likelihood.
Case small_case() {
  std::vector<std::unique_ptr<Layer>> l;
  l.push_back(conv({1, 5, 5}, 1, 2, 1, 0, Activation::sigmoid, 11));
  l.push_back(std::make_unique<Pooling>(Shape{1, 4, 4}, Pool::max, 2, 2));
  l.push_back(std::make_unique<Flatten>(Shape{1, 2, 2}));
  l.push_back(fc(4, 2, Activation::softmax, 13));
  return {"conv, max pool, softmax", Network({1, 5, 5}, std::move(l)), Cost{CostKind::log_likelihood},
          tg::column({0.0, 1.0})};
}

std::vector<Case> cases() {
  std::vector<Case> all;
  all.push_back(small_case());
  {  // two channels, stride 2 and padding 1, overlapping average windows, two fc layers, L2
    std::vector<std::unique_ptr<Layer>> l;
    l.push_back(conv({2, 5, 5}, 2, 3, 2, 1, Activation::tanh, 21));               // -> (2,3,3)
    l.push_back(std::make_unique<Pooling>(Shape{2, 3, 3}, Pool::average, 2, 1));  // -> (2,2,2)
    l.push_back(std::make_unique<Flatten>(Shape{2, 2, 2}));
    l.push_back(fc(8, 3, Activation::relu, 23));
    l.push_back(fc(3, 2, Activation::sigmoid, 25));
    Cost c{CostKind::cross_entropy};
    c.regularization = Regularization::l2_total, c.lambda = 0.1;
    all.push_back(
        {"stride, padding, average pool, L2", Network({2, 5, 5}, std::move(l)), c, tg::column({1.0, 0.0})});
  }
  {  // conv on conv (BP2-conv into a layer with σ), stride 2, quadratic cost
    std::vector<std::unique_ptr<Layer>> l;
    l.push_back(conv({1, 6, 6}, 2, 3, 1, 0, Activation::relu, 31));           // -> (2,4,4)
    l.push_back(conv({2, 4, 4}, 1, 2, 2, 0, Activation::identity, 33));       // -> (1,2,2)
    l.push_back(std::make_unique<Pooling>(Shape{1, 2, 2}, Pool::max, 2, 2));  // -> (1,1,1)
    l.push_back(std::make_unique<Flatten>(Shape{1, 1, 1}));
    l.push_back(fc(1, 2, Activation::sigmoid, 35));
    all.push_back({"conv on conv, quadratic", Network({1, 6, 6}, std::move(l)), Cost{CostKind::quadratic},
                   tg::column({0.3, 0.8})});
  }
  return all;
}

Tensor image_of(const Network& net, std::uint64_t seed) {
  return random_tensor({net.input_size(), 1}, Domain::any, seed);
}

// What nn::backprop (the hand-written equations) gives for a row's quantity, at flat position j − 1.
double by_hand(const Network& net, const NetworkBackprop& hb, const ExplainRow& r) {
  const std::size_t l = r.layer, at = r.j - 1;
  const std::string& eq = r.equation;
  if (eq == "z^" + std::to_string(l)) return hb.z[l].data()[at];
  if (eq == "a^" + std::to_string(l)) return hb.a[l].data()[at];
  if (eq == "BP1" || eq == "BP2") return hb.delta[l].data()[at];
  if (eq == "BP3" || eq == "BP3-conv") return hb.gradients[l][1].data()[at];
  if (eq == "BP4") return hb.gradients[l][0].data()[at * hb.gradients[l][0].shape()[1] + r.k - 1];
  if (eq == "BP4-conv") return hb.gradients[l][0].data()[at];
  if (eq == "BP2-conv" || eq == "BP2-pool" || eq == "flatten")
    return net.layer(l).backward_input(hb.a[l - 1], hb.delta[l]).data()[at];
  return NAN;
}

// Every row with 17 digits: equal to nn::backprop's value and the engine's, and given again by its
// printed arithmetic. Returns how many rows were held to nn::backprop.
std::size_t check_every_row(const Case& c, const Explanation& e) {
  const Tensor x = image_of(c.net, 5);
  const NetworkBackprop hb = backprop(c.net, x, c.y, c.cost);
  std::size_t checked = 0;
  for (const ExplainRow& r : e.rows) {
    INFO(c.name << ": " << r.equation << "  " << r.quantity << " = " << r.formula << " = " << r.numbers
                << " = " << r.value);
    CHECK(std::isfinite(r.value));
    CHECK(close(Arithmetic::evaluate(r.numbers), r.value, 1e-12, 1e-15));
    const bool engine_less = r.equation == "σ'" || r.equation == "∇_a C" || r.equation.rfind("ln", 0) == 0;
    if (!engine_less) REQUIRE(r.engine.has_value());
    if (r.engine) CHECK(close(r.value, *r.engine, 1e-12, 1e-15));
    if (r.equation == "BP2-pool" &&
        dynamic_cast<const Pooling&>(c.net.layer(r.layer)).pool() == Pool::average)
      CHECK(r.note.find("max") == std::string::npos);  // an average has no winner to name
    const double hand = by_hand(c.net, hb, r);
    if (std::isnan(hand)) continue;
    CHECK(close(r.value, hand, 1e-12, 1e-15));
    ++checked;
  }
  return checked;
}

NetworkExplainOptions precise() {
  NetworkExplainOptions o;
  o.digits = 17;
  o.positions = 1000;  // every position and every term written out
  return o;
}

const ExplainRow& find(const Explanation& e, const std::string& quantity) {
  for (const ExplainRow& r : e.rows)
    if (r.quantity == quantity) return r;
  FAIL("no row " << quantity);
  return e.rows.front();
}

}  // namespace

TEST_CASE(
    "explain of a conv network: every row is nn::backprop's value and the engine's, and its printed sum") {
  for (const Case& c : cases()) {
    const Explanation e = explain(c.net, c.cost, image_of(c.net, 5), c.y, precise());
    CHECK(check_every_row(c, e) > 20);
    const std::string text = format_explanation(e, 17);
    CHECK(text.find("nan") == std::string::npos);
    CHECK(text.find("inf") == std::string::npos);
  }
}

TEST_CASE("explain of a conv network: the equations of each kind, one row per position and weight") {
  const Case c = small_case();
  const Explanation e = explain(c.net, c.cost, image_of(c.net, 5), c.y, precise());
  std::size_t rows_of[6] = {};  // BP3-conv, BP4-conv, BP2-conv, BP2-pool winners, BP2-pool zeros, BP2
  for (const ExplainRow& r : e.rows) {
    rows_of[0] += r.equation == "BP3-conv";
    rows_of[1] += r.equation == "BP4-conv";
    rows_of[2] += r.equation == "BP2-conv";
    rows_of[3] += r.equation == "BP2-pool" && r.note.find("the max of") == 0;
    rows_of[4] += r.equation == "BP2-pool" && r.note == "not its window's max";
    rows_of[5] += r.equation == "BP2" && r.layer == 2;
  }
  CHECK(rows_of[0] == 1);   // one feature map
  CHECK(rows_of[1] == 4);   // its 2×2 kernel
  CHECK(rows_of[2] == 1);   // ∂C/∂a^1 at the middle, (2,2)
  CHECK(rows_of[3] == 4);   // one winner per 2×2 window of the 4×4 map
  CHECK(rows_of[4] == 12);  // the others get 0
  CHECK(rows_of[5] == 16);  // δ^2 at each position
  // (BP4-conv) sums over the 16 positions of δ^2, of which max pooling left 4 (the windows'
  // maxima) nonzero; (BP2-conv) at (2,2) over the 4 kernel elements, those of δ ≠ 0 written out.
  const ExplainRow& w = find(e, "∂C/∂w^2[0,0,1,0]");
  CHECK(w.formula.find(" (and 12 terms with δ = 0)") != std::string::npos);
  std::size_t terms = 0;
  for (std::size_t at = w.formula.find(" a^1["); at != std::string::npos;
       at = w.formula.find(" a^1[", at + 1))
    ++terms;
  CHECK(terms == 4);
  const ExplainRow& back = find(e, "∂C/∂a^1[0,2,2]");
  for (const auto& [delta, weight] :
       {std::pair{"δ^2[0,2,2]", "w^2[0,0,0,0]"}, std::pair{"δ^2[0,2,1]", "w^2[0,0,0,1]"},
        std::pair{"δ^2[0,1,2]", "w^2[0,0,1,0]"}, std::pair{"δ^2[0,1,1]", "w^2[0,0,1,1]"}})
    CHECK((back.formula.find(std::string(delta) + " " + weight) != std::string::npos) ==
          (find(e, delta).value != 0.0));
  const std::string text = format_explanation(e);
  CHECK(text.find("BP3-conv ∂C/∂b^2_0 = δ^2[0,") != std::string::npos);
  CHECK(text.find("(not its window's max)") != std::string::npos);
  CHECK(text.find("layer 4: δ^4_k = Σ_j w^5_jk δ^5_j (BP2, no σ)") != std::string::npos);
}

TEST_CASE("explain of a conv network: long sums end in one number for the other terms, and --map chooses") {
  const Case c = small_case();
  NetworkExplainOptions o;
  o.digits = 17;
  o.positions = 3;
  o.at = {{0, 0}};
  const Explanation e = explain(c.net, c.cost, image_of(c.net, 5), c.y, o);
  const ExplainRow& b = find(e, "∂C/∂b^2_0");  // 4 windows' maxima: 3 terms and one more
  CHECK(b.formula.find(" + (one more term) (and 12 terms with δ = 0)") != std::string::npos);
  CHECK(close(Arithmetic::evaluate(b.numbers), b.value, 1e-12, 1e-15));
  CHECK(close(b.value, *b.engine, 1e-12, 1e-15));
  std::size_t kernel_rows = 0;
  for (const ExplainRow& r : e.rows) kernel_rows += r.equation == "BP4-conv";
  CHECK(kernel_rows == 3);
  o.map = 1;
  CHECK_THROWS_WITH_AS(
      explain(c.net, c.cost, image_of(c.net, 5), c.y, o),
      "explain: layer 2 (conv 1 kernels 2×2, stride 1, padding 0, sigmoid: (1,5,5) -> (1,4,4)) has no map 1: its "
      "maps are 0..0",
      std::invalid_argument);
}

TEST_CASE("explain of a conv network: bad arguments are clear errors") {
  const Case c = small_case();
  NetworkExplainOptions o;
  o.at = {{5, 0}};
  CHECK_THROWS_WITH_AS(explain(c.net, c.cost, image_of(c.net, 5), c.y, o),
                       "explain: the position (5,0) lies outside layer 2's input (1,5,5)",
                       std::invalid_argument);
  o = {};
  o.digits = 0;
  CHECK_THROWS_AS(explain(c.net, c.cost, image_of(c.net, 5), c.y, o), std::invalid_argument);
  CHECK_THROWS_AS(explain(c.net, c.cost, Tensor(tg::column({1.0, 2.0})), c.y), tg::shape_error);
  std::vector<std::unique_ptr<Layer>> l;
  l.push_back(conv({1, 4, 4}, 9, 3, 1, 0, Activation::tanh, 3));
  l.push_back(std::make_unique<Flatten>(Shape{9, 2, 2}));
  l.push_back(fc(36, 2, Activation::softmax, 5));
  const Network wide({1, 4, 4}, std::move(l));
  CHECK_THROWS_WITH_AS(
      explain(wide, c.cost, image_of(wide, 5), c.y),
      "explain: layer 2 (conv 9 kernels 3×3, stride 1, padding 0, tanh: (1,4,4) -> (9,2,2)) has 9 "
      "feature maps, more than 8: too many equations to write out",
      std::invalid_argument);
}
