// nn::loss_graph_dot (nn/loss_graph.cpp): the graph of C, labelled in BP notation.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/loss_graph.hpp"
#include "nn/pool_layer.hpp"
#include "support/bad_input.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A DOT text's nodes by id (each label's first line) and its edges (from, to, argument position;
// -1 for an op with one input), by the nodes' first lines.
struct Graph {
  std::map<std::string, std::string> nodes;
  std::set<std::tuple<std::string, std::string, int>> edges;
};
Graph parse_dot(const std::string& dot) {
  Graph g;
  const std::regex node(R"re(\s*(n\d+) \[label="([^"\\]*).*)re"),
      edge(R"re(\s*(n\d+) -> (n\d+)(?: \[label="(\d+)"\])?;)re");
  std::istringstream in(dot);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::smatch m;
  for (const std::string& line : lines)
    if (std::regex_match(line, m, node)) g.nodes[m[1]] = m[2];
  for (const std::string& line : lines)
    if (std::regex_match(line, m, edge))
      g.edges.emplace(g.nodes.at(m[1]), g.nodes.at(m[2]), m[3].matched ? std::stoi(m[3]) : -1);
  return g;
}

// (1,4,4) images -> conv 2×3×3 tanh (2,2,2) -> max pool 2 (2,1,1) -> flatten (2) -> fc 3 softmax.
Network small_conv_net() {
  std::mt19937_64 rng(5);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(tg::Shape{1, 4, 4}, 2, 3, 3, 1, 0, Activation::tanh, Init::scaled_normal, rng));
  layers.push_back(std::make_unique<Pooling>(layers.back()->output_shape(), Pool::max, 2, 2));
  layers.push_back(std::make_unique<Flatten>(layers.back()->output_shape()));
  layers.push_back(
      std::make_unique<FullyConnected>(Linear(2, 3, Init::scaled_normal, rng), Activation::softmax));
  return Network({1, 4, 4}, std::move(layers));
}
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

TEST_CASE(
    "loss_graph_dot of a conv network: its ops in order, their edges, and δ^l by each layer's equation") {
  const Network net = small_conv_net();
  Tensor X = tg::filled({16, 2}, 0.0), Y = tg::filled({3, 2}, 0.0);
  for (std::size_t i = 0; i < X.size(); ++i) X.data()[i] = 0.1 * static_cast<double>((i * 7) % 11) - 0.5;
  Y(0, 0) = Y(2, 1) = 1.0;
  const std::string dot = loss_graph_dot(net, Cost{CostKind::log_likelihood}, X, Y);
  const Graph g = parse_dot(dot);
  INFO(dot);
  // The chain a^1 -> z^2 -> a^2 -> z^3 -> z^4 -> z^5, each op fed by the one before.
  for (const auto& edge : std::vector<std::tuple<std::string, std::string, int>>{
           {"x = a^1", "z^2 = conv2d", 0},
           {"w^2", "z^2 = conv2d", 1},
           {"b^2", "z^2 = conv2d", 2},
           {"z^2 = conv2d", "a^2 = tanh", -1},
           {"a^2 = tanh", "z^3 = a^3 = max_pool2d", -1},
           {"z^3 = a^3 = max_pool2d", "reshape", -1},  // the flatten: (m, 2·1·1), then columns
           {"reshape", "z^4 = a^4 = transpose", -1},
           {"W^5", "matmul", 0},
           {"z^4 = a^4 = transpose", "matmul", 1},
           {"matmul", "z^5 = add", 0},
           {"b^5", "z^5 = add", 1}}) {
    INFO(std::get<0>(edge) << " -> " << std::get<1>(edge));  // no structured binding: INFO is a lambda
    CHECK(g.edges.count(edge) == 1);
  }
  CHECK(has(dot, "label=\"x = a^1\\n(2,1,4,4)\""));  // the images, a constant leaf
  CHECK(has(dot, "label=\"w^2\\n(2,1,3,3)\\n"));
  CHECK(has(dot, "δ^5 = ∂C/∂z^5 (BP1)"));
  CHECK(has(dot, "δ^4 = ∂C/∂z^4 (BP2)"));  // the fc layer above carries it back
  CHECK(has(dot, "δ^3 = ∂C/∂z^3 (δ^4 back in images' layout)"));
  CHECK(has(dot, "δ^2 = ∂C/∂z^2 (BP2-pool)"));
  CHECK(has(dot, "∂C/∂w^2 = a^1 ⋆ δ^2 (BP4-conv)"));
  CHECK(has(dot, "∂C/∂b^2_f = Σ δ^2 over map f (BP3-conv)"));
  CHECK(has(dot, "∂C/∂W^5 = δ^5 (a^4)ᵀ (BP4)"));
  CHECK(!net.layer(2).parameters()[0].value.has_grad());  // the network itself is not touched
}

TEST_CASE("loss_graph_dot --values of a conv network: tensors summarised by their first numbers and shape") {
  const Network net = small_conv_net();
  const Tensor X = tg::filled({16, 1}, 0.25), Y = tg::column({0.0, 1.0, 0.0});
  LossGraphOptions opt;
  opt.values = true;
  const std::string dot = loss_graph_dot(net, Cost{CostKind::log_likelihood}, X, Y, opt);
  CHECK(has(dot, ", ...] shape (1,1,4,4)"));  // a^1's 16 numbers, elided
  CHECK(has(dot, "δ^2 = ∂C/∂z^2 [[[["));      // z^2's 8 numbers, in full
}
