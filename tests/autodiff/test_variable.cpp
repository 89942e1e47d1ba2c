// Variable (autodiff/variable.cpp): leaves, values, gradients, flags, names.
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"

using tg::Tensor;
using tg::Variable;

TEST_CASE("a leaf holds its value and flags") {
  Variable x(Tensor{{1.0, 2.0}}, true);
  CHECK(x.defined());
  CHECK(x.shape() == tg::Shape{1, 2});
  CHECK(x.numel() == 2);
  CHECK(x.requires_grad());
  CHECK(x.is_leaf());
  CHECK(x.op_name() == "leaf");
  CHECK_FALSE(x.has_grad());

  Variable s(2.5);
  CHECK(s.shape().empty());
  CHECK(s.item() == 2.5);
  CHECK_FALSE(s.requires_grad());
  CHECK_THROWS_WITH_AS(x.item(), doctest::Contains("shape (1,2)"), tg::shape_error);
}

TEST_CASE("requires_grad propagates from inputs to results") {
  Variable a(1.0, true), c(2.0);
  CHECK((a * c).requires_grad());
  CHECK_FALSE((c * c).requires_grad());
  CHECK((c * c).is_leaf());  // nothing to record: a constant
  Variable y = a * c;
  CHECK_FALSE(y.is_leaf());
  CHECK(y.op_name() == "mul");
  REQUIRE(y.inputs().size() == 2);
  CHECK(y.inputs()[0].same_node(a));
}

TEST_CASE("grad() explains why there is none") {
  Variable c(1.0);
  CHECK_THROWS_WITH_AS(c.grad(), doctest::Contains("does not require grad"), tg::graph_error);
  Variable x(1.0, true);
  CHECK_THROWS_WITH_AS(x.grad(), doctest::Contains("backward() has not reached it"), tg::graph_error);
}

TEST_CASE("zero_grad sets the gradient to zeros of the value's shape") {
  Variable x(Tensor{1.0, 2.0, 3.0}, true);
  tg::sum(x * x).backward();
  CHECK(x.grad()(2) == 6.0);
  x.zero_grad();
  REQUIRE(x.has_grad());
  CHECK(x.grad() == tg::filled({3}, 0.0));
}

TEST_CASE("take_value moves the value out of a node nobody else holds, and copies it otherwise") {
  Variable x(Tensor{{1.0, 2.0, 3.0}}, true);
  Variable g = tg::grad({tg::sum(x * x)}, {x})[0];  // 2x, held by g alone
  const double* storage = g.value().data();
  const Tensor moved = tg::take_value(std::move(g));
  CHECK(moved == Tensor{{2.0, 4.0, 6.0}});
  CHECK(moved.data() == storage);  // the very buffer: no copy
  CHECK_FALSE(g.defined());        // NOLINT(bugprone-use-after-move): emptied, as documented

  Variable shared(Tensor{{5.0, 6.0}});
  Variable other = shared;  // a second handle on the same node
  const Tensor copied = tg::take_value(std::move(shared));
  CHECK(copied == Tensor{{5.0, 6.0}});
  CHECK(other.value() == Tensor{{5.0, 6.0}});  // the other holder still sees its value
  CHECK(copied.data() != other.value().data());

  CHECK_THROWS_WITH_AS(tg::take_value(Variable()), doctest::Contains("take_value: the Variable is empty"),
                       tg::graph_error);
}

TEST_CASE("detach gives a leaf with the same value and no history") {
  Variable x(Tensor{1.0, 2.0}, true);
  Variable y = x * 3.0;
  Variable d = y.detach();
  CHECK(d.is_leaf());
  CHECK_FALSE(d.requires_grad());
  CHECK(d.value() == y.value());
  CHECK_FALSE(d.same_node(y));
  // Gradients do not flow through a detached value.
  Variable z = tg::sum(d * x);
  z.backward();
  CHECK(x.grad() == d.value());
}

TEST_CASE("set_requires_grad works on leaves only, retain_grad needs requires_grad") {
  Variable x(1.0);
  x.set_requires_grad(true);
  CHECK(x.requires_grad());
  Variable y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.set_requires_grad(false), doctest::Contains("only leaves"), tg::graph_error);
  Variable c(1.0);
  CHECK_THROWS_WITH_AS(c.retain_grad(), doctest::Contains("does not require grad"), tg::graph_error);
  CHECK(y.retain_grad().retains_grad());
}

TEST_CASE("mutable_value changes a leaf in place, and only a leaf") {
  Variable w(Tensor{1.0, 2.0}, true);
  w.mutable_value() -= Tensor{0.5, 0.5};
  CHECK(w.value() == Tensor{0.5, 1.5});
  Variable y = w * 2.0;
  CHECK_THROWS_WITH_AS(y.mutable_value(), doctest::Contains("only leaves"), tg::graph_error);
}

TEST_CASE("names label nodes for pictures") {
  Variable W(tg::column({1.0}), true);
  W.set_name("W^2");
  CHECK(W.name() == "W^2");
  CHECK(Variable(1.0).name().empty());
}

TEST_CASE("an empty Variable is an error, not a crash") {
  Variable e;
  CHECK_FALSE(e.defined());
  CHECK_THROWS_WITH_AS(e.value(), doctest::Contains("empty"), tg::graph_error);
  CHECK_THROWS_AS(e.backward(), tg::graph_error);
  CHECK_THROWS_WITH_AS(tg::define_op("f", tg::scalar_tensor(1.0),
                                     {{e, [](const tg::Backward& ctx) { return ctx.gy; }}}),
                       doctest::Contains("f: input 0 is an empty Variable"), tg::graph_error);
}

TEST_CASE("retain_grad on a leaf changes nothing: a leaf that requires grad keeps its gradient anyway") {
  Variable x(Tensor{1.0, 2.0}, true);
  x.retain_grad();
  tg::sum(x * x).backward();
  CHECK(x.grad() == Tensor{2.0, 4.0});
}

TEST_CASE("Variable: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Variable e;  // empty: no node
  Variable x(Tensor{{1.0, 2.0}}, true);
  Variable y = x * 2.0;
  tg::test::check_bad_inputs({
      {"item: two elements", [&] { (void)x.item(); }, TG_ERROR(tg::shape_error),
       "item: the Variable has shape (1,2), not one element"},
      {"item: no elements", [] { (void)Variable(Tensor::from_shape({0})).item(); }, TG_ERROR(tg::shape_error),
       "item: the Variable has shape (0), not one element"},
      {"mutable_value: the result of an op", [&] { (void)y.mutable_value(); }, TG_ERROR(tg::graph_error),
       "mutable_value: 'mul' is the result of an op; only leaves can be changed in place"},
      {"grad: a constant",
       [] {
         (void)Variable(Tensor{1.0, 2.0}).grad();
       },
       TG_ERROR(tg::graph_error),
       "grad: this Variable ('leaf', shape (2)) does not require grad, so it never gets one"},
      {"grad: before any backward", [&] { (void)x.grad(); }, TG_ERROR(tg::graph_error),
       "grad: no gradient yet for 'leaf' (shape (1,2)): backward() has not reached it"},
      {"grad: an intermediate without retain_grad", [&] { (void)y.grad(); }, TG_ERROR(tg::graph_error),
       "grad: 'mul' (shape (1,2)) is an intermediate result; call retain_grad() on it before backward()"},
      {"set_requires_grad: the result of an op", [&] { y.set_requires_grad(false); },
       TG_ERROR(tg::graph_error),
       "set_requires_grad: 'mul' is the result of an op; only leaves can change requires_grad"},
      {"retain_grad: a constant", [] { Variable(1.0).retain_grad(); }, TG_ERROR(tg::graph_error),
       "retain_grad: 'leaf' (shape ()) does not require grad"},
      // Every method of an empty handle names itself.
      {"value of an empty Variable", [&] { (void)e.value(); }, TG_ERROR(tg::graph_error),
       "Variable::value: the Variable is empty (default-constructed)"},
      {"mutable_value of an empty Variable", [&] { (void)e.mutable_value(); }, TG_ERROR(tg::graph_error),
       "Variable::mutable_value: the Variable is empty"},
      {"shape of an empty Variable", [&] { (void)e.shape(); }, TG_ERROR(tg::graph_error),
       "Variable::shape: the Variable is empty"},
      {"numel of an empty Variable", [&] { (void)e.numel(); }, TG_ERROR(tg::graph_error),
       "Variable::numel: the Variable is empty"},
      {"item of an empty Variable", [&] { (void)e.item(); }, TG_ERROR(tg::graph_error),
       "Variable::item: the Variable is empty"},
      {"grad of an empty Variable", [&] { (void)e.grad(); }, TG_ERROR(tg::graph_error),
       "Variable::grad: the Variable is empty"},
      {"zero_grad of an empty Variable", [&] { e.zero_grad(); }, TG_ERROR(tg::graph_error),
       "Variable::zero_grad: the Variable is empty"},
      {"requires_grad of an empty Variable", [&] { (void)e.requires_grad(); }, TG_ERROR(tg::graph_error),
       "Variable::requires_grad: the Variable is empty"},
      {"set_requires_grad of an empty Variable", [] { Variable().set_requires_grad(true); },
       TG_ERROR(tg::graph_error), "Variable::set_requires_grad: the Variable is empty"},
      {"is_leaf of an empty Variable", [&] { (void)e.is_leaf(); }, TG_ERROR(tg::graph_error),
       "Variable::is_leaf: the Variable is empty"},
      {"retain_grad of an empty Variable", [] { Variable().retain_grad(); }, TG_ERROR(tg::graph_error),
       "Variable::retain_grad: the Variable is empty"},
      {"retains_grad of an empty Variable", [&] { (void)e.retains_grad(); }, TG_ERROR(tg::graph_error),
       "Variable::retains_grad: the Variable is empty"},
      {"detach of an empty Variable", [&] { (void)e.detach(); }, TG_ERROR(tg::graph_error),
       "Variable::detach: the Variable is empty"},
      {"op_name of an empty Variable", [&] { (void)e.op_name(); }, TG_ERROR(tg::graph_error),
       "Variable::op_name: the Variable is empty"},
      {"name of an empty Variable", [&] { (void)e.name(); }, TG_ERROR(tg::graph_error),
       "Variable::name: the Variable is empty"},
      {"set_name of an empty Variable", [] { Variable().set_name("W"); }, TG_ERROR(tg::graph_error),
       "Variable::set_name: the Variable is empty"},
      {"inputs of an empty Variable", [&] { (void)e.inputs(); }, TG_ERROR(tg::graph_error),
       "Variable::inputs: the Variable is empty"},
      {"backward of an empty Variable", [&] { e.backward(); }, TG_ERROR(tg::graph_error),
       "backward: the Variable is empty (default-constructed)"},
      {"backward with a seed, of an empty Variable", [&] { e.backward(tg::scalar_tensor(1.0)); },
       TG_ERROR(tg::graph_error), "backward: the Variable is empty (default-constructed)"},
  });
}
