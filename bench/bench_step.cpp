// One training step of a [784, 100, 10] network (sigmoid hidden, softmax output,
// log-likelihood, float64) on a batch of 64, computed two ways:
//   autodiff: forward recorded, C.backward(), SGD update;
//   backprop: nn::backprop's hand-written BP1–BP4, the same SGD update.
// bench/torch_step.py does the same step in PyTorch; bench/run_step.sh runs all three.
#include <benchmark/benchmark.h>

#include <random>

#include "autodiff/autodiff.hpp"
#include "nn/backprop.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

extern "C" void openblas_set_num_threads(int);  // one thread: the comparison is per core

namespace {

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

constexpr std::size_t kBatch = 64;
constexpr double kEta = 0.1;

struct Problem {
  Mlp net{{784, 100, 10}, Activation::sigmoid, Activation::softmax, 1};
  Tensor X = Tensor::from_shape({784, kBatch});  // one column per example
  Tensor Y = tg::filled({10, kBatch}, 0.0);      // one-hot columns
  Cost cost{CostKind::log_likelihood};
  Problem() {
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (double& v : X) v = u(rng);
    for (std::size_t j = 0; j < kBatch; ++j) Y(rng() % 10, j) = 1.0;
  }
};

// θ ← θ − η ∂C/∂θ, in place.
void sgd(const Variable& theta, const Tensor& g) {
  Tensor& v = theta.mutable_value();
  for (std::size_t i = 0; i < v.size(); ++i) v.data()[i] -= kEta * g.data()[i];
}

void BM_step_autodiff(benchmark::State& state) {
  openblas_set_num_threads(1);
  Problem p;
  const std::vector<Variable> params = p.net.parameters();
  for (auto _ : state) {
    const Variable C = cost(p.cost, p.net, p.net.forward_trace(Variable(p.X)), p.Y);
    C.backward();
    for (const Variable& theta : params) {
      sgd(theta, theta.grad());
      theta.zero_grad();
    }
    benchmark::DoNotOptimize(C.item());
  }
}
BENCHMARK(BM_step_autodiff)->Unit(benchmark::kMicrosecond);

void BM_step_backprop(benchmark::State& state) {
  openblas_set_num_threads(1);
  Problem p;
  for (auto _ : state) {
    const BackpropResult r = backprop(p.net, p.X, p.Y, p.cost);
    for (std::size_t l = 2; l <= 3; ++l) {
      sgd(p.net.layer(l).W, r.dW[l]);
      sgd(p.net.layer(l).b, r.db[l]);
    }
    benchmark::DoNotOptimize(r.a[3].data()[0]);
  }
}
BENCHMARK(BM_step_backprop)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  tg::keep_freed_memory_for_reuse();  // as a training program does: both variants alike
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
