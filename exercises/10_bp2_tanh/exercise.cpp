// Exercise 10: BP2 for a tanh hidden layer.                          <-- YOUR FILE: edit it
//
// THE TASK
//   Write bp2_tanh below: given W^{l+1}, δ^{l+1} and z^l, return the error δ^l of a hidden
//   layer whose activation is tanh,
//
//     (BP2)  δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l),    σ = tanh,   σ'(z) = 1 − tanh²(z)
//
//   Shapes (one column per example, m examples):
//     W_next  = W^{l+1}: (N^{l+1}, N^l)     w^{l+1}_jk joins neuron k of layer l to neuron j of layer l+1
//     delta_next = δ^{l+1}: (N^{l+1}, m)
//     z       = z^l: (N^l, m)
//     result  = δ^l: (N^l, m)
//
// HINTS
//   - (W^{l+1})ᵀ δ^{l+1}: tg::gemm(A, transpose_a, B, transpose_b) multiplies op(A) op(B) and
//     can read A transposed without copying it: tg::gemm(W_next, true, delta_next, false).
//     (autodiff/blas.hpp)
//   - ⊙ is the elementwise (Hadamard) product: tg::zip("bp2", a, b, std::multiplies<>())
//     (autodiff/elementwise.hpp); tg::map(t, f) applies f to every element.
//     Or loop: t(i, j) reads and writes element (i, j) of a 2-D Tensor.
//   - σ'(z^l) takes z^l, the weighted input, not a^l = tanh(z^l). (Seed 004 slips here: it writes
//     f'(a_j) where f'(z_j) is meant. For tanh, 1 − a² happens to be right, since a = tanh z;
//     1 − tanh²(a) is not.)
//   - Element by element, BP2 reads δ^l_k = (Σ_j w^{l+1}_jk δ^{l+1}_j) σ'(z^l_k) (seed 000's
//     hidden residual, summing over the N^{l+1} neurons of the next layer).
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 10     (or: cmake --build build && ctest --test-dir build -R exercises/10 --output-on-failure)
//   The test (test.cpp) compares your δ^l with nn::backprop's and with the autodiff engine's
//   ∂C/∂z^l, on a worked example and on random tanh networks.
#include "bp2_tanh.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include "autodiff/blas.hpp"         // tg::gemm
#include "autodiff/elementwise.hpp"  // tg::map, tg::zip

namespace tg::exercises {

Tensor bp2_tanh([[maybe_unused]] const Tensor& W_next, [[maybe_unused]] const Tensor& delta_next,
                [[maybe_unused]] const Tensor& z) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/10_bp2_tanh/exercise.cpp)");
}

}  // namespace tg::exercises
