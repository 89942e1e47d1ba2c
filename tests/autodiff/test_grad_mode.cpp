// Grad mode and anomaly detection (autodiff/grad_mode.cpp): guards, nesting, threads.
#include <doctest/doctest.h>

#include <cmath>
#include <thread>

#include "autodiff/autodiff.hpp"

using tg::Tensor;
using tg::Variable;

TEST_CASE("no_grad records nothing, nests, and restores the previous mode") {
  Variable x(2.0, true);
  CHECK(tg::is_grad_enabled());
  {
    tg::no_grad outer;
    Variable y = x * x;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    {
      tg::enable_grad inner;
      CHECK((x * x).requires_grad());
    }
    CHECK_FALSE(tg::is_grad_enabled());
  }
  CHECK(tg::is_grad_enabled());
}

TEST_CASE("every guard sets its own switch and restores the value it found, however they nest") {
  CHECK(tg::is_grad_enabled());
  CHECK_FALSE(tg::is_anomaly_enabled());
  {
    tg::detect_anomaly anomaly;
    tg::enable_grad on;  // already on: stays on, and is still on after
    CHECK(tg::is_anomaly_enabled());
    {
      tg::no_grad off;
      tg::detail::anomaly_pause pause;
      CHECK_FALSE(tg::is_grad_enabled());
      CHECK_FALSE(tg::is_anomaly_enabled());
      {
        tg::detect_anomaly again;
        CHECK(tg::is_anomaly_enabled());
        CHECK_FALSE(tg::is_grad_enabled());  // the anomaly guard leaves grad mode alone
      }
      CHECK_FALSE(tg::is_anomaly_enabled());
    }
    CHECK(tg::is_grad_enabled());
    CHECK(tg::is_anomaly_enabled());
  }
  CHECK(tg::is_grad_enabled());
  CHECK_FALSE(tg::is_anomaly_enabled());
}

TEST_CASE("detect_anomaly names the op whose forward produced NaN or Inf") {
  Variable x(Tensor{1.0, -1.0}, true);
  CHECK_NOTHROW(tg::log(x));  // off by default: NaN flows silently, as in PyTorch
  tg::detect_anomaly guard;
  CHECK_THROWS_WITH_AS(tg::log(x), doctest::Contains("'log' produced nan in its forward value (element (1)"),
                       tg::anomaly_error);
}

TEST_CASE("detect_anomaly names the op whose backward produced NaN or Inf") {
  Variable x(Tensor{0.0, 4.0}, true);
  Variable y = tg::sum(tg::sqrt(x));  // √0 = 0 is fine; its derivative 1/(2√0) is not
  tg::detect_anomaly guard;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("'sqrt' produced inf in the gradient for its input 0"),
                       tg::anomaly_error);
}

TEST_CASE("grad mode and anomaly mode are per thread") {
  tg::no_grad off;
  tg::detect_anomaly on;
  bool other_grad = false, other_anomaly = true;
  std::thread t([&] {
    other_grad = tg::is_grad_enabled();
    other_anomaly = tg::is_anomaly_enabled();
  });
  t.join();
  CHECK(other_grad);
  CHECK_FALSE(other_anomaly);
  CHECK_FALSE(tg::is_grad_enabled());
}

TEST_CASE("detect_anomaly catches a gradient sum that overflows though every contribution is finite") {
  // y = x·c + x·c with x = 1e-300, c = 1e308: y = 2e8, and each path gives ∂y/∂x = 1e308, but
  // their sum is inf. Only the accumulation is not an op's result.
  const Variable x(tg::scalar_tensor(1e-300), true);
  const Variable y = x * 1e308 + x * 1e308;
  CHECK(y.item() == doctest::Approx(2e8));
  tg::detect_anomaly guard;
  CHECK_THROWS_WITH_AS(y.backward(),
                       doctest::Contains("produced inf in the sum of the gradients reaching its output"),
                       tg::anomaly_error);
}

TEST_CASE("check_finite is detect_anomaly's test, for values computed outside ops") {
  CHECK_NOTHROW(tg::check_finite(Tensor{1.0, 2.0}, "update", "its result"));
  CHECK_THROWS_WITH_AS(tg::check_finite(Tensor{{1.0, 2.0}, {std::nan(""), 4.0}}, "update", "its result"),
                       "detect_anomaly: 'update' produced nan in its result (element (1,0) of (2,2))",
                       tg::anomaly_error);
}
