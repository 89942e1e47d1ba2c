// Direct loops, one per equation; no BLAS, no im2col, no autodiff.
#include "nn/conv_reference.hpp"

namespace tg::nn::reference {

namespace {

// The extents of a (N, C, H, W) tensor, and the flat position of one element.
struct Dims4 {
  std::size_t n, c, h, w;
  explicit Dims4(const Shape& s) : n(s[0]), c(s[1]), h(s[2]), w(s[3]) {}
  std::size_t at(std::size_t i0, std::size_t i1, std::size_t i2, std::size_t i3) const {
    return ((i0 * c + i1) * h + i2) * w + i3;
  }
};

// The input position i·s + u − p of output position i and kernel offset u, or false when it
// lies in the zero padding.
bool source(std::size_t i, std::size_t u, std::size_t stride, std::size_t padding, std::size_t extent,
            std::size_t& y) {
  const std::size_t padded = i * stride + u;
  if (padded < padding || padded - padding >= extent) return false;
  y = padded - padding;
  return true;
}

// The output position i with i·s = t, when t ≥ 0 is a multiple of s below extent·s.
bool output_at(long t, std::size_t stride, std::size_t extent, std::size_t& i) {
  if (t < 0 || t % static_cast<long>(stride) != 0) return false;
  i = static_cast<std::size_t>(t) / stride;
  return i < extent;
}

}  // namespace

Tensor conv_backward_input(const Tensor& delta, const Tensor& w, const Shape& a_shape, std::size_t stride,
                           std::size_t padding) {
  const Dims4 A(a_shape), D(shape_of(delta)), W(shape_of(w));
  const long p = static_cast<long>(padding), K = static_cast<long>(W.h), K2 = static_cast<long>(W.w);
  Tensor da = Tensor::from_shape(a_shape);
  for (std::size_t n = 0; n < A.n; ++n)
    for (std::size_t c = 0; c < A.c; ++c)
      for (std::size_t y = 0; y < A.h; ++y)
        for (std::size_t x = 0; x < A.w; ++x) {
          // (BP2-conv) Σ_{f,u',v'} δ[n,f,(y+p−K+1+u')/s,(x+p−K'+1+v')/s] · w[f,c,K−1−u',K'−1−v']
          double sum = 0.0;
          for (std::size_t f = 0; f < D.c; ++f)
            for (long uf = 0; uf < K; ++uf)  // u' runs over the flipped kernel
              for (long vf = 0; vf < K2; ++vf) {
                std::size_t i = 0, j = 0;
                if (output_at(static_cast<long>(y) + p - K + 1 + uf, stride, D.h, i) &&
                    output_at(static_cast<long>(x) + p - K2 + 1 + vf, stride, D.w, j))
                  sum += delta.data()[D.at(n, f, i, j)] *
                         w.data()[W.at(f, c, static_cast<std::size_t>(K - 1 - uf),
                                       static_cast<std::size_t>(K2 - 1 - vf))];
              }
          da.data()[A.at(n, c, y, x)] = sum;
        }
  return da;
}

Tensor conv_backward_weights(const Tensor& a, const Tensor& delta, const Shape& w_shape, std::size_t stride,
                             std::size_t padding) {
  const Dims4 A(shape_of(a)), D(shape_of(delta)), W(w_shape);
  Tensor dw = Tensor::from_shape(w_shape);
  for (std::size_t f = 0; f < W.n; ++f)
    for (std::size_t c = 0; c < W.c; ++c)
      for (std::size_t u = 0; u < W.h; ++u)
        for (std::size_t v = 0; v < W.w; ++v) {
          double sum = 0.0;  // (BP4-conv) Σ_{n,i,j} δ[n,f,i,j] a[n,c,i·s+u−p,j·s+v−p]
          for (std::size_t n = 0; n < D.n; ++n)
            for (std::size_t i = 0, y = 0; i < D.h; ++i)
              for (std::size_t j = 0, x = 0; j < D.w; ++j)
                if (source(i, u, stride, padding, A.h, y) && source(j, v, stride, padding, A.w, x))
                  sum += delta.data()[D.at(n, f, i, j)] * a.data()[A.at(n, c, y, x)];
          dw.data()[W.at(f, c, u, v)] = sum;
        }
  return dw;
}

}  // namespace tg::nn::reference
