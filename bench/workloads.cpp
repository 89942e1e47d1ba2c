// The tapegrad side of bench/compare.py: each workload of the speed comparison, timed here and
// printed as one JSON object on stdout. bench/torch_workloads.py does the same work in PyTorch;
// the roofline workloads time only the bare cblas_dgemm calls the work needs.
//
//   workloads xor-step            seed 002's 2-2-1 network on the four XOR examples: one
//                                 full-batch step (forward, backward, SGD), pure overhead
//   workloads chain               1,000,000 recorded scalar ops h ← tanh(h) · w, forward and
//                                 backward; ns per op and the heap each op holds
//   workloads wide-step           [784,1024,1024,10] at batch 256: one step (compute-bound)
//   workloads wide-roofline       its eight gemm calls alone
//   workloads grad-ratio          [784,100,10] at batch 64: forward alone, gradient by the
//                                 engine, gradient by BP1–BP4; gradient cost / forward cost
//   workloads epoch-roofline B    the five gemm calls of each [784,100,10] step of a
//                                 60000-example epoch at batch B
//   workloads conv B              conv2d forward + backward of network3's first layer shape at
//                                 batch B, and the gemm calls alone it needs (the roofline)
//   workloads sgd-update B        an epoch's SGD updates alone, [784,100,10] at batch B (60000/B
//                                 of them): the pass over θ and ∂C/∂θ a step makes beside its gemms
//   workloads gather B            one epoch's shuffled batches of B columns of a (784, 60000)
//                                 matrix, by nn::ColumnGatherer (of doubles, and of bytes as
//                                 images are held) and by select_columns, its reference
//                                 (nn/column_gatherer.hpp); and the gatherer's copy
//
// Every network: sigmoid hidden layers, float64, W ~ N(0, 1/n_in), SGD. Threads: OpenBLAS reads
// OPENBLAS_NUM_THREADS, so the caller chooses one or two. Times are medians over rounds. The
// allocator keeps freed memory for reuse, as in the tapegrad program (autodiff/memory.hpp).
#include <cblas.h>   // the roofline's bare gemm; never in one file with xtensor-blas (docs/design.md)
#include <malloc.h>  // mallinfo2: the heap in use, for the chain's bytes per op

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "autodiff/node.hpp"  // sizeof(Node): what the chain's bytes per op are made of
#include "nn/cost.hpp"
#include "nn/data/synthetic.hpp"
#include "nn/mlp.hpp"
#include "nn/optimizer.hpp"
#include "nn/train.hpp"

namespace {

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// The median over `rounds` rounds of the time of one call of f, each round long enough
// (≥ 0.1 s) that the clock's resolution does not matter; after one warm-up round.
double median_seconds(const std::function<void()>& f, int rounds = 7) {
  std::size_t n = 1;
  for (;;) {  // warm up, and find how many calls make a round
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) f();
    if (seconds_since(t0) >= 0.1) break;
    n *= 2;
  }
  std::vector<double> per_call;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) f();
    per_call.push_back(seconds_since(t0) / static_cast<double>(n));
  }
  std::nth_element(per_call.begin(), per_call.begin() + rounds / 2, per_call.end());
  return per_call[static_cast<std::size_t>(rounds / 2)];
}

Tensor uniform_inputs(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Tensor X = Tensor::from_shape({rows, cols});
  for (double& v : X) v = u(rng);
  return X;
}

Tensor one_hot_targets(std::size_t classes, std::size_t cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor Y = tg::filled({classes, cols}, 0.0);
  for (std::size_t j = 0; j < cols; ++j) Y(rng() % classes, j) = 1.0;
  return Y;
}

// One SGD step of net on (X, Y), with the gradients from the engine: what nn::train does.
double time_step(Mlp& net, const Cost& cost, const Tensor& X, const Tensor& Y, double eta) {
  Sgd opt(net.parameters(), eta);
  return median_seconds([&] { opt.step(gradients(net, X, Y, cost, GradientSource::autodiff)); });
}

int xor_step() {
  const data::Examples xor_set = data::xor_gate();
  Mlp net({2, 2, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  const Cost cost{CostKind::cross_entropy};
  const double s = time_step(net, cost, xor_set.X, xor_set.Y, 0.5);
  fmt::print("{{\"workload\": \"xor-step\", \"us_per_step\": {:.4f}}}\n", s * 1e6);
  return 0;
}

// Bytes malloc has handed out and not taken back: in use from the heap, plus mmapped blocks.
double heap_bytes() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

int chain() {
  constexpr int kOps = 1'000'000;
  std::vector<double> fwd, bwd, heap;
  for (int round = 0; round < 3; ++round) {
    const double heap0 = heap_bytes();
    Variable x(0.5, true), w(1.0, true);
    auto t0 = clock_type::now();
    Variable h = x;
    for (int i = 0; i < kOps / 2; ++i) h = tg::tanh(h) * w;  // two ops a step
    fwd.push_back(seconds_since(t0));
    heap.push_back((heap_bytes() - heap0) / kOps);
    t0 = clock_type::now();
    h.backward();  // frees the graph as it goes (no retain_graph), as PyTorch does
    bwd.push_back(seconds_since(t0));
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  fmt::print(
      "{{\"workload\": \"chain\", \"ops\": {}, \"forward_ns_per_op\": {:.2f}, \"backward_ns_per_op\": {:.2f}, "
      "\"ns_per_op\": {:.2f}, \"heap_bytes_per_op\": {:.1f}, \"value_bytes_per_op\": {}, \"node_bytes\": {}, "
      "\"tensor_bytes\": {}}}\n",
      kOps, median(fwd) * 1e9 / kOps, median(bwd) * 1e9 / kOps, (median(fwd) + median(bwd)) * 1e9 / kOps,
      median(heap), sizeof(double), sizeof(tg::detail::Node), sizeof(Tensor));
  return 0;
}

int wide_step() {
  Mlp net({784, 1024, 1024, 10}, Activation::sigmoid, Activation::softmax, 1);
  const Cost cost{CostKind::log_likelihood};
  const double s = time_step(net, cost, uniform_inputs(784, 256, 2), one_hot_targets(10, 256, 3), 0.1);
  fmt::print("{{\"workload\": \"wide-step\", \"ms_per_step\": {:.4f}}}\n", s * 1e3);
  return 0;
}

// C (m×n) = op(A) op(B) on row-major buffers, as tg::gemm calls it.
struct Gemm {
  bool ta, tb;
  int m, n, k;
  std::vector<double> a, b, c;
  Gemm(bool ta_, bool tb_, int m_, int n_, int k_)
      : ta(ta_),
        tb(tb_),
        m(m_),
        n(n_),
        k(k_),
        a(std::size_t(m_) * k_, 0.5),
        b(std::size_t(k_) * n_, 0.25),
        c(std::size_t(m_) * n_) {}
  void run() {
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0,
                a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0, c.data(), n);
  }
};

// The gemm calls of one step of an MLP with these sizes at batch b (Nielsen's layout, one
// column per example): forward z^l = W^l a^{l−1} for each layer; backward ∂C/∂W^l = δ^l (a^{l−1})ᵀ
// for each layer and (W^{l+1})ᵀ δ^{l+1} for each hidden layer (BP2). Nothing else.
std::vector<Gemm> step_gemms(const std::vector<int>& sizes, int b) {
  std::vector<Gemm> g;
  for (std::size_t l = 1; l < sizes.size(); ++l) g.emplace_back(false, false, sizes[l], b, sizes[l - 1]);
  for (std::size_t l = sizes.size() - 1; l >= 1; --l) {
    g.emplace_back(false, true, sizes[l], sizes[l - 1], b);              // BP4
    if (l >= 2) g.emplace_back(true, false, sizes[l - 1], b, sizes[l]);  // BP2's (W^{l+1})ᵀ δ^{l+1}
  }
  return g;
}

int wide_roofline() {
  std::vector<Gemm> g = step_gemms({784, 1024, 1024, 10}, 256);
  const double s = median_seconds([&] {
    for (Gemm& x : g) x.run();
  });
  fmt::print("{{\"workload\": \"wide-roofline\", \"gemms\": {}, \"ms_per_step\": {:.4f}}}\n", g.size(),
             s * 1e3);
  return 0;
}

int epoch_roofline(int batch) {
  constexpr int kExamples = 60000;
  std::vector<Gemm> full = step_gemms({784, 100, 10}, batch);
  std::vector<Gemm> last = step_gemms({784, 100, 10}, kExamples % batch == 0 ? batch : kExamples % batch);
  const int full_steps = kExamples / batch;
  const double s = median_seconds(
      [&] {
        for (int i = 0; i < full_steps; ++i)
          for (Gemm& x : full) x.run();
        if (kExamples % batch != 0)
          for (Gemm& x : last) x.run();
      },
      5);
  fmt::print("{{\"workload\": \"epoch-roofline\", \"batch\": {}, \"seconds_per_epoch\": {:.4f}}}\n", batch,
             s);
  return 0;
}

// An epoch's SGD updates θ ← θ − η g on [784,100,10] at batch `batch`, with fixed gradients and
// no gemm: the memory-bound pass over θ and g (1.3 MB) that each step makes and the roofline
// leaves out. η is tiny, so θ stays what it was.
int sgd_update(int batch) {
  Mlp net({784, 100, 10}, Activation::sigmoid, Activation::softmax, 1);
  Sgd opt(net.parameters(), 1e-300);
  std::vector<Tensor> g;
  for (const Variable& p : net.parameters()) g.push_back(tg::filled(p.shape(), 0.5));
  const int steps = (60000 + batch - 1) / batch;
  const double s = median_seconds(
      [&] {
        for (int i = 0; i < steps; ++i) opt.step(g);
      },
      5);
  fmt::print("{{\"workload\": \"sgd-update\", \"batch\": {}, \"seconds_per_epoch\": {:.4f}}}\n", batch, s);
  return 0;
}

int gather(int batch) {
  constexpr std::size_t kExamples = 60000;
  const Tensor X = uniform_inputs(784, kExamples, 4);
  std::mt19937_64 rng = epoch_generator(1, 1);
  const std::vector<std::vector<std::size_t>> batches =
      make_batches(kExamples, static_cast<std::size_t>(batch), true, rng);
  double sink = 0.0;  // every result is read, so that none of the work can be left out
  const double copy = median_seconds([&] { sink += ColumnGatherer(X).gather({0})(0, 0); }, 5);
  const ColumnGatherer gatherer(X);
  const auto epoch = [&](const auto& gather_one) {
    return median_seconds(
        [&] {
          for (const std::vector<std::size_t>& b : batches) sink += gather_one(b)(0, 0);
        },
        5);
  };
  const double fast = epoch([&](const std::vector<std::size_t>& b) { return gatherer.gather(b); });
  const double reference = epoch([&](const std::vector<std::size_t>& b) { return select_columns(X, b); });
  std::vector<std::uint8_t> pixels(784 * kExamples);  // images as training reads them: bytes, v / 255
  for (std::size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<std::uint8_t>(i * 2654435761u >> 24);
  const ColumnGatherer image_gatherer(std::move(pixels), 784, 255.0);
  const double bytes = epoch([&](const std::vector<std::size_t>& b) { return image_gatherer.gather(b); });
  fmt::print(
      "{{\"workload\": \"gather\", \"batch\": {}, \"gatherer_ms_per_epoch\": {:.3f}, "
      "\"bytes_gatherer_ms_per_epoch\": {:.3f}, \"reference_ms_per_epoch\": {:.3f}, \"copy_ms\": {:.3f}, "
      "\"checksum\": {:.6g}}}\n",
      batch, fast * 1e3, bytes * 1e3, reference * 1e3, copy * 1e3, sink);
  return 0;
}

// conv2d forward + backward of Nielsen's network3 first layer: x (B,1,28,28), w (20,1,5,5), b (20),
// y = conv2d(x, w, b) (B,20,24,24), then y.backward(G) for a fixed random G. Twice: with x a
// constant (a first layer: the data needs no gradient) and with x requiring grad (any later
// layer: ∂C/∂x too). The roofline: the gemm calls that work makes (autodiff/conv_kernels.cpp,
// one example at a time, cols_n being (C·K·K', H'·W') = (25, 576)): y_n = W cols_n,
// ∂C/∂w += gy_n cols_nᵀ, and for a later layer Wᵀ gy_n; B of each. And for comparison the same
// products as one gemm each over the whole batch, cols (25, B·576).
int conv(int batch) {
  const auto b = static_cast<std::size_t>(batch);
  Tensor X = uniform_inputs(b, 784, 5), G = uniform_inputs(b * 20, 576, 6);
  X.reshape({b, 1, 28, 28});
  G.reshape({b, 20, 24, 24});
  Tensor W = uniform_inputs(20, 25, 7);
  W.reshape({20, 1, 5, 5});
  Variable w(W, true), bias(tg::filled({20}, 0.1), true), x_data(X), x_layer(X, true);
  const Variable gy(G);  // held shared by each pass, not copied, as PyTorch's y.backward(G)
  const double first = median_seconds([&] { tg::conv2d(x_data, w, bias).backward(gy); });
  const double later = median_seconds([&] { tg::conv2d(x_layer, w, bias).backward(gy); });
  const auto gemms = [](std::vector<Gemm>& calls, int times) {
    return median_seconds([&] {
      for (int n = 0; n < times; ++n)
        for (Gemm& c : calls) c.run();
    });
  };
  std::vector<Gemm> per_example{{false, false, 20, 576, 25}, {false, true, 20, 25, 576}};
  const double roof_first = gemms(per_example, batch);
  per_example.emplace_back(true, false, 25, 576, 20);
  const double roof_later = gemms(per_example, batch);
  std::vector<Gemm> whole{{false, false, 20, 576 * batch, 25},
                          {false, true, 20, 25, 576 * batch},
                          {true, false, 25, 576 * batch, 20}};
  const double roof_whole = gemms(whole, 1);
  fmt::print(
      "{{\"workload\": \"conv\", \"batch\": {}, \"first_layer_ms\": {:.4f}, \"first_layer_roofline_ms\": {:.4f}, "
      "\"layer_ms\": {:.4f}, \"layer_roofline_ms\": {:.4f}, \"layer_whole_batch_gemms_ms\": {:.4f}}}\n",
      batch, first * 1e3, roof_first * 1e3, later * 1e3, roof_later * 1e3, roof_whole * 1e3);
  return 0;
}

int grad_ratio() {
  Mlp net({784, 100, 10}, Activation::sigmoid, Activation::softmax, 1);
  const Cost c{CostKind::log_likelihood};
  const Tensor X = uniform_inputs(784, 64, 2), Y = one_hot_targets(10, 64, 3);
  const double forward = median_seconds([&] {
    tg::no_grad off;
    cost(c, net, net.forward_trace(Variable(X)), Y).item();
  });
  const double autodiff = median_seconds([&] { gradients(net, X, Y, c, GradientSource::autodiff); });
  const double backprop = median_seconds([&] { gradients(net, X, Y, c, GradientSource::backprop); });
  fmt::print(
      "{{\"workload\": \"grad-ratio\", \"forward_us\": {:.3f}, \"autodiff_us\": {:.3f}, \"backprop_us\": {:.3f}, "
      "\"autodiff_ratio\": {:.4f}, \"backprop_ratio\": {:.4f}}}\n",
      forward * 1e6, autodiff * 1e6, backprop * 1e6, autodiff / forward, backprop / forward);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tg::keep_freed_memory_for_reuse();  // as the tapegrad program does (autodiff/memory.hpp)
  const std::string name = argc > 1 ? argv[1] : "";
  try {
    if (name == "xor-step" && argc == 2) return xor_step();
    if (name == "chain" && argc == 2) return chain();
    if (name == "wide-step" && argc == 2) return wide_step();
    if (name == "wide-roofline" && argc == 2) return wide_roofline();
    if (name == "grad-ratio" && argc == 2) return grad_ratio();
    if (name == "epoch-roofline" && argc == 3) {
      const int batch = std::stoi(argv[2]);
      if (batch < 1 || batch > 60000)
        throw std::invalid_argument(fmt::format("batch {} is not in 1..60000", batch));
      return epoch_roofline(batch);
    }
    if (name == "conv" && argc == 3) {
      const int batch = std::stoi(argv[2]);
      if (batch < 1 || batch > 1000)
        throw std::invalid_argument(fmt::format("batch {} is not in 1..1000", batch));
      return conv(batch);
    }
    if (name == "sgd-update" && argc == 3) {
      const int batch = std::stoi(argv[2]);
      if (batch < 1 || batch > 60000)
        throw std::invalid_argument(fmt::format("batch {} is not in 1..60000", batch));
      return sgd_update(batch);
    }
    if (name == "gather" && argc == 3) {
      const int batch = std::stoi(argv[2]);
      if (batch < 1 || batch > 60000)
        throw std::invalid_argument(fmt::format("batch {} is not in 1..60000", batch));
      return gather(batch);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "workloads {}: {}\n", name, e.what());
    return 1;
  }
  fmt::print(
      stderr,
      "usage: workloads xor-step | chain | wide-step | wide-roofline | grad-ratio | epoch-roofline BATCH | "
      "sgd-update BATCH | gather BATCH | conv BATCH\n");
  return 2;
}
