// Pooling by hand (nn/pooling.cpp): the forward pass on numbers worked out on paper, and
// (BP2-pool) against central differences of the forward pass.
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"
#include "nn/pooling.hpp"
#include "support/engine_gradients.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {

// ∂/∂a of Σ r ⊙ pool(a), by central differences: (BP2-pool)'s δ^l is r.
Tensor numeric_pool_grad(Pool pool, const Tensor& a, const Tensor& r, const PoolGeometry& g) {
  const tg::Variable x(a, true);
  return tg::central_differences(x, [&] {
    const Tensor out = pool_forward(pool, x.value(), g);
    double s = 0.0;
    for (std::size_t i = 0; i < out.size(); ++i) s += out.data()[i] * r.data()[i];
    return s;
  });
}

Tensor image(std::initializer_list<double> values, std::size_t h, std::size_t w) {
  Tensor t = Tensor::from_shape({1, 1, h, w});
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

}  // namespace

TEST_CASE("pooling: a 4×4 map, 2×2 windows 2 apart: the max and the mean of each window") {
  const Tensor a = image({1, 2, 5, 0,  //
                          3, 4, 1, 1,  //
                          0, 0, 2, 8,  //
                          1, 7, 3, 3},
                         4, 4);
  const PoolGeometry g{2, 2};
  CHECK(pool_forward(Pool::max, a, g) == image({4, 5, 7, 8}, 2, 2));
  CHECK(pool_forward(Pool::average, a, g) == image({2.5, 1.75, 2, 4}, 2, 2));
  // (BP2-pool): max sends each window's δ to its argmax; average spreads δ/4.
  const Tensor delta = image({10, 20, 30, 40}, 2, 2);
  CHECK(pool_backward(Pool::max, a, delta, g) == image({0, 0, 20, 0,  //
                                                        0, 10, 0, 0,  //
                                                        0, 0, 0, 40,  //
                                                        0, 30, 0, 0},
                                                       4, 4));
  CHECK(pool_backward(Pool::average, a, delta, g) == image({2.5, 2.5, 5, 5,    //
                                                            2.5, 2.5, 5, 5,    //
                                                            7.5, 7.5, 10, 10,  //
                                                            7.5, 7.5, 10, 10},
                                                           4, 4));
}

TEST_CASE("pooling: a tie sends all of δ to the first maximum in row-major order") {
  const Tensor a = image({1, 3, 3, 0}, 2, 2);
  CHECK(pool_backward(Pool::max, a, image({1}, 1, 1), PoolGeometry{2, 2}) == image({0, 1, 0, 0}, 2, 2));
}

TEST_CASE("pooling: (BP2-pool) agrees with central differences, overlapping windows and a batch included") {
  for (const Pool pool : {Pool::max, Pool::average})
    for (const PoolGeometry g :
         {PoolGeometry{2, 2}, PoolGeometry{3, 1}, PoolGeometry{3, 2}, PoolGeometry{1, 1}}) {
      CAPTURE(to_string(pool));
      CAPTURE(g.kernel);
      CAPTURE(g.stride);
      const Tensor a =
          tg::test::random_tensor({2, 3, 7, 6}, tg::test::Domain::any, 11);  // no ties: random reals
      const Tensor r =
          tg::test::random_tensor(tg::shape_of(pool_forward(pool, a, g)), tg::test::Domain::any, 12);
      CHECK(tg::test::rel(pool_backward(pool, a, r, g), numeric_pool_grad(pool, a, r, g)) < 1e-8);
    }
}

TEST_CASE(
    "pooling: a window larger than the map, a zero window or stride, a δ of the wrong shape are refused") {
  const Tensor a = tg::filled({1, 2, 3, 3}, 1.0);
  CHECK_THROWS_WITH_AS(pool_forward(Pool::max, a, PoolGeometry{4, 1}),
                       "pool_forward: a 4×4 window does not fit the 3×3 maps of input (1,2,3,3)",
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(pool_forward(Pool::average, a, PoolGeometry{2, 0}),
                       "pool_forward: window 2 and stride 0 must be ≥ 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      pool_backward(Pool::max, a, tg::filled({1, 2, 2, 1}, 1.0), PoolGeometry{2, 1}),
      "pool_backward: δ (1,2,2,1) does not fit the pooled shape (1,2,2,2) of input (1,2,3,3)",
      tg::shape_error);
}
