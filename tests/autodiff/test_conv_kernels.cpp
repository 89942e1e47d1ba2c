// Convolution kernels (autodiff/conv_kernels.cpp): im2col against its definition written as a
// loop, col2im as its adjoint, the matrix-product convolution and its two gradients against the
// direct-loop convolution over a sweep of shapes, and the geometry's errors.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"
#include "support/tensors.hpp"

using tg::ConvGeometry;
using tg::Shape;
using tg::Tensor;

namespace {

Tensor random(const Shape& shape, std::uint64_t seed) {
  return tg::test::random_tensor(shape, tg::test::Domain::any, seed);
}

// ⟨a, b⟩ = Σ_i a_i b_i over tensors of one size.
double dot(const Tensor& a, const Tensor& b) {
  REQUIRE(a.size() == b.size());
  return std::inner_product(a.data(), a.data() + a.size(), b.data(), 0.0);
}

// im2col by its definition, one element at a time:
//   cols[(c·K + a)·K' + b, (n·H' + i)·W' + j] = x[n, c, i·s + a − p, j·s + b − p]   (0 outside x)
Tensor loop_im2col(const Tensor& x, const ConvGeometry& g) {
  Tensor cols = Tensor::from_shape({g.cols_rows(), g.cols_cols()});
  for (std::size_t c = 0; c < g.channels; ++c)
    for (std::size_t a = 0; a < g.kernel_h; ++a)
      for (std::size_t b = 0; b < g.kernel_w; ++b)
        for (std::size_t n = 0; n < g.batch; ++n)
          for (std::size_t i = 0; i < g.out_h(); ++i)
            for (std::size_t j = 0; j < g.out_w(); ++j) {
              const long r = static_cast<long>(i * g.stride + a) - static_cast<long>(g.padding);
              const long q = static_cast<long>(j * g.stride + b) - static_cast<long>(g.padding);
              const bool inside =
                  r >= 0 && q >= 0 && r < static_cast<long>(g.height) && q < static_cast<long>(g.width);
              cols((c * g.kernel_h + a) * g.kernel_w + b, (n * g.out_h() + i) * g.out_w() + j) =
                  inside ? x(n, c, static_cast<std::size_t>(r), static_cast<std::size_t>(q)) : 0.0;
            }
  return cols;
}

// One convolution shape of the sweep.
struct Case {
  Shape x, w;
  std::size_t stride, padding;
};

// The sweep of the issue: kernel 1–5 (square, and K × K−1), stride 1–2, padding 0–2,
// channels 1–3, batch 1 and 7, on a 7×6 input with 2 filters.
std::vector<Case> sweep() {
  std::vector<Case> cases;
  for (std::size_t k = 1; k <= 5; ++k)
    for (std::size_t s = 1; s <= 2; ++s)
      for (std::size_t p = 0; p <= 2; ++p)
        for (std::size_t c = 1; c <= 3; ++c)
          for (std::size_t n : {1, 7}) {
            cases.push_back({{n, c, 7, 6}, {2, c, k, k}, s, p});
            if (k > 1) cases.push_back({{n, c, 7, 6}, {2, c, k, k - 1}, s, p});
          }
  return cases;
}

std::string describe(const Case& c) {
  return fmt::format("x {} w {} stride {} padding {}", tg::shape_str(c.x), tg::shape_str(c.w), c.stride,
                     c.padding);
}

}  // namespace

TEST_CASE("conv_kernels: im2col matches its definition, and col2im is its adjoint, over the sweep") {
  std::uint64_t seed = 1;
  for (const Case& c : sweep()) {
    CAPTURE(describe(c));
    const ConvGeometry g = tg::conv_geometry(c.x, c.w, c.stride, c.padding, "test");
    const Tensor x = random(c.x, seed++);
    const Tensor cols = tg::im2col(x, g);
    REQUIRE(tg::shape_of(cols) == Shape{g.cols_rows(), g.cols_cols()});
    CHECK(cols == loop_im2col(x, g));  // copies only: exactly equal
    // ⟨im2col(x), r⟩ = ⟨x, col2im(r)⟩ for a random r
    const Tensor r = random(tg::shape_of(cols), seed++);
    const Tensor back = tg::col2im(r, g);
    REQUIRE(tg::shape_of(back) == c.x);
    CHECK(dot(cols, r) == doctest::Approx(dot(x, back)).epsilon(1e-12));
  }
}

TEST_CASE("conv_kernels: the matrix-product convolution and its gradients agree with the direct loops") {
  std::uint64_t seed = 1000;
  for (const Case& c : sweep()) {
    CAPTURE(describe(c));
    const ConvGeometry g = tg::conv_geometry(c.x, c.w, c.stride, c.padding, "test");
    const Tensor x = random(c.x, seed++), w = random(c.w, seed++), b = random({c.w[0]}, seed++);
    const Tensor y = tg::conv2d_direct(x, w, b, c.stride, c.padding);
    const Tensor fast = tg::conv2d_values(x, w, b, g);
    REQUIRE(tg::shape_of(fast) == g.y_shape());
    for (std::size_t i = 0; i < y.size(); ++i)
      CHECK(fast.data()[i] == doctest::Approx(y.data()[i]).epsilon(1e-12));
    // The gradients of C = ⟨conv(x, w), gy⟩, which is linear in x and in w, are the adjoints:
    // ⟨conv(x, w), gy⟩ = ⟨x, ∂C/∂x⟩ = ⟨w, ∂C/∂w⟩, the left side by the direct loops.
    const Tensor gy = random(g.y_shape(), seed++);
    const double c_direct = dot(tg::conv2d_direct(x, w, tg::filled({c.w[0]}, 0.0), c.stride, c.padding), gy);
    CHECK(dot(x, tg::conv2d_input_grad_values(gy, w, g)) == doctest::Approx(c_direct).epsilon(1e-12));
    const Tensor dw = tg::conv2d_weight_grad_values(x, gy, g);
    CHECK(dot(w, dw) == doctest::Approx(c_direct).epsilon(1e-12));
    // ∂C/∂w and ∂C/∂b from one gemm (a row of ones under cols): ∂C/∂w as alone, ∂C/∂b[f] the sum
    // of gy over feature map f.
    const tg::ConvParamGrads both = tg::conv2d_param_grad_values(x, gy, g);
    REQUIRE(tg::shape_of(both.w) == c.w);
    REQUIRE(tg::shape_of(both.b) == Shape{c.w[0]});
    for (std::size_t i = 0; i < dw.size(); ++i)
      CHECK(both.w.data()[i] == doctest::Approx(dw.data()[i]).epsilon(1e-12));
    const std::size_t maps = g.out_h() * g.out_w();
    for (std::size_t f = 0; f < c.w[0]; ++f) {
      double sum = 0.0;
      for (std::size_t n = 0; n < c.x[0]; ++n)
        for (std::size_t i = 0; i < maps; ++i) sum += gy.data()[(n * c.w[0] + f) * maps + i];
      CHECK(both.b(f) == doctest::Approx(sum).epsilon(1e-12));
    }
  }
}

// a and b hold the same numbers, bit for bit.
void check_same_bits(const Tensor& a, const Tensor& b) {
  REQUIRE(tg::shape_of(a) == tg::shape_of(b));
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.data()[i] == b.data()[i]);
}

TEST_CASE(
    "conv_kernels: all gradients in one loop are bit for bit those computed one at a time, over the sweep") {
  std::uint64_t seed = 5000;
  for (const Case& c : sweep()) {
    CAPTURE(describe(c));
    const ConvGeometry g = tg::conv_geometry(c.x, c.w, c.stride, c.padding, "test");
    const Tensor x = random(c.x, seed++), w = random(c.w, seed++), gy = random(g.y_shape(), seed++);
    const Tensor dx = tg::conv2d_input_grad_values(gy, w, g);
    const tg::ConvGrads with_b = tg::conv2d_grad_values(x, w, gy, g, true);
    const tg::ConvParamGrads params = tg::conv2d_param_grad_values(x, gy, g);
    check_same_bits(with_b.x, dx);
    check_same_bits(with_b.w, params.w);
    check_same_bits(with_b.b, params.b);
    const tg::ConvGrads without_b = tg::conv2d_grad_values(x, w, gy, g, false);
    check_same_bits(without_b.x, dx);
    check_same_bits(without_b.w, tg::conv2d_weight_grad_values(x, gy, g));
    CHECK(without_b.b.size() == 0);
  }
}

TEST_CASE("conv_kernels: a 2×2 input and kernel with padding 1, worked out by hand") {
  // x = [[1, 2], [3, 4]] (one example, one channel), w = [[10, 20], [30, 40]], b = 0.5, padding 1:
  // y is 3×3. Its centre sees the whole input: 10 + 40 + 90 + 160 = 300; the corner (0,0) sees
  // only x[0,0], through w[1,1]: 40; (0,1) sees x[0,0] and x[0,1] through w[1,0], w[1,1]: 30 + 80.
  const ConvGeometry g = tg::conv_geometry({1, 1, 2, 2}, {1, 1, 2, 2}, 1, 1, "test");
  const Tensor x = tg::test::iota({1, 1, 2, 2});
  const Tensor w = tg::test::iota({1, 1, 2, 2}) * 10.0;
  tg::test::check_tensor(tg::conv2d_values(x, w, tg::filled({1}, 0.5), g), {1, 1, 3, 3},
                         {40.5, 110.5, 60.5, 140.5, 300.5, 140.5, 60.5, 110.5, 40.5});
}

TEST_CASE("conv_kernels: bad arguments are clear errors") {
  const std::size_t minus_one = std::numeric_limits<std::size_t>::max();
  const std::size_t huge = std::size_t{1} << 40;
  tg::test::check_bad_inputs({
      {"conv_geometry: channels differ",
       [] {
         tg::conv_geometry({64, 1, 28, 28}, {20, 3, 5, 5}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: x (64,1,28,28) and w (20,3,5,5): 1 input channel, the kernel expects 3"},
      {"conv_geometry: channels differ (plural)",
       [] {
         tg::conv_geometry({2, 3, 8, 8}, {4, 1, 3, 3}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: x (2,3,8,8) and w (4,1,3,3): 3 input channels, the kernel expects 1"},
      {"conv_geometry: x not 4-D",
       [] {
         tg::conv_geometry({64, 784}, {20, 1, 5, 5}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: x (64,784) and w (20,1,5,5): x must have 4 axes (batch, channels, height, width), it has 2"},
      {"conv_geometry: w not 4-D",
       [] {
         tg::conv_geometry({1, 1, 5, 5}, {5, 5}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "w must have 4 axes (filters, channels, kernel height, kernel width), it has 2"},
      {"conv_geometry: kernel taller than the padded input",
       [] {
         tg::conv_geometry({1, 1, 4, 9}, {2, 1, 7, 3}, 1, 1, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: x (1,1,4,9) and w (2,1,7,3): the kernel's height 7 is larger than the padded input's 6 (height 4 + "
       "2·padding 1)"},
      {"conv_geometry: kernel wider than the input",
       [] {
         tg::conv_geometry({1, 1, 9, 4}, {2, 1, 3, 5}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "the kernel's width 5 is larger than the padded input's 4 (width 4 + 2·padding 0)"},
      {"conv_geometry: empty kernel",
       [] {
         tg::conv_geometry({1, 1, 4, 4}, {2, 1, 0, 3}, 1, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error), "the kernel is 0×3; it must be at least 1×1"},
      {"conv_geometry: stride 0",
       [] {
         tg::conv_geometry({1, 1, 4, 4}, {2, 1, 3, 3}, 0, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error), "conv2d: stride 0: the stride must be at least 1"},
      {"conv_geometry: negative stride",
       [=] {
         tg::conv_geometry({1, 1, 4, 4}, {2, 1, 3, 3}, minus_one, 0, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: stride 18446744073709551615 is a negative number converted to an unsigned size"},
      {"conv_geometry: negative padding",
       [=] {
         tg::conv_geometry({1, 1, 4, 4}, {2, 1, 3, 3}, 1, minus_one, "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: padding 18446744073709551615 is a negative number converted to an unsigned size"},
      {"conv_geometry: more bytes than memory can address",
       [=] {
         tg::conv_geometry({huge, 1, 5, 5}, {2, 1, 3, 3}, 1, huge, "conv2d");
       },
       TG_ERROR(tg::shape_error), "have more bytes than memory can address"},
      {"check_conv_bias: one bias per filter",
       [] {
         tg::check_conv_bias({10}, tg::conv_geometry({1, 1, 5, 5}, {20, 1, 5, 5}, 1, 0, "conv2d"), "conv2d");
       },
       TG_ERROR(tg::shape_error),
       "conv2d: b (10) and w (20,1,5,5): the bias must have one element per filter, (20)"},
      {"im2col: x of another shape",
       [] {
         tg::im2col(Tensor::from_shape({1, 1, 5, 4}),
                    tg::conv_geometry({1, 1, 5, 5}, {2, 1, 3, 3}, 1, 0, "conv2d"));
       },
       TG_ERROR(tg::shape_error), "im2col: x is (1,1,5,4), the geometry says (1,1,5,5)"},
      {"col2im: cols of another shape",
       [] {
         tg::col2im(Tensor::from_shape({9, 8}),
                    tg::conv_geometry({1, 1, 5, 5}, {2, 1, 3, 3}, 1, 0, "conv2d"));
       },
       TG_ERROR(tg::shape_error), "col2im: cols is (9,8), the geometry says (9,9)"},
      {"conv2d_grad_values: gy of another shape",
       [] {
         const ConvGeometry g = tg::conv_geometry({1, 1, 5, 5}, {2, 1, 3, 3}, 1, 0, "conv2d");
         tg::conv2d_grad_values(Tensor::from_shape(g.x_shape()), Tensor::from_shape(g.w_shape()),
                                Tensor::from_shape({1, 2, 3, 2}), g, true);
       },
       TG_ERROR(tg::shape_error), "conv2d_grad: gy is (1,2,3,2), the geometry says (1,2,3,3)"},
  });
}
