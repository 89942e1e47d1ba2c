// The checks of your homework: add a TEST_CASE for each function you write.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "network.hpp"
#include "nn/compare.hpp"

TEST_CASE("seed 002: every gradient of the 2-2-1 network passes gradcheck") {
  const tg::Function f = [](const std::vector<tg::Variable>& p) {
    return seed002_loss(p[0], p[1], p[2], p[3], tg::Variable(seed002_x), seed002_y);
  };
  const tg::GradcheckResult check = tg::gradcheck(f, {seed002_W1, seed002_b1, seed002_W2, seed002_b2});
  INFO(check.report);
  CHECK(check);
}

TEST_CASE("seed 002: dL/db[2] = a − y (the σ′ of the output cancels)") {
  tg::Variable W1(seed002_W1, true), b1(seed002_b1, true), W2(seed002_W2, true), b2(seed002_b2, true);
  tg::Variable loss = seed002_loss(W1, b1, W2, b2, tg::Variable(seed002_x), seed002_y);
  loss.backward();
  const double a = std::exp(-loss.item());  // y = 1: L = −ln a
  CHECK(b2.grad()(0, 0) == doctest::Approx(a - seed002_y).epsilon(1e-12));
}

TEST_CASE("a 2-2-1 sigmoid network in tg::nn: BP1–BP4 by hand agree with autodiff") {
  using namespace tg::nn;
  const Mlp net({2, 2, 1}, Activation::sigmoid, Activation::sigmoid, /*seed=*/1);
  const tg::Tensor X{{0.05, 0.9}, {0.10, 0.2}};  // two examples, one per column
  const tg::Tensor Y{{1.0, 0.0}};
  const CompareReport report = compare(net, X, Y, Cost{CostKind::cross_entropy});
  CHECK(report.max_rel_autodiff() < 1e-10);
}
