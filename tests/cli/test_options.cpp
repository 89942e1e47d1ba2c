// The shared options (cli/options.cpp): number parsing, and the network and cost they build.
#include <doctest/doctest.h>

#include <stdexcept>

#include "cli/options.hpp"

using namespace tg::cli;

TEST_CASE("parse_number and parse_count take the whole string or nothing") {
  CHECK(parse_number("0.5") == 0.5);
  CHECK(parse_number("1e-3") == 1e-3);
  CHECK(parse_number("-2") == -2.0);
  CHECK(!parse_number(""));
  CHECK(!parse_number("0.5x"));
  CHECK(!parse_number(" 1"));
  CHECK(parse_count("42") == 42u);
  CHECK(!parse_count("-1"));
  CHECK(!parse_count("4.0"));
  CHECK(!parse_count("99999999999999999999999"));  // out of range
}

TEST_CASE("the network: the data set's shape and settings unless the options say otherwise") {
  const DataSet moons = load_data_set(DataOptions{"moons", 20, 10});
  ModelOptions m;
  const tg::nn::Mlp net = build_network(m, moons);
  CHECK(net.sizes() == std::vector<std::size_t>{2, 16, 2});
  CHECK(net.hidden() == tg::nn::Activation::tanh);
  CHECK(net.output() == tg::nn::Activation::softmax);
  CHECK(build_cost(m, moons).kind == tg::nn::CostKind::log_likelihood);

  m.sizes = {2, 3, 3, 2};
  m.hidden = tg::nn::Activation::relu;
  m.cost = tg::nn::CostKind::quadratic;
  m.l2 = 0.5;
  m.l2_form = tg::nn::Regularization::l2_total;
  m.seed = 4;
  const tg::nn::Mlp other = build_network(m, moons);
  CHECK(other.sizes() == std::vector<std::size_t>{2, 3, 3, 2});
  CHECK(other.hidden() == tg::nn::Activation::relu);
  const tg::nn::Cost c = build_cost(m, moons);
  CHECK(c.kind == tg::nn::CostKind::quadratic);
  CHECK(c.regularization == tg::nn::Regularization::l2_total);
  CHECK(c.lambda == 0.5);
  // The seed decides the weights.
  CHECK(other.layer(2).W.value() == build_network(m, moons).layer(2).W.value());
  m.seed = 5;
  CHECK(other.layer(2).W.value() != build_network(m, moons).layer(2).W.value());

  m.sizes = {3, 2};
  CHECK_THROWS_WITH_AS(build_network(m, moons),
                       doctest::Contains(
                           "--sizes [3,2] does not fit data set 'moons': it has 2 inputs and 2 outputs"),
                       std::invalid_argument);
}
