// Pooling kernels (autodiff/pool_kernels.cpp): max and average pooling against loops over their
// definitions, the first-maximum rule for ties, the scatter/gather and average-pooling adjoints,
// and pool_geometry's errors.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"
#include "support/tensors.hpp"

using tg::ConvGeometry;
using tg::Shape;
using tg::Tensor;

namespace {

double dot(const Tensor& a, const Tensor& b) {
  REQUIRE(a.size() == b.size());
  return std::inner_product(a.data(), a.data() + a.size(), b.data(), 0.0);
}

// Max or mean of every window, by the definition.
Tensor loop_pool(const Tensor& x, const ConvGeometry& g, bool max) {
  Tensor y = Tensor::from_shape(g.y_shape());
  for (std::size_t n = 0; n < g.batch; ++n)
    for (std::size_t c = 0; c < g.channels; ++c)
      for (std::size_t i = 0; i < g.out_h(); ++i)
        for (std::size_t j = 0; j < g.out_w(); ++j) {
          double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
          for (std::size_t a = 0; a < g.kernel_h; ++a)
            for (std::size_t b = 0; b < g.kernel_w; ++b) {
              const double v = x(n, c, i * g.stride + a, j * g.stride + b);
              acc = max ? std::max(acc, v) : acc + v;
            }
          y(n, c, i, j) = max ? acc : acc / static_cast<double>(g.kernel_h * g.kernel_w);
        }
  return y;
}

}  // namespace

TEST_CASE("pool_kernels: 2×2 max pooling worked out by hand, ties going to the first maximum") {
  const Tensor x = Tensor{{1, 3, 3, 0}, {2, 0, 1, 4}, {5, 5, 0, 0}, {1, 1, 2, 2}};
  Tensor x4 = x;
  x4.reshape({1, 1, 4, 4});
  const tg::MaxPool m = tg::max_pool2d_values(x4, tg::pool_geometry({1, 1, 4, 4}, 2, 2, "test"));
  tg::test::check_tensor(m.y, {1, 1, 2, 2}, {3, 4, 5, 2});
  // Window (0,0): the 3 at (0,1) = position 1. (0,1): the 4 at (1,3) = 7, although the 3 at
  // (0,2) is in it too. (1,0): 5 twice, the first at (2,0) = 8. (1,1): 2 twice, first (3,2) = 14.
  CHECK(m.argmax == std::vector<std::size_t>{1, 7, 8, 14});
  tg::test::check_tensor(tg::scatter_to_argmax(tg::filled({1, 1, 2, 2}, 1.0), m.argmax, {1, 1, 4, 4}),
                         {1, 1, 4, 4}, {0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0});
}

TEST_CASE(
    "pool_kernels: max and average pooling match their definitions, and their backward is the adjoint") {
  std::uint64_t seed = 1;
  for (std::size_t k = 1; k <= 3; ++k)
    for (std::size_t s = 1; s <= 3; ++s)
      for (const Shape& shape : {Shape{1, 1, 5, 4}, Shape{3, 2, 6, 7}}) {
        CAPTURE(k);
        CAPTURE(s);
        const ConvGeometry g = tg::pool_geometry(shape, k, s, "test");
        const Tensor x = tg::test::random_tensor(shape, tg::test::Domain::any, seed++);
        const Tensor gy = tg::test::random_tensor(g.y_shape(), tg::test::Domain::any, seed++);
        const tg::MaxPool m = tg::max_pool2d_values(x, g);
        CHECK(m.y == loop_pool(x, g, true));
        CHECK(tg::gather_at_argmax(x, m.argmax, g.y_shape()) == m.y);
        // ⟨gather(v), gy⟩ = ⟨v, scatter(gy)⟩ and ⟨avg(x), gy⟩ = ⟨x, avg_input_grad(gy)⟩
        CHECK(dot(m.y, gy) ==
              doctest::Approx(dot(x, tg::scatter_to_argmax(gy, m.argmax, shape))).epsilon(1e-12));
        const Tensor avg = tg::avg_pool2d_values(x, g);
        const Tensor expected = loop_pool(x, g, false);
        for (std::size_t i = 0; i < avg.size(); ++i)
          CHECK(avg.data()[i] == doctest::Approx(expected.data()[i]));
        CHECK(dot(avg, gy) ==
              doctest::Approx(dot(x, tg::avg_pool2d_input_grad_values(gy, g))).epsilon(1e-12));
      }
}

TEST_CASE("pool_kernels: bad arguments are clear errors") {
  const std::size_t minus_one = std::numeric_limits<std::size_t>::max();
  const ConvGeometry g = tg::pool_geometry({1, 1, 4, 4}, 2, 2, "test");
  tg::test::check_bad_inputs({
      {"pool_geometry: window larger than the input",
       [] {
         tg::pool_geometry({1, 1, 3, 5}, 4, 1, "max_pool2d");
       },
       TG_ERROR(tg::shape_error),
       "max_pool2d: x (1,1,3,5): the window's height 4 is larger than the input's 3"},
      {"pool_geometry: x not 4-D",
       [] {
         tg::pool_geometry({3, 4}, 2, 2, "avg_pool2d");
       },
       TG_ERROR(tg::shape_error),
       "avg_pool2d: x (3,4): x must have 4 axes (batch, channels, height, width), it has 2"},
      {"pool_geometry: kernel 0",
       [] {
         tg::pool_geometry({1, 1, 3, 3}, 0, 1, "max_pool2d");
       },
       TG_ERROR(tg::shape_error), "max_pool2d: x (1,1,3,3): kernel 0: the window must be at least 1×1"},
      {"pool_geometry: stride 0",
       [] {
         tg::pool_geometry({1, 1, 3, 3}, 2, 0, "max_pool2d");
       },
       TG_ERROR(tg::shape_error), "max_pool2d: stride 0: the stride must be at least 1"},
      {"pool_geometry: negative stride",
       [=] {
         tg::pool_geometry({1, 1, 3, 3}, 2, minus_one, "max_pool2d");
       },
       TG_ERROR(tg::shape_error), "max_pool2d: stride 18446744073709551615 is a negative number"},
      {"max_pool2d_values: x of another shape",
       [=] {
         tg::max_pool2d_values(Tensor::from_shape({1, 1, 4, 5}), g);
       },
       TG_ERROR(tg::shape_error), "max_pool2d: x is (1,1,4,5), the pooling geometry says (1,1,4,4)"},
      {"avg_pool2d_input_grad_values: gy of another shape",
       [=] {
         tg::avg_pool2d_input_grad_values(Tensor::from_shape({1, 1, 3, 2}), g);
       },
       TG_ERROR(tg::shape_error),
       "avg_pool2d_input_grad: gy is (1,1,3,2), the pooling geometry says (1,1,2,2)"},
      {"scatter_to_argmax: a position outside x",
       [] {
         tg::scatter_to_argmax(tg::filled({2}, 1.0), {0, 9}, {1, 1, 3, 3});
       },
       TG_ERROR(tg::shape_error), "max_pool2d_input_grad: position 9 is outside x (9 elements)"},
      {"gather_at_argmax: y of another size",
       [] {
         tg::gather_at_argmax(tg::filled({4}, 1.0), {0, 1}, {3});
       },
       TG_ERROR(tg::shape_error), "max_pool2d_gather: y (3) does not have one element per output (2)"},
  });
}
