// Exercise 02's check: your sum_to_shape against tapegrad's tg::sum_to on a worked example and
// on random shapes (missing leading axes, extent-1 axes, a scalar), and against the gradient the
// engine gives a broadcast input. Run: scripts/grade.sh 02
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/broadcast.hpp"
#include "check.hpp"
#include "sum_to.hpp"

namespace ex = tg::exercises;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint =
    "sum over the leading axes x lacks AND over every axis where x has extent 1 (all copies, not the first "
    "one); add into out, do not assign";

// A random pair (to, from): `to` of rank 1..4, `from` with some leading axes dropped and some
// extents set to 1, at least one of them where `to`'s is larger (so that something is summed).
std::pair<Shape, Shape> random_shapes(std::mt19937_64& rng) {
  Shape to(ex::random_size(rng, 1, 4));
  for (std::size_t& n : to) n = ex::random_size(rng, 1, 4);
  to.back() = ex::random_size(rng, 2, 4);
  Shape from(to.begin() + static_cast<long>(ex::random_size(rng, 0, to.size() - 1)), to.end());
  for (std::size_t& n : from)
    if (rng() % 2) n = 1;
  if (from.size() == to.size()) from.back() = 1;  // else the leading axes are summed
  return {to, from};
}

void check(const Tensor& g, const Shape& from, const std::string& against, const Tensor& want) {
  ex::expect_close("sum_to_shape(g, " + tg::shape_str(from) + ")",
                   "a random g " + tg::shape_str(g) + ", " + against, ex::sum_to_shape(g, from), want, hint,
                   1e-12);
}

}  // namespace

TEST_CASE("02 sum_to: a worked example, (3, 4) summed to (3, 1)") {
  const Tensor g = ex::random_tensor({3, 4}, -1.0, 1.0, 201);
  Tensor want = tg::filled({3, 1}, 0.0);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 4; ++j) want(i, 0) += g(i, j);
  check(g, {3, 1}, "out[i, 0] = Σ_j g[i, j]", want);
}

TEST_CASE("02 sum_to: random shapes, against tg::sum_to") {
  std::mt19937_64 rng = ex::rng_for(202);
  for (int k = 0; k < 10; ++k) {
    const auto [to, from] = random_shapes(rng);
    const Tensor g = ex::random_tensor(to, -1.0, 1.0, rng);
    check(g, from, "against tg::sum_to", tg::sum_to(g, from));
  }
}

TEST_CASE("02 sum_to: to a scalar, the sum of everything") {
  const Tensor g = ex::random_tensor({2, 3}, 0.5, 1.0, 203);
  check(g, {}, "against tg::sum_to", tg::sum_to(g, {}));
}

TEST_CASE("02 sum_to: the gradient the engine gives a broadcast input") {
  // C = Σ w ⊙ (x + y), x broadcast: ∂C/∂x = sum_to(w, x's shape).
  std::mt19937_64 rng = ex::rng_for(204);
  for (int k = 0; k < 5; ++k) {
    const auto [to, from] = random_shapes(rng);
    Variable x(ex::random_tensor(from, -1.0, 1.0, rng), true);
    const Variable y(ex::random_tensor(to, -1.0, 1.0, rng));
    const Tensor w = ex::random_tensor(to, -1.0, 1.0, rng);
    tg::sum(Variable(w) * (x + y)).backward();
    check(w, from, "against the engine's ∂C/∂x for C = Σ w ⊙ (x + y)", x.grad());
  }
}
