// The reverse pass (autodiff/engine.cpp): order, accumulation, release, seeds, tg::grad,
// higher-order gradients, deep graphs and memory.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "autodiff/node.hpp"
#include "support/random.hpp"

using doctest::Approx;
using tg::Tensor;
using tg::Variable;

namespace {

// y = x, with a derivative that counts how often the engine calls it.
Variable counted_identity(const Variable& x, int& calls) {
  return tg::define_op("counted", x.value(), {{x, [&calls](const tg::Backward& ctx) {
                                                 ++calls;
                                                 return ctx.gy;
                                               }}});
}

}  // namespace

TEST_CASE("a value used twice receives both contributions") {
  Variable x(3.0, true);
  Variable y = x * x;  // dy/dx = 2x: one x from each factor
  y.backward();
  CHECK(x.grad()() == Approx(6.0));
}

TEST_CASE("backward visits each node exactly once, after all its consumers") {
  // A diamond: h feeds both branches; its derivative must run once, with the summed gradient.
  int calls = 0;
  Variable x(2.0, true);
  Variable h = counted_identity(x, calls);
  Variable y = h * 3.0 + h * h;  // dy/dh = 3 + 2h = 7
  y.backward();
  CHECK(calls == 1);
  CHECK(x.grad()() == Approx(7.0));
}

TEST_CASE("backward twice without zero_grad sums, as in PyTorch, zero_grad clears") {
  Variable x(Tensor{1.0, 2.0}, true);
  Variable y = tg::sum(x * x);
  y.backward(tg::filled({}, 1.0), /*retain_graph=*/true);
  y.backward();
  CHECK(x.grad()(0) == Approx(4.0));  // 2 passes × 2x
  CHECK(x.grad()(1) == Approx(8.0));
  x.zero_grad();
  CHECK(x.grad()(1) == 0.0);
}

TEST_CASE("a second backward through a released graph is a clear error") {
  Variable x(2.0, true);
  Variable y = tg::exp(x) * x;
  y.backward();
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("already released"), tg::graph_error);
  // The error came before any gradient was touched.
  CHECK(x.grad()() == Approx(std::exp(2.0) * 3.0));
}

TEST_CASE("retain_graph keeps the graph for a second pass") {
  Variable x(2.0, true);
  Variable y = tg::tanh(x);
  y.backward(tg::filled({}, 1.0), true);
  CHECK_NOTHROW(y.backward(tg::filled({}, 1.0), true));
  CHECK(x.grad()() == Approx(2.0 * (1.0 - std::tanh(2.0) * std::tanh(2.0))));
}

TEST_CASE("non-scalar outputs need a seed of their shape") {
  Variable x(Tensor{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, true);
  Variable y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("not a single element"), tg::graph_error);
  CHECK_THROWS_WITH_AS(y.backward(tg::filled({3, 2}, 1.0)),
                       doctest::Contains("seed has shape (3,2) but the output 'mul' (shape (2,3))"),
                       tg::shape_error);
  const Tensor seed = {{1.0, 0.0, -1.0}, {0.5, 2.0, 0.0}};
  y.backward(seed);
  CHECK(x.grad()(0, 2) == Approx(-2.0));  // ∂C/∂x = 2 · seed
  CHECK(x.grad()(1, 1) == Approx(4.0));
}

TEST_CASE("a seed written in braces is a Tensor's values: y.backward({a, b}) compiles and seeds y") {
  Variable x(Tensor{1.0, 2.0}, true);
  const double a = 3.0, b = 5.0;
  (x * x).backward({a, b});  // ∂C/∂x = 2x ⊙ seed
  CHECK(x.grad() == Tensor{6.0, 20.0});

  Variable m(Tensor{{1.0, 2.0}, {3.0, 4.0}}, true);
  (m * 3.0).backward({{1.0, 0.0}, {0.0, -1.0}}, /*retain_graph=*/false);
  CHECK(m.grad() == Tensor{{3.0, 0.0}, {0.0, -3.0}});

  // A brace seed of the wrong shape is the same clear error as a Tensor's.
  Variable col(tg::column({1.0, 2.0}), true);
  CHECK_THROWS_WITH_AS((col * 2.0).backward({a, b}),
                       doctest::Contains("seed has shape (2) but the output 'mul' (shape (2,1))"),
                       tg::shape_error);
}

TEST_CASE("backward hands the seed to the derivatives without a copy, and leaves it unchanged") {
  // y = x + x as one op: both edges lead to x, so x's gradient is the seed added to itself,
  // which must not be added into the seed. `seen` is where each derivative found ∂C/∂y.
  std::vector<const double*> seen;
  const auto twice = [&seen](const Variable& x) {
    const tg::Derivative d = [&seen](const tg::Backward& ctx) {
      seen.push_back(ctx.gy.value().data());
      return ctx.gy;
    };
    return tg::define_op("twice", x.value() * 2.0, {{x, d}, {x, d}});
  };
  Variable x(Tensor{1.0, 2.0, 3.0}, true);
  Tensor moved{1.0, 10.0, 100.0};
  const double* moved_data = moved.data();
  twice(x).backward(std::move(moved));  // a Tensor: moved in
  CHECK(seen == std::vector<const double*>{moved_data, moved_data});
  CHECK(x.grad() == Tensor{2.0, 20.0, 200.0});
  seen.clear();
  x.zero_grad();
  const Variable shared(Tensor{1.0, 2.0, 3.0});  // a Variable: held shared
  twice(x).backward(shared);
  CHECK(seen == std::vector<const double*>{shared.value().data(), shared.value().data()});
  CHECK(x.grad() == Tensor{2.0, 4.0, 6.0});
  CHECK(shared.value() == Tensor{1.0, 2.0, 3.0});
}

TEST_CASE("backward of something that does not require grad is a clear error") {
  Variable a(Tensor{1.0, 2.0}), b(Tensor{3.0, 4.0});
  Variable y = tg::sum(a * b);
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("does not require grad"), tg::graph_error);
}

TEST_CASE("leaves keep grad, intermediates only with retain_grad") {
  Variable x(Tensor{1.0, -2.0}, true);
  Variable h = x * 3.0;
  Variable k = h + 1.0;
  h.retain_grad();
  Variable y = tg::sum(k * k);
  y.backward();
  CHECK(h.grad()(1) == Approx(2.0 * (-6.0 + 1.0)));
  CHECK(x.grad()(1) == Approx(3.0 * 2.0 * (-6.0 + 1.0)));
  CHECK_FALSE(k.has_grad());
  CHECK_THROWS_WITH_AS(k.grad(), doctest::Contains("retain_grad"), tg::graph_error);
}

TEST_CASE("broadcasting is undone in backward: each input gets a gradient of its own shape") {
  Variable col(tg::column({1.0, 2.0, 3.0}), true);       // (3,1)
  Variable row(Tensor{{10.0, 20.0, 30.0, 40.0}}, true);  // (1,4)
  Variable y = tg::sum(col * row);                       // (3,4) summed
  y.backward();
  REQUIRE(col.grad().shape() == std::vector<std::size_t>{3, 1});
  REQUIRE(row.grad().shape() == std::vector<std::size_t>{1, 4});
  CHECK(col.grad()(2, 0) == Approx(100.0));  // Σ_j row_j
  CHECK(row.grad()(0, 3) == Approx(6.0));    // Σ_i col_i
}

TEST_CASE("tg::grad returns gradients as values and leaves .grad alone") {
  Variable x(Tensor{1.0, 2.0, 3.0}, true), w(Tensor{0.5, -1.0, 2.0}, true);
  Variable y = tg::sum(x * w);
  auto g = tg::grad({y}, {x, w});
  REQUIRE(g.size() == 2);
  CHECK(g[0].value()(2) == Approx(2.0));
  CHECK(g[1].value()(0) == Approx(1.0));
  CHECK_FALSE(x.has_grad());
  CHECK_FALSE(g[0].requires_grad());  // without create_graph, plain values
}

TEST_CASE("tg::grad: several outputs add up, inputs may be intermediates, unused inputs get zeros") {
  Variable x(2.0, true), unused(Tensor{1.0, 1.0}, true);
  Variable h = x * x;
  Variable y1 = h * 3.0, y2 = tg::exp(x);
  auto g = tg::grad({y1, y2}, {x, h, unused});
  CHECK(g[0].item() == Approx(12.0 + std::exp(2.0)));
  CHECK(g[1].item() == Approx(3.0));
  CHECK(g[2].value()(1) == 0.0);
  CHECK(g[2].shape() == tg::Shape{2});
}

TEST_CASE("tg::grad: one output given twice adds both seeds and leaves the caller's seeds unchanged") {
  Variable x(Tensor{1.0, 2.0}, true);
  Variable y = x * 3.0;
  const Variable s1(Tensor{1.0, 10.0}), s2(Tensor{2.0, 20.0});
  auto g = tg::grad({y, y}, {x}, {s1, s2});
  CHECK(g[0].value() == Tensor{9.0, 90.0});  // 3 (s1 + s2)
  CHECK(s1.value() == Tensor{1.0, 10.0});
  CHECK(s2.value() == Tensor{2.0, 20.0});
}

TEST_CASE("tg::grad errors name what was wrong") {
  Variable x(Tensor{1.0, 2.0}, true), c(Tensor{1.0, 2.0});
  Variable y = x * 2.0;
  CHECK_THROWS_WITH_AS(tg::grad({tg::sum(y)}, {c}), doctest::Contains("input 0"), tg::graph_error);
  CHECK_THROWS_WITH_AS(tg::grad({tg::sum(c)}, {x}), doctest::Contains("does not require grad"),
                       tg::graph_error);
  CHECK_THROWS_WITH_AS(tg::grad({y}, {x}), doctest::Contains("not a single element"), tg::graph_error);
  CHECK_THROWS_WITH_AS(tg::grad({y}, {x}, {Variable(tg::filled({3}, 1.0))}),
                       doctest::Contains("seed 0 has shape (3) but output 0 has shape (2)"), tg::shape_error);
}

TEST_CASE("create_graph: the Hessian of a small function equals its closed form") {
  // f(a, b, c) = a²b + b³ + e^{ac}
  const double av = 0.7, bv = -1.3, cv = 0.4;
  Variable a(av, true), b(bv, true), c(cv, true);
  Variable f = a * a * b + tg::pow(b, 3.0) + tg::exp(a * c);
  auto g = tg::grad({f}, {a, b, c}, /*create_graph=*/true);
  const double e = std::exp(av * cv);
  CHECK(g[0].item() == Approx(2 * av * bv + cv * e));
  CHECK(g[1].item() == Approx(av * av + 3 * bv * bv));
  CHECK(g[2].item() == Approx(av * e));
  const double H[3][3] = {{2 * bv + cv * cv * e, 2 * av, e + av * cv * e},
                          {2 * av, 6 * bv, 0.0},
                          {e + av * cv * e, 0.0, av * av * e}};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(g[i].requires_grad());
    auto row = tg::grad({g[i]}, {a, b, c}, /*create_graph=*/true);  // keeps f's graph for the next row
    for (int j = 0; j < 3; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(row[j].item() == Approx(H[i][j]).epsilon(1e-12));
    }
  }
}

TEST_CASE("create_graph: a Hessian-vector product agrees with finite differences of gradients") {
  // f(x) = Σ tanh(W x) ⊙ (W x),  Hv = ∇(∇f · v)
  const Tensor W = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 7);
  const Tensor x0 = tg::test::random_tensor({4}, tg::test::Domain::any, 8);
  const Tensor v = tg::test::random_tensor({4}, tg::test::Domain::any, 9);
  auto f = [&W](const Variable& x) {
    Variable z = tg::matmul(Variable(W), x);
    return tg::sum(tg::tanh(z) * z);
  };
  auto gradient = [&f](const Tensor& at) {
    Variable x(at, true);
    return tg::grad({f(x)}, {x})[0].value();
  };
  Variable x(x0, true);
  Variable g = tg::grad({f(x)}, {x}, true)[0];
  Variable hv = tg::grad({tg::sum(g * Variable(v))}, {x})[0];
  const double eps = 1e-5;
  const Tensor fd = (gradient(x0 + eps * v) - gradient(x0 - eps * v)) / (2 * eps);
  for (std::size_t i = 0; i < 4; ++i) CHECK(hv.value()(i) == Approx(fd(i)).epsilon(1e-7));
}

TEST_CASE("a derivative returning a shape that does not fit its input is an error naming the op") {
  Variable x(Tensor{1.0, 2.0}, true);
  Variable y = tg::define_op("bad", x.value(),
                             {{x, [](const tg::Backward&) { return Variable(tg::filled({3}, 1.0)); }}});
  CHECK_THROWS_WITH_AS(y.backward(tg::filled({2}, 1.0)), doctest::Contains("backward of 'bad'"),
                       tg::graph_error);
}

TEST_CASE("an exception in a derivative leaves the graph usable and nothing half-done") {
  Variable x(1.0, true);
  bool fail = true;
  Variable y = tg::define_op("flaky", x.value(), {{x, [&fail](const tg::Backward& ctx) {
                                                     if (fail) throw std::runtime_error("flaky derivative");
                                                     return ctx.gy;
                                                   }}});
  CHECK_THROWS_AS(y.backward(tg::filled({}, 1.0), true), std::runtime_error);
  fail = false;
  y.backward();
  CHECK(x.grad()() == 1.0);
}

TEST_CASE("a chain of 100,000 nodes goes forward, backward and out of scope without recursion") {
  const std::size_t before = tg::live_nodes();
  {
    Variable x(1.0, true);
    Variable h = x;
    for (int i = 0; i < 100000; ++i) h = h * 1.0 + 0.0;  // 200,000 ops
    h.backward();
    CHECK(x.grad()() == Approx(1.0));
  }
  CHECK(tg::live_nodes() == before);
  {
    Variable x(1.0, true);  // dropped without backward: the destructor must not recurse either
    Variable h = x;
    for (int i = 0; i < 100000; ++i) h = tg::tanh(h);
  }
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("a graph released after backward leaves no live intermediate nodes") {
  const std::size_t before = tg::live_nodes();
  Variable W(tg::test::random_tensor({4, 3}, tg::test::Domain::any, 1), true);
  Variable b(tg::test::random_tensor({4, 1}, tg::test::Domain::any, 2), true);
  Variable X(tg::test::random_tensor({3, 5}, tg::test::Domain::any, 3));
  Variable loss = tg::mean(tg::sigmoid(tg::matmul(W, X) + b));
  CHECK(tg::live_nodes() > before + 5);
  loss.backward();
  CHECK(tg::live_nodes() == before + 4);  // W, b, X and loss itself: the rest is gone
  loss = Variable();
  CHECK(tg::live_nodes() == before + 3);
}

TEST_CASE("backward and tg::grad: bad arguments are clear errors") {
  using tg::test::BadInput;
  Variable x(Tensor{1.0, 2.0}, true), c(Tensor{1.0, 2.0});
  const Variable y = x * 2.0;         // (2), requires grad
  const Variable s = tg::sum(y * y);  // ()
  Variable released = tg::sum(tg::exp(x));
  released.backward();  // its graph is gone now
  tg::test::check_bad_inputs({
      {"backward: two elements and no seed", [&] { y.backward(); }, TG_ERROR(tg::graph_error),
       "backward: the output 'mul' (shape (2)) is not a single element; pass a seed of shape (2)"},
      {"backward: a seed of the wrong shape",
       [&] {
         y.backward(tg::filled({2, 1}, 1.0));
       },
       TG_ERROR(tg::shape_error),
       "backward: the seed has shape (2,1) but the output 'mul' (shape (2)) has shape (2)"},
      {"backward: an empty seed", [&] { y.backward(Variable()); }, TG_ERROR(tg::graph_error),
       "backward: the seed is an empty Variable"},
      {"backward: a constant", [] { Variable(1.0).backward(); }, TG_ERROR(tg::graph_error),
       "backward: 'leaf' (shape ()) does not require grad"},
      {"backward: a result computed from constants only", [&] { tg::sum(c * c).backward(); },
       TG_ERROR(tg::graph_error), "backward: 'sum' (shape ()) does not require grad"},
      {"backward: a released graph", [&] { released.backward(); }, TG_ERROR(tg::graph_error),
       "was already released by an earlier backward pass; pass retain_graph=true"},
      {"grad: no outputs", [&] { (void)tg::grad({}, {x}); }, TG_ERROR(tg::graph_error),
       "grad: no outputs given"},
      {"grad: an empty output",
       [&] {
         (void)tg::grad({s, Variable()}, {x});
       },
       TG_ERROR(tg::graph_error), "grad: output 1 is an empty Variable"},
      {"grad: an empty input",
       [&] {
         (void)tg::grad({s}, {x, Variable()});
       },
       TG_ERROR(tg::graph_error), "grad: input 1 is an empty Variable"},
      {"grad: an output of two elements", [&] { (void)tg::grad({y}, {x}); }, TG_ERROR(tg::graph_error),
       "grad: output 0 'mul' (shape (2)) is not a single element; pass seeds"},
      {"grad: an output that does not require grad", [&] { (void)tg::grad({tg::sum(c)}, {x}); },
       TG_ERROR(tg::graph_error), "grad: output 0 'sum' (shape ()) does not require grad"},
      {"grad: an input that does not require grad",
       [&] {
         (void)tg::grad({s}, {x, c});
       },
       TG_ERROR(tg::graph_error),
       "grad: input 1 'leaf' (shape (2)) does not require grad; create it with requires_grad=true"},
      {"grad: two seeds for one output",
       [&] {
         (void)tg::grad({y}, {x}, {Variable(Tensor{1.0, 1.0}), Variable(Tensor{1.0, 1.0})});
       },
       TG_ERROR(tg::graph_error), "grad: 2 seeds for 1 outputs"},
      {"grad: a seed of the wrong shape",
       [&] {
         (void)tg::grad({y}, {x}, {Variable(tg::filled({1, 2}, 1.0))});
       },
       TG_ERROR(tg::shape_error), "grad: seed 0 has shape (1,2) but output 0 has shape (2)"},
      {"grad: an empty seed", [&] { (void)tg::grad({y}, {x}, {Variable()}); }, TG_ERROR(tg::shape_error),
       "grad: seed 0 has shape (empty) but output 0 has shape (2)"},
      {"grad: a released graph", [&] { (void)tg::grad({released}, {x}); }, TG_ERROR(tg::graph_error),
       "already released"},
  });
}
