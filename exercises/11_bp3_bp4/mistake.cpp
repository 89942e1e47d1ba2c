// Exercise 11, a plausible wrong answer: ∂C/∂b^l as the mean of δ^l's columns: the 1/m, which
// δ^l carries already (from the cost's mean, through BP1), divided out a second time. BP4 is right.
#include "autodiff/blas.hpp"
#include "bp3_bp4.hpp"

namespace tg::exercises {

LayerGrads bp3_bp4(const Tensor& delta, const Tensor& a_prev) {
  const double m = static_cast<double>(delta.shape()[1]);
  Tensor db = filled({delta.shape()[0], 1}, 0.0);
  for (std::size_t i = 0; i < delta.shape()[0]; ++i)
    for (std::size_t x = 0; x < delta.shape()[1]; ++x) db(i, 0) += delta(i, x) / m;  // the slip
  return {gemm(delta, false, a_prev, true), db};
}

}  // namespace tg::exercises
