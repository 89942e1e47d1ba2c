// The node arena's memory policy (autodiff/memory.hpp, detail/node_arena.hpp) and the compact node's
// parts (node.hpp, detail/): interned op names, labels, edges inside the node or on the heap.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "autodiff/autodiff.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

constexpr std::size_t kNodes = 200'000;
// What may stay after a graph dies: each thread's cache and the slabs they touch.
constexpr std::size_t kSlack = std::size_t{1} << 20;

Variable chain(const Variable& x, std::size_t ops) {
  Variable h = x;
  for (std::size_t i = 0; i < ops; ++i) h = tg::tanh(h);
  return h;
}

}  // namespace

TEST_CASE("a dead graph's node memory goes back to malloc, with or without backward") {
  const std::size_t before = tg::node_arena_bytes();
  {
    Variable x(0.5, true);
    Variable y = chain(x, kNodes);
    CHECK(tg::node_arena_bytes() >= before + kNodes * 300);  // a node block is ~400 bytes
    y.backward();                                            // frees the graph but x and y
    CHECK(tg::node_arena_bytes() <= before + kSlack);
  }
  { Variable y = chain(Variable(0.5, true), kNodes); }
  CHECK(tg::node_arena_bytes() <= before + kSlack);
}

TEST_CASE("node memory goes back when a graph made in one thread dies in another") {
  const std::size_t before = tg::node_arena_bytes();
  Variable y;
  std::thread([&y] { y = chain(Variable(0.5, true), kNodes); }).join();  // its cache is returned
  CHECK(tg::node_arena_bytes() >= before + kNodes * 300);
  y = Variable();  // freed here, into this thread's cache and the pool
  CHECK(tg::node_arena_bytes() <= before + kSlack);

  y = chain(Variable(0.5, true), kNodes);
  std::thread([&y] { y = Variable(); }).join();
  CHECK(tg::node_arena_bytes() <= before + kSlack);
}

TEST_CASE("op names are kept whatever string they came from, and labels out of line") {
  Variable x(Tensor{1.0, 2.0}, true);
  std::string name = "my_";
  name += "scale";
  Variable y =
      tg::define_op(name, 2.0 * x.value(), {{x, [](const tg::Backward& ctx) { return 2.0 * ctx.gy; }}});
  name = "changed";  // the node keeps its own copy of the name
  CHECK(y.op_name() == "my_scale");
  CHECK(x.op_name() == "leaf");
  CHECK(y.name().empty());
  y.set_name("twice x");
  CHECK(y.name() == "twice x");
  y.set_name("");
  CHECK(y.name().empty());
}

TEST_CASE("an op with more inputs than fit in the node keeps them all") {
  Variable a(1.0, true), b(2.0, true), c(3.0, true), d(4.0, true);
  const auto pass = [](const tg::Backward& ctx) { return ctx.gy; };
  Variable y = tg::define_op("sum4", a.value() + b.value() + c.value() + d.value(),
                             {{a, pass}, {b, pass}, {c, pass}, {d, pass}});
  REQUIRE(y.inputs().size() == 4);
  CHECK(y.inputs()[3].same_node(d));
  (y * y).backward();
  for (const Variable& v : {a, b, c, d}) CHECK(v.grad()() == doctest::Approx(20.0));
}
