// to_dot (autodiff/graphviz.cpp): the graph as Graphviz DOT.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using tg::Tensor;
using tg::Variable;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("to_dot draws ops, leaves, shapes and numbered edges") {
  Variable W(Tensor{{1.0, 2.0}, {3.0, 4.0}}, true);
  W.set_name("W");
  Variable x(tg::column({1.0, -1.0}));
  Variable y = tg::sum(tg::sigmoid(tg::matmul(W, x)));
  const std::string dot = tg::to_dot(y);
  CHECK(dot.rfind("digraph tapegrad {", 0) == 0);
  CHECK(dot.find("label=\"W\\n(2,2)\"") != std::string::npos);
  CHECK(dot.find("label=\"matmul\\n(2,1)\"") != std::string::npos);
  CHECK(dot.find("sigmoid") != std::string::npos);
  CHECK(dot.find("label=\"sum\\n()\"") != std::string::npos);
  CHECK(count(dot, " -> ") == 4);           // W, x -> matmul -> sigmoid -> sum
  CHECK(count(dot, "[label=\"0\"]") == 1);  // matmul's two inputs are numbered
  CHECK(count(dot, "peripheries=2") == 1);
  CHECK(dot.find("value") == std::string::npos);
}

TEST_CASE("to_dot shows values and gradients when asked") {
  Variable x(Tensor{1.5, -2.0}, true);
  Variable y = tg::sum(x * x);
  y.backward(tg::filled({}, 1.0), /*retain_graph=*/true);
  tg::DotOptions opt;
  opt.values = true;
  opt.grads = true;
  const std::string dot = tg::to_dot(y, opt);
  CHECK(dot.find("value [1.5, -2]") != std::string::npos);
  CHECK(dot.find("grad [3, -4]") != std::string::npos);
  y.backward();  // now released: only y is left of the graph, and a one-node picture would mislead
  CHECK_THROWS_WITH_AS(
      tg::to_dot(y),
      "to_dot: the graph through 'sum' (shape ()) was released by backward(), which keeps only the "
      "leaves and the outputs: draw it before backward(), or pass retain_graph=true to backward()",
      tg::graph_error);
  CHECK(tg::to_dot(x).find("leaf") != std::string::npos);  // a leaf has nothing to release
}

TEST_CASE("to_dot walks a deep graph without recursion") {
  Variable x(1.0, true);
  Variable h = x;
  for (int i = 0; i < 20000; ++i) h = h + 1.0;
  const std::string dot = tg::to_dot(h);
  CHECK(count(dot, " -> ") == 20000);
}

TEST_CASE("to_dot: bad arguments are clear errors") {
  using tg::test::BadInput;
  Variable x(1.0, true);
  const Variable y = x * 2.0;
  tg::DotOptions negative;
  negative.precision = -1;
  tg::test::check_bad_inputs({
      {"an empty Variable", [] { (void)tg::to_dot(Variable()); }, TG_ERROR(tg::graph_error),
       "to_dot: output 0 is an empty Variable"},
      {"an empty Variable among several",
       [&] {
         (void)tg::to_dot(std::vector<Variable>{y, Variable()});
       },
       TG_ERROR(tg::graph_error), "to_dot: output 1 is an empty Variable"},
      {"a negative precision", [&] { (void)tg::to_dot(y, negative); }, TG_ERROR(std::invalid_argument),
       "to_dot: DotOptions::precision must be ≥ 0, got -1"},
  });
}

TEST_CASE("to_dot's annotate names a node's gradient, adds a note and a fill colour") {
  Variable w(Tensor{2.0}, true);
  Variable z = w * 3.0;
  z.retain_grad();
  const Variable y = tg::sum(z * z);
  y.backward(tg::filled({}, 1.0), true);
  tg::DotOptions opt;
  opt.grads = true;
  opt.annotate = [&](const Variable& v) {
    tg::DotAnnotation a;
    if (v.same_node(z)) a = {"δ = ∂y/∂z", "(the error)", "lightyellow"};
    return a;
  };
  const std::string dot = tg::to_dot(y, opt);
  CHECK(dot.find("δ = ∂y/∂z [12]\\n(the error)\", shape=ellipse, style=filled, fillcolor=\"lightyellow\"") !=
        std::string::npos);
  CHECK(dot.find("grad [36]") != std::string::npos);  // w keeps the plain "grad"
  CHECK(count(dot, "lightyellow") == 1);
}
