// No autodiff here: loops over each window, as the equations in the header read.
#include "nn/pooling.hpp"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg::nn {

std::string to_string(Pool pool) { return pool == Pool::max ? "max" : "average"; }

void check_pool(const char* who, const PoolGeometry& g, const Shape& input) {
  if (input.size() != 4)
    throw shape_error(fmt::format("{}: input {} is not (N, C, H, W)", who, shape_str(input)));
  if (g.kernel == 0 || g.stride == 0)
    throw std::invalid_argument(
        fmt::format("{}: window {} and stride {} must be ≥ 1", who, g.kernel, g.stride));
  if (g.kernel > input[2] || g.kernel > input[3])
    throw shape_error(fmt::format("{}: a {}×{} window does not fit the {}×{} maps of input {}", who, g.kernel,
                                  g.kernel, input[2], input[3], shape_str(input)));
}

namespace {

// Calls f(offsets, dst) for every window, in row-major order: offsets[e] is the flat position in
// a^{l−1} of the window's element e (row-major within the window), dst the window's output.
template <class F>
void for_each_window(const Shape& in, const PoolGeometry& g, F f) {
  const std::size_t H = in[2], W = in[3], Ho = g.out(H), Wo = g.out(W);
  std::vector<std::size_t> offsets(g.kernel * g.kernel);
  for (std::size_t map = 0; map < in[0] * in[1]; ++map)  // one (n, c) feature map at a time
    for (std::size_t i = 0; i < Ho; ++i)
      for (std::size_t j = 0; j < Wo; ++j) {
        for (std::size_t u = 0; u < g.kernel; ++u)
          for (std::size_t v = 0; v < g.kernel; ++v)
            offsets[u * g.kernel + v] = (map * H + i * g.stride + u) * W + j * g.stride + v;
        f(offsets, (map * Ho + i) * Wo + j);
      }
}

Shape out_shape(const Shape& in, const PoolGeometry& g) { return {in[0], in[1], g.out(in[2]), g.out(in[3])}; }

}  // namespace

std::size_t window_argmax(const double* a, const std::vector<std::size_t>& offsets) {
  std::size_t best = offsets[0];
  for (std::size_t o : offsets)
    if (a[o] > a[best]) best = o;
  return best;
}

Tensor pool_forward(Pool pool, const Tensor& a, const PoolGeometry& g) {
  check_pool("pool_forward", g, shape_of(a));
  Tensor out = Tensor::from_shape(out_shape(shape_of(a), g));
  const double* in = a.data();
  const double k2 = static_cast<double>(g.kernel * g.kernel);
  for_each_window(shape_of(a), g, [&](const std::vector<std::size_t>& window, std::size_t dst) {
    if (pool == Pool::max) {
      out.data()[dst] = in[window_argmax(in, window)];  // max over the window
      return;
    }
    double sum = 0.0;
    for (std::size_t o : window) sum += in[o];
    out.data()[dst] = sum / k2;  // 1/k² Σ over the window
  });
  return out;
}

Tensor pool_backward(Pool pool, const Tensor& a, const Tensor& delta, const PoolGeometry& g) {
  check_pool("pool_backward", g, shape_of(a));
  if (shape_of(delta) != out_shape(shape_of(a), g))
    throw shape_error(fmt::format("pool_backward: δ {} does not fit the pooled shape {} of input {}",
                                  shape_str(delta), shape_str(out_shape(shape_of(a), g)), shape_str(a)));
  Tensor da = filled(shape_of(a), 0.0);
  const double k2 = static_cast<double>(g.kernel * g.kernel);
  for_each_window(shape_of(a), g, [&](const std::vector<std::size_t>& window, std::size_t dst) {
    const double d = delta.data()[dst];
    if (pool == Pool::max) {
      da.data()[window_argmax(a.data(), window)] += d;  // (BP2-pool) max: δ to the argmax
      return;
    }
    for (std::size_t o : window) da.data()[o] += d / k2;  // (BP2-pool) average: δ/k² to every position
  });
  return da;
}

}  // namespace tg::nn
