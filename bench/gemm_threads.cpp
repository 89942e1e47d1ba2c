// Where a second BLAS thread starts to pay: cblas_dgemm timed with one OpenBLAS thread and with
// all cores, at the shapes of tapegrad's own products (the [784,100,10] network at batch 1..256,
// its chunked evaluation, the wide network of bench/workloads, and the per-example and whole-batch im2col products of a LeNet-like
// conv net on 28×28 images). The thread policy's crossover (autodiff/blas_threads.hpp) was
// chosen from this table; docs/benchmarks.md quotes it.
//
//   gemm_threads [--rounds N]     one line per shape: m n k, m·n·k, µs with 1 thread and with
//                                 all, and their ratio (above 1: all cores win); then what one
//                                 openblas_set_num_threads call costs
//
// Each time is the median over rounds of a loop long enough (≥ 20 ms) for the clock; the two
// settings alternate round by round so that load from elsewhere falls on both alike.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct Shape {
  const char* what;
  int m, n, k;
  bool ta, tb;
};

// clang-format off
// The [784,100,10] step at batch B, examples as columns: W¹x, W²a¹ (forward), (W²)ᵀδ² (BP2),
// δ²(a¹)ᵀ and δ¹xᵀ (BP4). Conv: network3's layers, 20 and 40 filters of 5×5, per example
// (autodiff/conv_kernels.cpp) and for the whole batch at once (nn/conv_backprop.cpp).
std::vector<Shape> shapes() {
  std::vector<Shape> s;
  for (int b : {1, 10, 32, 64, 128, 256}) {
    s.push_back({"fc W1 x",     100, b,   784, false, false});
    s.push_back({"fc W2 a1",    10,  b,   100, false, false});
    s.push_back({"fc W2' d2",   100, b,   10,  true,  false});
    s.push_back({"fc d2 a1'",   10,  100, b,   false, true});
    s.push_back({"fc d1 x'",    100, 784, b,   false, true});
  }
  for (int b : {1000, 2000, 5000, 10000})
    s.push_back({"eval W1 x",   100, b,   784, false, false});
  s.push_back({"wide W1 x",     1024, 256, 784,  false, false});  // [784,1024,1024,10], batch 256
  s.push_back({"wide W2 a1",    1024, 256, 1024, false, false});
  s.push_back({"conv1 W cols",  20,  576, 25,  false, false});
  s.push_back({"conv1 d cols'", 20,  25,  576, false, true});
  s.push_back({"conv2 W cols",  40,  64,  500, false, false});
  s.push_back({"conv2 W' d",    500, 64,  40,  true,  false});
  s.push_back({"conv2 d cols'", 40,  500, 64,  false, true});
  for (int b : {10, 64}) {
    s.push_back({"conv1 batch",   20,  576 * b, 25,     false, false});
    s.push_back({"conv1 dW batch", 20, 25,      576 * b, false, true});
    s.push_back({"conv2 batch",   40,  64 * b,  500,    false, false});
    s.push_back({"conv2 dW batch", 40, 500,     64 * b, false, true});
  }
  return s;
}
// clang-format on

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// µs per call of f over a loop of `calls` calls.
template <class F>
double micros(F&& f, long calls) {
  const auto t0 = clock_type::now();
  for (long i = 0; i < calls; ++i) f();
  return 1e6 * seconds_since(t0) / static_cast<double>(calls);
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The median µs of one product with 1 thread and with `cores`, alternating round by round.
void time_shape(const Shape& s, int cores, int rounds) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> a(static_cast<std::size_t>(s.m) * s.k), b(static_cast<std::size_t>(s.k) * s.n),
      c(static_cast<std::size_t>(s.m) * s.n);
  for (double& v : a) v = u(rng);
  for (double& v : b) v = u(rng);
  auto product = [&] {
    cblas_dgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans, s.m, s.n,
                s.k, 1.0, a.data(), s.ta ? s.m : s.k, b.data(), s.tb ? s.k : s.n, 0.0, c.data(), s.n);
  };
  openblas_set_num_threads(1);
  long calls = 1;
  while (micros(product, calls) * static_cast<double>(calls) < 20e3) calls *= 2;  // warm-up, loop length
  std::vector<double> one, all;
  for (int r = 0; r < rounds; ++r) {
    openblas_set_num_threads(1);
    one.push_back(micros(product, calls));
    openblas_set_num_threads(cores);
    all.push_back(micros(product, calls));
  }
  const double t1 = median(one), tn = median(all);
  std::printf("%-15s %5d %6d %6d %12.0f %10.2f %10.2f %6.2f\n", s.what, s.m, s.n, s.k,
              static_cast<double>(s.m) * s.n * s.k, t1, tn, t1 / tn);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  if (argc == 3 && std::strcmp(argv[1], "--rounds") == 0) rounds = std::atoi(argv[2]);
  if (rounds < 1 || (argc != 1 && argc != 3)) {
    std::fprintf(stderr, "usage: gemm_threads [--rounds N]   (N: a positive integer)\n");
    return 2;
  }
  const int cores = openblas_get_num_procs();
  std::printf("OpenBLAS core %s, %d cores; µs per cblas_dgemm, median of %d rounds\n",
              openblas_get_corename(), cores, rounds);
  std::printf("%-15s %5s %6s %6s %12s %10s %10s %6s\n", "product", "m", "n", "k", "m*n*k", "1 thread",
              "all cores", "1T/all");
  for (const Shape& s : shapes()) time_shape(s, cores, rounds);
  // What switching costs: the policy calls openblas_set_num_threads when a product's choice differs
  // from the last one.
  const double switch_us =
      micros([n = 0]() mutable { openblas_set_num_threads(1 + (n++ & 1) * (openblas_get_num_procs() - 1)); },
             100000);
  std::printf("openblas_set_num_threads, alternating 1 and %d: %.3f µs a call\n", cores, switch_us);
}
