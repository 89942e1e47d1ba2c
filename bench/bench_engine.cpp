// bench_engine: what the engine costs on top of the arithmetic it asks for.
//
// 1. chain/<op>: 64 calls of one op, each on the previous result, starting from a one-element
//    leaf x (shape (1,1)) that requires grad; binary ops take a second one-element leaf w that
//    requires grad too. Then backward() from the last result. With one element the arithmetic
//    is next to nothing, so the time is the engine's own: a node, a Tensor and the std::function
//    edges per op, the topological sort, the derivative calls (which build small Variables
//    themselves), the accumulation into .grad, and the graph's release. Counter ns_per_op is the
//    CPU time of forward + backward (+ teardown) divided by the 64 op calls; nodes_per_op is how
//    many graph nodes one call records (mean and max are composites of two nodes each).
//    Two variants of mul split that time: chain_fwd/mul records the same chain without backward
//    (the graph is still built and torn down), chain_nograd/mul computes it under tg::no_grad
//    (nothing recorded: the cost of the values alone).
// 2. matmul256/tapegrad: Y = A B for 256×256 leaves A and B, then Y.backward(G) for a fixed random
//    G = ∂C/∂Y. matmul256/bare_gemm: the three cblas_dgemm calls that work needs, into buffers
//    allocated once. The ratio of the two times is the engine's overhead on a large op.
//
// Everything is single-threaded: OpenBLAS is set to one thread in main (see there).
// All data is fixed: constants for the chains, std::mt19937_64 with fixed seeds for matmul.
//
// Run through bench/run_engine.sh, which builds, runs with repetitions and prints a summary.

#include <cblas.h>  // the bare-gemm baseline. Never with xtensor-blas in one file: they clash.

#include <benchmark/benchmark.h>

#include <time.h>  // clock_gettime(CLOCK_THREAD_CPUTIME_ID)

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"

// OpenBLAS's thread-count switch (also declared by OpenBLAS's cblas.h; repeated here so the
// program says what it depends on). It governs tapegrad's matmul and the baseline alike.
extern "C" void openblas_set_num_threads(int num_threads);
extern "C" int openblas_get_num_threads(void);

namespace {

using tg::Shape;
using tg::Tensor;
using tg::Variable;

// ---------------------------------------------------------------------------------------------
// 1. Per-op cost on one-element tensors
// ---------------------------------------------------------------------------------------------

constexpr int kChain = 64;  // op calls per chain

// One step of a chain: x_{k+1} = step(x_k, w, k). k lets a chain alternate two ops.
using Step = Variable (*)(const Variable& x, const Variable& w, int k);

struct ChainSpec {
  const char* name;  // the benchmark is chain/<name>
  double x0;         // the leaf x: shape (1,1), this value
  double w;          // the leaf w: shape (1,1), this value (used by binary ops only)
  Step step;
};

// Start values are chosen so that 64 steps, and the gradients flowing back through them, stay
// finite and well away from subnormals (which would slow the arithmetic down):
// - add/sub/mul/div by w near 0 or near 1 drift slowly; tanh shrinks like √(3/2k), sigmoid
//   settles at its fixed point 0.659, sqrt at 1, pow(1, 2) stays 1 (its gradient is 2⁶⁴ ≈ 1.8e19),
//   relu and abs keep a positive value; softmax and log_softmax of one element are 1 and 0.
// - sum, mean and max of one element are the identity. sum(x) and mean(x) reduce the (1,1) leaf
//   to a 0-d tensor on the first step and keep it 0-d; max(x) is reshape + max along axis 0.
// - reshape alternates (1,1) -> (1) -> (1,1), so every step really changes the shape.
// - exp and log cannot be iterated alone: eˣ > x, so exp∘exp∘… overflows within five steps,
//   and ln x < x, so log∘log∘… goes negative (NaN) within five. They alternate with a cheap
//   partner into a convergent iteration, and all 64 calls are counted:
//     exp_neg: x -> e^(−x)     (32 neg + 32 exp; converges to 0.567, the omega constant)
//     log_add: x -> ln(x + 2)  (32 add-a-double + 32 log; converges to 1.146)
//   The summary recovers the single op: exp ≈ 2·exp_neg − neg, log ≈ 2·log_add − add_scalar.
const std::vector<ChainSpec>& chain_specs() {
  static const std::vector<ChainSpec> specs{
      {"add", 0.5, 1e-3, [](const Variable& x, const Variable& w, int) { return x + w; }},
      {"sub", 0.5, 1e-3, [](const Variable& x, const Variable& w, int) { return x - w; }},
      {"mul", 0.5, 0.999, [](const Variable& x, const Variable& w, int) { return x * w; }},
      {"div", 0.5, 1.001, [](const Variable& x, const Variable& w, int) { return x / w; }},
      {"neg", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return -x; }},
      {"add_scalar", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return x + 1e-3; }},
      {"mul_scalar", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return x * 0.999; }},
      {"exp_neg", 0.5, 0.0,
       [](const Variable& x, const Variable&, int k) { return k % 2 == 0 ? -x : tg::exp(x); }},
      {"log_add", 0.5, 0.0,
       [](const Variable& x, const Variable&, int k) { return k % 2 == 0 ? x + 2.0 : tg::log(x); }},
      {"pow2", 1.0, 0.0, [](const Variable& x, const Variable&, int) { return tg::pow(x, 2.0); }},
      {"sqrt", 2.0, 0.0, [](const Variable& x, const Variable&, int) { return tg::sqrt(x); }},
      {"abs", -0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::abs(x); }},
      {"tanh", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::tanh(x); }},
      {"sigmoid", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::sigmoid(x); }},
      {"relu", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::relu(x); }},
      {"sum", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::sum(x); }},
      {"mean", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::mean(x); }},
      {"max", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::max(x); }},
      // (1,1) @ (1,1) -> (1,1)
      {"matmul", 0.5, 0.999, [](const Variable& x, const Variable& w, int) { return tg::matmul(x, w); }},
      {"reshape", 0.5, 0.0,
       [](const Variable& x, const Variable&, int k) {
         return tg::reshape(x, k % 2 == 0 ? Shape{1} : Shape{1, 1});
       }},
      // (1,1) -> (1,1)
      {"transpose", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::transpose(x); }},
      {"softmax", 0.5, 0.0, [](const Variable& x, const Variable&, int) { return tg::softmax(x, 0); }},
      {"log_softmax", 0.5, 0.0,
       [](const Variable& x, const Variable&, int) { return tg::log_softmax(x, 0); }},
  };
  return specs;
}

// x: (1,1), w: (1,1) -> the result of kChain steps (one element)
Variable build_chain(const ChainSpec& spec, const Variable& x, const Variable& w) {
  Variable y = x;
  for (int k = 0; k < kChain; ++k) y = spec.step(y, w, k);
  return y;
}

Variable one_element_leaf(double v) { return Variable(tg::filled({1, 1}, v), /*requires_grad=*/true); }

// CPU time this thread has used, in ns.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

bool all_finite(const Tensor& t) {
  for (double v : t)
    if (!std::isfinite(v)) return false;
  return true;
}

enum class Mode {
  forward_backward,  // record the chain, backward() through it (the figure asked for)
  forward_only,      // record the chain and drop it: recording + teardown, no backward
  no_grad,           // compute the chain under tg::no_grad: values only, nothing recorded
};

void bm_chain(benchmark::State& state, const ChainSpec& spec, Mode mode) {
  // Untimed check on fresh leaves: the chain and its gradients are finite, and how many nodes
  // one op call leaves in the graph (live_nodes counts every node alive in the program).
  {
    Variable x = one_element_leaf(spec.x0), w = one_element_leaf(spec.w);
    const std::size_t before = tg::live_nodes();
    Variable y = build_chain(spec, x, w);
    const double nodes = static_cast<double>(tg::live_nodes() - before) / kChain;
    y.backward();
    if (!all_finite(y.value()) || !all_finite(x.grad())) {
      state.SkipWithError("the chain or its gradient is not finite: change its start values");
      return;
    }
    state.counters["nodes_per_op"] = nodes;
  }

  // The timed leaves live across iterations. Their .grad is created by the first backward and
  // added to (+=) by every later one, as in training without zero_grad; one (1,1) += per leaf
  // and chain, which the 64 ops amortise.
  Variable x = one_element_leaf(spec.x0), w = one_element_leaf(spec.w);
  const double start = thread_cpu_ns();
  for (auto _ : state) {
    if (mode == Mode::no_grad) {
      tg::no_grad guard;
      Variable y = build_chain(spec, x, w);
      benchmark::DoNotOptimize(y.value().data());
    } else {
      Variable y = build_chain(spec, x, w);
      benchmark::DoNotOptimize(y.value().data());
      if (mode == Mode::forward_backward) y.backward();  // seed 1; then the graph is released
    }  // y goes out of scope: the chain's nodes are destroyed (timed: it is part of the cost)
    benchmark::ClobberMemory();
  }
  const double elapsed = thread_cpu_ns() - start;
  if (mode == Mode::forward_backward) benchmark::DoNotOptimize(x.grad().data());

  // ns per op call: this thread's CPU time over the whole loop / op calls, as a plain number.
  // (A Counter with kInvert gives the same figure in seconds, which the console prints with an
  // "s" suffix.) CPU time, not wall time: on a shared machine it leaves out time spent
  // descheduled, and everything here runs on this one thread.
  state.counters["ns_per_op"] = elapsed / (static_cast<double>(state.iterations()) * kChain);
  state.SetItemsProcessed(state.iterations() * kChain);  // items_per_second: ops per second
}

// ---------------------------------------------------------------------------------------------
// 2. 256×256 matmul: tapegrad forward + backward against the bare BLAS work
// ---------------------------------------------------------------------------------------------

constexpr std::size_t kN = 256;
// One forward and two backward gemms of n×n by n×n, 2n³ flops each.
constexpr double kMatmulFlops = 3.0 * 2.0 * kN * kN * kN;

// (n, n), entries uniform in [−1, 1), from a fixed seed.
Tensor random_matrix(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Tensor t = Tensor::from_shape({n, n});
  for (double& v : t) v = u(gen);
  return t;
}

void set_matmul_counters(benchmark::State& state) {
  state.counters["flops"] = benchmark::Counter(kMatmulFlops, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

// A: (256,256), B: (256,256) -> Y = A B: (256,256); seed G: (256,256)
// backward: A.grad += G Bᵀ, B.grad += Aᵀ G (tapegrad's matmul derivative is one gemm with
// transpose flags per input, so the engine runs the same three gemms as the baseline below; the
// difference is its own work: result and gradient tensors allocated per call, the seed copied
// into a Variable, the nodes, and the += into .grad, which lives across iterations).
void bm_matmul_tapegrad(benchmark::State& state) {
  Variable a(random_matrix(kN, 1), /*requires_grad=*/true);
  Variable b(random_matrix(kN, 2), /*requires_grad=*/true);
  const Tensor g = random_matrix(kN, 3);
  for (auto _ : state) {
    Variable y = tg::matmul(a, b);
    y.backward(g);
    benchmark::DoNotOptimize(a.grad().data());
    benchmark::DoNotOptimize(b.grad().data());
    benchmark::ClobberMemory();
  }
  set_matmul_counters(state);
}

// The least work any engine must do for the same result: three row-major cblas_dgemm calls
// into buffers allocated once, the transposes read through the flags (no transposed copies):
//   C  = A B     (256,256) @ (256,256)
//   dA = G Bᵀ    (256,256) @ (256,256)ᵀ
//   dB = Aᵀ G    (256,256)ᵀ @ (256,256)
// beta = 0 overwrites; beta = 1 (accumulating like .grad +=) would cost the same.
void bm_matmul_bare_gemm(benchmark::State& state) {
  const Tensor ta = random_matrix(kN, 1), tb = random_matrix(kN, 2), tgrad = random_matrix(kN, 3);
  const std::vector<double> a(ta.begin(), ta.end()), b(tb.begin(), tb.end()), g(tgrad.begin(), tgrad.end());
  std::vector<double> c(kN * kN), da(kN * kN), db(kN * kN);
  const int n = static_cast<int>(kN);
  for (auto _ : state) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0,
                c.data(), n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, g.data(), n, b.data(), n, 0.0,
                da.data(), n);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, g.data(), n, 0.0,
                db.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::DoNotOptimize(da.data());
    benchmark::DoNotOptimize(db.data());
    benchmark::ClobberMemory();
  }
  set_matmul_counters(state);
}

void register_benchmarks() {
  for (const ChainSpec& spec : chain_specs()) {
    benchmark::RegisterBenchmark((std::string("chain/") + spec.name).c_str(), [&spec](benchmark::State& s) {
      bm_chain(s, spec, Mode::forward_backward);
    })->Unit(benchmark::kMicrosecond);
  }
  const ChainSpec& mul = chain_specs()[2];
  benchmark::RegisterBenchmark("chain_fwd/mul", [&mul](benchmark::State& s) {
    bm_chain(s, mul, Mode::forward_only);
  })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("chain_nograd/mul", [&mul](benchmark::State& s) {
    bm_chain(s, mul, Mode::no_grad);
  })->Unit(benchmark::kMicrosecond);

  // Both times are reported (Time = wall, CPU = this thread). With one OpenBLAS thread the gemms
  // run on the calling thread, so CPU time counts all the work and is the steadier of the two
  // on a shared machine; main checks that OpenBLAS really has one thread.
  benchmark::RegisterBenchmark("matmul256/tapegrad", bm_matmul_tapegrad)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("matmul256/bare_gemm", bm_matmul_bare_gemm)->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  // One OpenBLAS thread, so the comparison is single-threaded on both sides: by default OpenBLAS
  // starts a thread per core for a 256×256 gemm, and the per-op chains run on one thread anyway.
  openblas_set_num_threads(1);
  if (openblas_get_num_threads() != 1) {
    std::fprintf(stderr, "bench_engine: could not set OpenBLAS to one thread\n");
    return 1;
  }
  benchmark::AddCustomContext("openblas_threads", "1");
  // Large results (a 256×256 matmul's are 512 KB each) come from reused heap memory, not
  // fresh pages per iteration: the policy a program that computes in a loop sets (see
  // autodiff/memory.hpp). The bare-gemm baseline writes into buffers allocated once.
  tg::keep_freed_memory_for_reuse();

  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
