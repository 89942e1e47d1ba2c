// Direct loops, one per equation; no BLAS, no im2col, no autodiff.
#include "nn/conv_reference.hpp"

#include "nn/conv_index.hpp"

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

}  // namespace

Tensor conv_backward_input(const Tensor& delta, const Tensor& w, const Shape& a_shape, std::size_t stride,
                           std::size_t padding) {
  const Dims4 A(a_shape), D(shape_of(delta)), W(shape_of(w));
  Tensor da = Tensor::from_shape(a_shape);
  for (std::size_t n = 0; n < A.n; ++n)
    for (std::size_t c = 0; c < A.c; ++c)
      for (std::size_t y = 0; y < A.h; ++y)
        for (std::size_t x = 0; x < A.w; ++x) {
          // (BP2-conv) Σ_{f,u',v'} δ[n,f,(y+p−K+1+u')/s,(x+p−K'+1+v')/s] · w[f,c,K−1−u',K'−1−v']
          double sum = 0.0;
          for (std::size_t f = 0; f < D.c; ++f)
            for (std::size_t uf = 0; uf < W.h; ++uf)  // u' runs over the flipped kernel
              for (std::size_t vf = 0; vf < W.w; ++vf) {
                const std::size_t u = W.h - 1 - uf, v = W.w - 1 - vf;  // y + p − K+1 + u' = y + p − u
                const auto i = conv_output_at(y, u, stride, padding, D.h);
                const auto j = conv_output_at(x, v, stride, padding, D.w);
                if (i && j) sum += delta.data()[D.at(n, f, *i, *j)] * w.data()[W.at(f, c, u, v)];
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
            for (std::size_t i = 0; i < D.h; ++i)
              for (std::size_t j = 0; j < D.w; ++j) {
                const auto y = conv_input_at(i, u, stride, padding, A.h);
                const auto x = conv_input_at(j, v, stride, padding, A.w);
                if (y && x) sum += delta.data()[D.at(n, f, i, j)] * a.data()[A.at(n, c, *y, *x)];
              }
          dw.data()[W.at(f, c, u, v)] = sum;
        }
  return dw;
}

}  // namespace tg::nn::reference
