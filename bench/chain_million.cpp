// A chain of 1,000,000 recorded scalar ops (h ← tanh(h) · w, alternating), forward, backward
// and out of scope: no recursion anywhere, so no stack overflow, and no node left alive.
// Prints the time of each phase and the peak resident memory.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "autodiff/autodiff.hpp"

int main() {
  using clock = std::chrono::steady_clock;
  const auto ms = [](clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  constexpr int kOps = 1'000'000;
  const std::size_t before = tg::live_nodes();
  double forward_ms, backward_ms, teardown_ms, grad;
  std::size_t live_in_graph;
  {
    tg::Variable x(0.5, true), w(1.0, true);
    const auto t0 = clock::now();
    tg::Variable h = x;
    for (int i = 0; i < kOps / 2; ++i) h = tg::tanh(h) * w;  // two ops a step
    const auto t1 = clock::now();
    live_in_graph = tg::live_nodes() - before;
    h.backward();
    const auto t2 = clock::now();
    grad = x.grad()();
    h = tg::Variable();
    const auto t3 = clock::now();
    forward_ms = ms(t0, t1);
    backward_ms = ms(t1, t2);
    teardown_ms = ms(t2, t3);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("chain of %d ops: forward %.1f ms, backward %.1f ms, teardown %.1f ms (%.0f ns/op in all)\n",
              kOps, forward_ms, backward_ms, teardown_ms,
              (forward_ms + backward_ms + teardown_ms) * 1e6 / kOps);
  std::printf("nodes alive in the graph: %zu; after: %zu; dx = %.6g; peak RSS %.0f MB\n", live_in_graph,
              tg::live_nodes() - before, grad, static_cast<double>(usage.ru_maxrss) / 1024.0);
  return tg::live_nodes() == before ? 0 : 1;
}
