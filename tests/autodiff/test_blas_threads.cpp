#include "autodiff/blas_threads.hpp"

#include <cblas.h>  // the single-thread product the policy's must equal

#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "autodiff/blas.hpp"
#include "autodiff/engine.hpp"
#include "autodiff/ops/conv.hpp"
#include "autodiff/tensor.hpp"

using namespace tg;

TEST_CASE("blas_threads_for: one thread below the crossover, more as a product grows, up to every core") {
  const auto s_star = static_cast<std::size_t>(blas_crossover_mnk);
  CHECK(blas_threads_for(10, 10, 784, 2) == 1);     // a product of a batch-10 step
  CHECK(blas_threads_for(100, 64, 784, 16) == 1);   // the largest of a batch-64 step
  CHECK(blas_threads_for(100, 256, 784, 16) == 2);  // of a batch-256 step: 2·10⁷, above it
  CHECK(blas_threads_for(1, 1, s_star - 1, 2) == 1);
  CHECK(blas_threads_for(1, 1, s_star, 2) == 2);   // the crossover: two threads beat one
  CHECK(blas_threads_for(1, 1, s_star, 16) == 2);  // ... on any machine, and not yet 16
  CHECK(blas_threads_for(1, 4, s_star, 16) == 4);  // P = ⌊2 √(s/s*)⌋
  CHECK(blas_threads_for(1, 63, s_star, 16) == 15);
  CHECK(blas_threads_for(1, 64, s_star, 16) == 16);  // every core of 16 from 64 s*
  CHECK(blas_threads_for(1, 64, s_star, 2) == 2);
  CHECK(blas_threads_for(1, 64, s_star, 1) == 1);  // one core: one thread
  CHECK(blas_threads_for(0, 64, s_star, 2) == 1);  // an empty product
  CHECK(blas_threads_for(std::size_t{1} << 40, std::size_t{1} << 40, std::size_t{1} << 40, 4) ==
        4);  // no overflow
}

namespace {
Tensor random_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Tensor t = Tensor::from_shape({rows, cols});
  for (double& v : t) v = u(rng);
  return t;
}
}  // namespace

TEST_CASE("a product above the crossover gets every core and equals the single-thread product") {
  const BlasThreadPolicy& policy = blas_thread_policy();
  const std::size_t m = 500, n = 500, k = 400;  // 10⁸ multiply-adds: above the crossover
  REQUIRE(static_cast<double>(m * n * k) >= blas_crossover_mnk);
  const Tensor a = random_matrix(m, k, 1), b = random_matrix(k, n, 2);
  const int before = openblas_get_num_threads();

  openblas_set_num_threads(1);  // the reference: one thread
  Tensor one = Tensor::from_shape({m, n});
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), 1.0, a.data(), static_cast<int>(k), b.data(), static_cast<int>(n), 0.0,
              one.data(), static_cast<int>(n));
  const Tensor policy_product = gemm(a, false, b, false);
  CHECK(openblas_get_num_threads() == (policy.active ? blas_threads_for(m, n, k, policy.cores) : 1));
  double worst = 0.0;
  for (std::size_t i = 0; i < one.size(); ++i)
    worst = std::max(worst, std::abs(policy_product.data()[i] - one.data()[i]));
  CHECK(worst <= 1e-12);

  gemm(random_matrix(10, 784, 3), false, random_matrix(784, 10, 4), false);  // 78,400: below it
  CHECK(openblas_get_num_threads() == 1);
  openblas_set_num_threads(before);
}

TEST_CASE("the convolution's per-example products get their threads from the policy too") {
  const BlasThreadPolicy& policy = blas_thread_policy();
  // With a thread variable set the policy is off and there is nothing to check; and threaded
  // OpenBLAS products would then run here, which ThreadSanitizer (its pass sets the variable to 1)
  // reports as races in OpenBLAS's own hand-over of work.
  if (!policy.active) return;
  const int before = openblas_get_num_threads();
  openblas_set_num_threads(2);  // as a product above the crossover leaves it
  // network3's first layer at batch 2: products of 20·576·25 = 288,000 multiply-adds, far below
  // the crossover; threaded, they ran 2× slower than on one thread. x requires grad, as in any
  // later layer, so that the backward's ∂C/∂x products (Wᵀ gy_n) run too. Each product sets the
  // thread count, so each check below sees the last product of its kind.
  const Variable x(filled({2, 1, 28, 28}, 0.5), true), w(filled({20, 1, 5, 5}, 0.1), true),
      b(filled({20}, 0.0), true);
  const Variable y = conv2d(x, w, b);
  CHECK(openblas_get_num_threads() == 1);  // y_n = W cols_n
  const Variable seed(filled(y.shape(), 1.0));
  const auto backward_to = [&](const std::vector<Variable>& inputs) {
    openblas_set_num_threads(2);
    (void)grad({y}, inputs, {seed}, /*create_graph=*/false, /*retain_graph=*/true);
    return openblas_get_num_threads();
  };
  CHECK(backward_to({w}) == 1);        // ∂C/∂w += gy_n cols_nᵀ alone
  CHECK(backward_to({x}) == 1);        // Wᵀ gy_n alone
  CHECK(backward_to({x, w, b}) == 1);  // both in one loop over the examples, Wᵀ gy_n last
  openblas_set_num_threads(before);
}

TEST_CASE("the policy is described in one line, and the user's variable is said to win") {
  const BlasThreadPolicy& policy = blas_thread_policy();
  const std::string line = blas_thread_policy_str();
  if (policy.active) {
    CHECK(line.find("1 thread below m·n·k = ") != std::string::npos);
    CHECK(policy.user_set.empty());
  } else if (!policy.user_set.empty()) {
    CHECK(line.find(policy.user_set) != std::string::npos);
  }
}

TEST_CASE("the thread policy belongs to the first thread that asks, and is off for good once another asks") {
  BlasPolicyOwner owner;
  const std::thread::id me = std::this_thread::get_id();
  CHECK(owner.claim(me));
  CHECK(owner.claim(me));  // the owner, again
  bool other = true;
  std::thread([&] { other = owner.claim(std::this_thread::get_id()); }).join();
  CHECK_FALSE(other);
  CHECK_FALSE(owner.claim(me));  // off for the owner too: the count is no longer its alone
}
