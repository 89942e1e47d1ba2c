// backward_trace (autodiff/backward_trace.cpp): the order in which backward processes nodes.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// Every node reachable from y, with its consumers (the nodes that take it as an input).
std::map<const void*, std::vector<const void*>> consumers_of(const Variable& y) {
  std::map<const void*, std::vector<const void*>> consumers;
  std::vector<Variable> todo{y};
  consumers[y.node()];
  while (!todo.empty()) {
    const Variable v = todo.back();
    todo.pop_back();
    for (const Variable& in : v.inputs()) {
      const bool fresh = consumers.find(in.node()) == consumers.end();
      consumers[in.node()].push_back(v.node());
      if (fresh) todo.push_back(in);
    }
  }
  return consumers;
}

}  // namespace

TEST_CASE("backward_trace records each node once, every node after all its consumers") {
  Variable W(Tensor{{0.5, -1.0}, {2.0, 0.25}}, true);
  Variable x(tg::column({1.0, 2.0}), true);
  W.set_name("W");
  const Variable h = tg::tanh(tg::matmul(W, x));
  const Variable y = tg::sum(h * h + tg::sigmoid(h) * x);  // h and x used twice: fan-out
  const auto consumers = consumers_of(y);

  tg::backward_trace trace;
  y.backward(tg::filled({}, 1.0), /*retain_graph=*/true);
  const auto& steps = trace.steps();
  REQUIRE(steps.size() == consumers.size());  // every node that requires grad is reached here
  std::map<const void*, std::size_t> step;
  for (const tg::BackwardStep& s : steps) {
    CHECK(step.emplace(s.node.node(), s.step).second);  // once each
    CHECK(s.pass == 1);
  }
  for (std::size_t i = 0; i < steps.size(); ++i) CHECK(steps[i].step == i + 1);
  CHECK(steps.front().node.same_node(y));
  CHECK(steps.front().op == "sum");
  for (const auto& [node, users] : consumers)
    for (const void* user : users) CHECK(step.at(user) < step.at(node));
  CHECK(trace.step_of(y) == std::size_t{1});
  CHECK(trace.step_of(W).has_value());
  CHECK(steps[*trace.step_of(W) - 1].label == "W");
  CHECK(steps[*trace.step_of(W) - 1].shape == tg::Shape{2, 2});
  CHECK(!trace.step_of(Variable(1.0)).has_value());  // never in this graph
}

TEST_CASE("backward_trace sees tg::grad too, counts passes, nests, and records nothing when absent") {
  Variable x(3.0, true);
  const Variable y = x * x * x;
  {
    tg::backward_trace outer;
    tg::grad({y}, {x}, /*create_graph=*/true);
    {
      tg::backward_trace inner;
      y.backward(tg::filled({}, 1.0), true);
      CHECK(inner.steps().size() == 3);  // mul, mul, x
      CHECK(inner.steps().back().op == "leaf");
    }
    CHECK(outer.steps().size() == 3);  // only its own pass: the inner recorder had the second
    y.backward(tg::filled({}, 1.0), true);
    CHECK(outer.steps().size() == 6);
    CHECK(outer.steps().back().pass == 2);
    CHECK(tg::format_steps(outer.steps()).find("   1  mul ()\n") == 0);
  }
  CHECK(tg::detail::active_backward_trace() == nullptr);
  x.zero_grad();
  y.backward(tg::filled({}, 1.0), true);  // no recorder: nothing to see, and nothing breaks
  CHECK(x.grad()(0) == doctest::Approx(27.0));
}

TEST_CASE("backward_trace holds the nodes it recorded, so no new node can be taken for one of them") {
  const std::size_t before = tg::live_nodes();
  {
    tg::backward_trace trace;
    {
      Variable x(2.0, true);
      tg::sum(tg::exp(x) * x).backward();
    }                                  // the graph is gone...
    CHECK(tg::live_nodes() > before);  // ...but for the nodes the trace holds
    for (int i = 0; i < 100; ++i) {    // new nodes, in memory freed by the graph's others
      const Variable fresh(1.0, true);
      CHECK_FALSE(trace.step_of(fresh).has_value());
    }
  }
  CHECK(tg::live_nodes() == before);
}
