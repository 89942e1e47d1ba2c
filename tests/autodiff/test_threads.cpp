// Threads: what the engine promises when several threads use it at once. scripts/test.sh also
// runs these tests under ThreadSanitizer, which reports any data race they provoke.
//
// Safe, and tested here:
// - Each thread building and backpropagating its own graphs (backward, tg::grad, create_graph):
//   the gradients are bit for bit those of the same computation in one thread.
// - Grad mode (no_grad) and anomaly mode (detect_anomaly) are per thread (grad_mode.cpp).
// - A Variable made in one thread and used, backpropagated or released in another, handed over
//   with the usual synchronisation (a mutex, a join). Node blocks come from an arena with a
//   per-thread cache (detail/node_arena.hpp); a block freed in a thread joins that thread's cache, or goes
//   straight back to the shared pool once that cache is gone at the thread's end.
// - Threads building graphs from one shared leaf at once, each backpropagating none of them.
// - tg::live_nodes() counts the nodes of every thread (an atomic).
//
// Known limit, NOT tested because it is a data race (undefined behaviour): two threads must not
// backpropagate, at the same time, graphs that share a node — for example one parameter W used
// in both threads' forward passes. backward and tg::grad write scratch fields of every node they
// visit (PassScratch in node.hpp) and add into the leaves' .grad, without
// a lock. Building graphs from a shared leaf at once is fine (the leaf is only read); for data-
// parallel training give each thread its own copy, Variable(W.value(), true), and sum the
// copies' gradients after joining.
#include <doctest/doctest.h>

#include <barrier>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "support/random.hpp"

using tg::Tensor;
using tg::Variable;
using tg::test::Domain;
using tg::test::random_tensor;

namespace {

constexpr int kThreads = 6;
constexpr std::uint64_t kSeeds = 3;  // threads compute the same and different values at once

// Runs fn(0) … fn(n−1) in n threads and joins them; the first exception a thread threw is
// rethrown here, where doctest sees it.
void run_threads(int n, const std::function<void(int)>& fn) {
  std::mutex m;
  std::exception_ptr first;
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t)
    threads.emplace_back([&, t] {
      try {
        fn(t);
      } catch (...) {
        std::lock_guard lock(m);
        if (!first) first = std::current_exception();
      }
    });
  for (std::thread& th : threads) th.join();
  if (first) std::rethrow_exception(first);
}

// Same shape and the same bits in every element (−0.0 ≠ 0.0 here, unlike ==).
bool identical(const Tensor& a, const Tensor& b) {
  return tg::same_shape(a, b) && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool identical(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!identical(a[i], b[i])) return false;
  return true;
}

// A two-layer network on a batch of 8 examples (one per column), all from one seed.
struct Net {
  Variable X, Y, W1, b1, W2, b2;

  explicit Net(std::uint64_t seed)
      : X(random_tensor({4, 8}, Domain::any, 10 * seed)),
        Y(Tensor::from_shape({3, 8})),
        W1(random_tensor({6, 4}, Domain::any, 10 * seed + 1), true),
        b1(random_tensor({6, 1}, Domain::any, 10 * seed + 2), true),
        W2(random_tensor({3, 6}, Domain::any, 10 * seed + 3), true),
        b2(random_tensor({3, 1}, Domain::any, 10 * seed + 4), true) {
    Tensor& y = Y.mutable_value();  // one-hot labels, one per column
    y.fill(0.0);
    for (std::size_t j = 0; j < 8; ++j) y((seed + j) % 3, j) = 1.0;
  }

  // matmul, broadcasting (b across columns), sigmoid, tanh, log_softmax, softmax, sum, mean.
  Variable loss() const {
    const Variable A1 = tg::sigmoid(tg::matmul(W1, X) + b1);  // (6,8)
    const Variable Z2 = tg::matmul(W2, A1) + b2;              // (3,8)
    const Variable log_p = tg::log_softmax(tg::tanh(Z2), 0);
    const Variable P = tg::softmax(Z2, 0);
    return -tg::sum(Y * log_p) / 8.0 + 0.5 * tg::mean(P * P);
  }
};

// Everything one thread computes from one seed: the loss; ∂loss/∂(W1, b1, W2, b2) by backward;
// ∂loss/∂(W1, b2) by tg::grad; and, through create_graph, the second derivative
// ∂(‖∂loss/∂W1‖² + ‖∂loss/∂b1‖²)/∂(W1, b1) = 2 H g.
std::vector<Tensor> gradients(std::uint64_t seed) {
  const Net net(seed);
  std::vector<Tensor> out;
  const Variable loss = net.loss();
  out.push_back(loss.value());
  loss.backward();
  for (const Variable* p : {&net.W1, &net.b1, &net.W2, &net.b2}) out.push_back(p->grad());

  for (const Variable& g : tg::grad({net.loss()}, {net.W1, net.b2})) out.push_back(g.value());

  const auto g = tg::grad({net.loss()}, {net.W1, net.b1}, /*create_graph=*/true);
  const Variable norm2 = tg::sum(g[0] * g[0]) + tg::sum(g[1] * g[1]);
  for (const Variable& h : tg::grad({norm2}, {net.W1, net.b1})) out.push_back(h.value());
  return out;
}

std::vector<std::vector<Tensor>> one_thread_references() {
  std::vector<std::vector<Tensor>> refs;
  for (std::uint64_t s = 0; s < kSeeds; ++s) refs.push_back(gradients(s));
  return refs;
}

// How many of this thread's observations disagree with the modes it set: recording (no no_grad
// guard) and anomaly (a detect_anomaly guard).
int mode_errors(bool recording, bool anomaly) {
  int wrong = 0;
  if (tg::is_grad_enabled() != recording) ++wrong;
  if (tg::is_anomaly_enabled() != anomaly) ++wrong;
  const Variable x(Tensor{4.0, -1.0}, true);
  const Variable y = tg::sum(x * x);
  if (y.requires_grad() != recording || y.is_leaf() == recording) ++wrong;
  if (recording) {
    y.backward();
    if (!identical(x.grad(), Tensor{8.0, -2.0})) ++wrong;
  }
  bool threw = false;
  try {
    (void)tg::log(x);  // log(−1) is NaN: an error under detect_anomaly only
  } catch (const tg::anomaly_error&) {
    threw = true;
  }
  if (threw != anomaly) ++wrong;
  return wrong;
}

// Holds a Variable until its thread ends; its destructor then runs among the thread's
// thread_local destructors (see the last test).
thread_local Variable kept_until_thread_exit;

}  // namespace

TEST_CASE(
    "graphs built and backpropagated in several threads at once give the gradients of one thread, bit for bit") {
  const std::size_t before = tg::live_nodes();
  const auto refs = one_thread_references();
  REQUIRE(refs[0].size() == 9);
  CHECK_FALSE(identical(refs[0], refs[1]));  // a mix-up between threads would show

  constexpr int kIterations = 25;
  std::vector<int> mismatches(kThreads, 0), runs(kThreads, 0);
  std::barrier start(kThreads);
  run_threads(kThreads, [&](int t) {
    start.arrive_and_wait();  // all threads compute at the same time
    for (int i = 0; i < kIterations; ++i) {
      const std::uint64_t seed = static_cast<std::uint64_t>(t + i) % kSeeds;
      if (!identical(gradients(seed), refs[seed])) ++mismatches[t];
      ++runs[t];
    }
  });
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(runs[t] == kIterations);
    CHECK(mismatches[t] == 0);
  }
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("no_grad and detect_anomaly set in one thread do not leak into threads running at the same time") {
  const std::size_t before = tg::live_nodes();
  constexpr int kRounds = 8, kChecks = 10;
  std::vector<int> wrong(kThreads, 0);
  std::barrier sync(kThreads);
  run_threads(kThreads, [&](int t) {
    for (int round = 0; round < kRounds; ++round) {
      // Each round every thread takes another of the four combinations.
      const int role = (t + round) % 4;
      const bool recording = (role & 1) == 0, anomaly = (role & 2) != 0;
      std::optional<tg::no_grad> off;
      std::optional<tg::detect_anomaly> checking;
      if (!recording) off.emplace();
      if (anomaly) checking.emplace();
      sync.arrive_and_wait();  // from here to the next barrier, every thread holds its guards
      for (int k = 0; k < kChecks; ++k) {
        try {
          wrong[t] += mode_errors(recording, anomaly);
        } catch (...) {  // counted: the thread must reach the barrier whatever happens
          ++wrong[t];
        }
      }
      sync.arrive_and_wait();
    }  // guards released: each thread is back to its defaults
    if (!tg::is_grad_enabled() || tg::is_anomaly_enabled()) ++wrong[t];
  });
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(wrong[t] == 0);
  }
  CHECK(tg::is_grad_enabled());
  CHECK_FALSE(tg::is_anomaly_enabled());
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("threads may build graphs from one shared leaf at once if none backpropagates them") {
  // Inference with shared weights: the ops only read the leaves (and count references to them).
  const std::size_t before = tg::live_nodes();
  {
    const Net shared(1);
    const Tensor ref = shared.loss().value();
    constexpr int kIterations = 25;
    std::vector<int> mismatches(kThreads, 0);
    std::barrier start(kThreads);
    run_threads(kThreads, [&](int t) {
      start.arrive_and_wait();
      for (int i = 0; i < kIterations; ++i) {
        std::optional<tg::no_grad> off;
        if ((t + i) % 2 == 0) off.emplace();  // with and without recording
        const Variable loss = shared.loss();
        if (!identical(loss.value(), ref) || loss.requires_grad() != !off) ++mismatches[t];
      }
    });
    for (int t = 0; t < kThreads; ++t) {
      CAPTURE(t);
      CHECK(mismatches[t] == 0);
    }
  }
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("graphs built in one thread are backpropagated and released in another while both keep working") {
  // A producer builds forward graphs and hands them over through a queue; the consumer
  // backpropagates and releases them, so the producer's node blocks end up in the consumer's
  // pool, which then serves the consumer's own graphs. Both also compute graphs of their own.
  const std::size_t before = tg::live_nodes();
  const auto refs = one_thread_references();
  constexpr int kJobs = 40;
  struct Job {
    std::uint64_t seed;
    Net net;
    Variable loss;
  };
  std::mutex m;
  std::condition_variable ready;
  std::deque<Job> queue;
  bool produced_all = false;
  int producer_wrong = 0, consumer_wrong = 0, consumed = 0;
  run_threads(2, [&](int t) {
    if (t == 0) {
      // However the producer ends, the consumer must not wait for it forever.
      const auto finish = [&] {
        {
          std::lock_guard lock(m);
          produced_all = true;
        }
        ready.notify_one();
      };
      try {
        for (int i = 0; i < kJobs; ++i) {
          const std::uint64_t seed = static_cast<std::uint64_t>(i) % kSeeds;
          Net net(seed);
          Variable loss = net.loss();
          {
            std::lock_guard lock(m);
            queue.push_back(Job{seed, std::move(net), std::move(loss)});
          }
          ready.notify_one();
          if (!identical(gradients((seed + 1) % kSeeds), refs[(seed + 1) % kSeeds])) ++producer_wrong;
        }
      } catch (...) {
        finish();
        throw;
      }
      finish();
    } else {
      for (int i = 0; i < kJobs; ++i) {
        std::optional<Job> job;
        {
          std::unique_lock lock(m);
          ready.wait(lock, [&] { return !queue.empty() || produced_all; });
          if (queue.empty()) break;  // the producer stopped early: consumed < kJobs says so
          job.emplace(std::move(queue.front()));
          queue.pop_front();
        }
        job->loss.backward();
        const auto& ref = refs[job->seed];
        if (!identical(job->loss.value(), ref[0]) || !identical(job->net.W1.grad(), ref[1]) ||
            !identical(job->net.b1.grad(), ref[2]) || !identical(job->net.W2.grad(), ref[3]) ||
            !identical(job->net.b2.grad(), ref[4]))
          ++consumer_wrong;
        job.reset();  // the last handles to the producer's nodes die here
        const std::uint64_t own = static_cast<std::uint64_t>(i + 2) % kSeeds;
        if (!identical(gradients(own), refs[own])) ++consumer_wrong;
        ++consumed;
      }
    }
  });
  CHECK(consumed == kJobs);
  CHECK(producer_wrong == 0);
  CHECK(consumer_wrong == 0);
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("nodes outlive the thread that made them and are released by another") {
  const std::size_t before = tg::live_nodes();
  const auto refs = one_thread_references();
  {
    // Made in a thread that has ended (its node pool is gone), backpropagated and released here.
    std::optional<Net> net;
    Variable loss;
    std::thread([&] {
      net.emplace(1);
      loss = net->loss();
    }).join();
    loss.backward();
    CHECK(identical(net->W1.grad(), refs[1][1]));
    CHECK(identical(net->b2.grad(), refs[1][4]));
  }
  CHECK(tg::live_nodes() == before);
  {
    // Made here, backpropagated and released by a thread, which then builds graphs with the
    // blocks it got back.
    std::optional<Net> net(2);
    Variable loss = net->loss();
    bool same = false;
    std::thread([&, n = std::move(net), l = std::move(loss)]() mutable {
      l.backward();
      same = identical(n->W2.grad(), refs[2][3]);
      n.reset();
      l = Variable();
      same = same && identical(gradients(0), refs[0]);
    }).join();
    CHECK(same);
  }
  CHECK(tg::live_nodes() == before);
}

TEST_CASE("a node released at its thread's end after the thread's node pool is gone is freed safely") {
  // The thread's thread_local node pool is destroyed when the thread ends, in the reverse order
  // of construction; kept_until_thread_exit was constructed first, so it is destroyed after the
  // pool, and its graph's nodes are freed into a pool that no longer exists. (This wrote into
  // freed memory until the arena handed such blocks straight back to operator delete: the
  // ASan and TSan runs of scripts/test.sh catch it.) A static Variable at program exit is the
  // same case for the main thread.
  const std::size_t before = tg::live_nodes();
  std::thread([] {
    Variable& kept = kept_until_thread_exit;         // constructed here, before the pool
    for (int i = 0; i < 3; ++i) (void)gradients(0);  // the pool now holds blocks
    Variable x(Tensor{1.0, 2.0}, true);
    kept = tg::sum(tg::tanh(x) * 2.0);  // a few nodes, freed only at the thread's end
  }).join();
  CHECK(tg::live_nodes() == before);
}
