// nn::loss_graph_dot (nn/loss_graph.cpp): the graph of C, labelled in BP notation.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "nn/loss_graph.hpp"
#include "support/bad_input.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("loss_graph_dot names x, W^l, b^l, z^l, a^l, y and C, and marks δ^l on every z^l") {
  const Mlp net({2, 3, 2, 1}, Activation::tanh, Activation::sigmoid, 1);
  const Tensor X{{0.5, -1.0}, {2.0, 0.25}}, Y{{1.0, 0.0}};
  const std::string dot = loss_graph_dot(net, Cost{CostKind::quadratic}, X, Y);
  CHECK(dot.rfind("digraph tapegrad {", 0) == 0);
  CHECK(has(dot, "label=\"x = a^1\\n(2,2)\""));
  CHECK(has(dot, "label=\"y\\n(1,2)\""));
  CHECK(has(dot, "label=\"C = "));
  for (int l = 2; l <= 4; ++l) {
    INFO("layer " << l);
    CHECK(has(dot, fmt::format("label=\"z^{} = add", l)));
    CHECK(has(dot, fmt::format("δ^{} = ∂C/∂z^{} ({})", l, l, l == 4 ? "BP1" : "BP2")));
    CHECK(has(dot, fmt::format("label=\"a^{} = ", l)));
    CHECK(has(dot, fmt::format("label=\"W^{}\\n", l)));
    CHECK(has(dot, fmt::format("∂C/∂W^{} = δ^{} (a^{})ᵀ (BP4)", l, l, l - 1)));
    CHECK(has(dot, fmt::format("∂C/∂b^{} = δ^{} (BP3)", l, l)));
  }
  CHECK(has(dot, "backward step 1\""));  // C, first
  CHECK(!has(dot, "value"));
  CHECK(dot.find("peripheries=2") == dot.rfind("peripheries=2"));
  CHECK(!net.layer(2).W.has_grad());  // the network itself is not touched
}

TEST_CASE("loss_graph_dot with values shows each value and gradient, δ^l by name") {
  std::vector<Linear> layers;
  layers.emplace_back(Tensor{{0.15, 0.20}, {0.25, 0.30}}, tg::column({0.35, 0.35}));
  layers.emplace_back(Tensor{{0.40, 0.45}}, tg::column({0.60}));
  const Mlp net(std::move(layers), Activation::sigmoid, Activation::sigmoid);  // seed 002's
  LossGraphOptions opt;
  opt.values = true;
  const std::string dot =
      loss_graph_dot(net, Cost{CostKind::cross_entropy}, tg::column({0.05, 0.10}), tg::column({1.0}), opt);
  CHECK(has(dot, "value [[0.3775], [0.3925]]"));         // z^2
  CHECK(has(dot, "δ^3 = ∂C/∂z^3 [[-0.2486]]\\n(BP1)"));  // a − y
  CHECK(has(dot, "δ^2 = ∂C/∂z^2 [[-0.024], [-0.02692]]\\n(BP2)"));
  CHECK(has(dot, "∂C/∂b^2 = δ^2 [[-0.024], [-0.02692]]"));
  // Cross-entropy is computed from z^3, so a^3 is drawn as a second output.
  CHECK(has(dot, "(the output; C is computed from z^L)"));
  CHECK(dot.find("peripheries=2") != dot.rfind("peripheries=2"));
  opt.backward_order = false;
  CHECK(!has(loss_graph_dot(net, Cost{CostKind::cross_entropy}, tg::column({0.05, 0.10}), tg::column({1.0}),
                            opt),
             "backward step"));
}

TEST_CASE("loss_graph_dot elides long values") {
  const Mlp net({2, 30, 2}, Activation::relu, Activation::softmax, 1);
  LossGraphOptions opt;
  opt.values = true;
  opt.max_elements = 6;
  const std::string dot = loss_graph_dot(net, Cost{CostKind::log_likelihood}, tg::column({1.0, 2.0}),
                                         tg::column({0.0, 1.0}), opt);
  CHECK(has(dot, "..."));
}

TEST_CASE("loss_graph_dot: bad arguments are clear errors") {
  const Mlp net({2, 2, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  LossGraphOptions negative;
  negative.precision = -1;
  tg::test::check_bad_inputs({
      {"loss_graph_dot: X does not fit",
       [&] {
         loss_graph_dot(net, Cost{}, tg::column({1.0, 2.0, 3.0}), tg::column({1.0}));
       },
       TG_ERROR(tg::shape_error), "does not fit"},
      {"loss_graph_dot: Y does not fit",
       [&] {
         loss_graph_dot(net, Cost{}, tg::column({1.0, 2.0}), tg::column({1.0, 0.0}));
       },
       TG_ERROR(tg::shape_error), "(2,1)"},
      {"loss_graph_dot: negative precision",
       [&] {
         loss_graph_dot(net, Cost{}, tg::column({1.0, 2.0}), tg::column({1.0}), negative);
       },
       TG_ERROR(std::invalid_argument), "loss_graph_dot: precision must be ≥ 0, got -1"},
  });
}
