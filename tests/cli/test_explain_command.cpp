// `tapegrad explain` (cli/explain_command.cpp): BP1–BP4 with the numbers, for one example.
#include <doctest/doctest.h>

#include <string>

#include "support/arithmetic.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::run_tapegrad;
using tg::test::TempDir;

TEST_CASE("explain --worked-example writes seed 002's numbers, each beside the engine's") {
  const auto r = run_tapegrad({"explain", "--worked-example"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "x = a^1 = (0.05, 0.1), y = (1)"));
  CHECK(contains(r.out,
                 "z^2_1 = w^2_11 a^1_1 + w^2_12 a^1_2 + b^2_1 = 0.15 × 0.05 + 0.2 × 0.1 + 0.35 = 0.3775"));
  CHECK(contains(r.out, "BP1  δ^3_1 = a^3_1 − y_1 = 0.7514 − 1 = -0.2486"));
  CHECK(contains(r.out, "BP2  δ^2_1 = (w^3_11 δ^3_1) · σ'(z^2_1) = (0.4 × (-0.2486)) × 0.2413 = -0.024"));
  CHECK(contains(r.out, "autodiff -0.023998314"));  // docs/backprop.md: ∂L/∂b^[1] = (-0.023998, -0.026921)
  CHECK(contains(r.out, "BP4  ∂C/∂w^2_22 = a^1_2 δ^2_2 = 0.1 × (-0.02692) = -0.002692"));
  CHECK(contains(r.out, "step 6 (grad of z^3)"));
  CHECK(contains(r.out, "the engine's backward pass, in the order it processed the nodes"));

  // Every printed "numbers = result" re-evaluates to its result, to the 4 digits printed.
  std::size_t checked = 0;
  for (std::size_t start = 0, end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = r.out.substr(start, end - start);
    line = line.substr(0, line.find("   autodiff"));
    const std::size_t last = line.rfind(" = ");
    const std::size_t before = last == std::string::npos ? std::string::npos : line.rfind(" = ", last - 1);
    if (before == std::string::npos || !contains(line, "×")) continue;
    const std::string numbers = line.substr(before + 3, last - before - 3);
    const double result = std::stod(line.substr(last + 3));
    INFO(line);
    CHECK(tg::test::Arithmetic::evaluate(numbers) == doctest::Approx(result).epsilon(2e-3));
    ++checked;
  }
  CHECK(checked == 14);  // z (2 + 1), σ' (2), C, δ^2 (2), w (6)
}

TEST_CASE("explain --example K takes training example K, and --digits the precision") {
  const auto r = run_tapegrad({"explain", "--example", "3", "--digits", "6"});
  CHECK(r.code == 0);
  CHECK(
      contains(r.out, "a new network on training example 3 of xor, [2,2,1] sigmoid hidden, sigmoid output"));
  CHECK(contains(r.out, "x = a^1 = (1, 1), y = (0)"));
  const auto moons = run_tapegrad({"explain", "--data", "moons", "--sizes", "2,3,2", "--example", "5"});
  CHECK(moons.code == 0);
  CHECK(contains(moons.out, "BP1  δ^3_2 = a^3_2 − y_2"));  // log-likelihood on softmax
  CHECK(contains(moons.out, "tanh'(z^2_3) = 1 − (a^2_3)²"));
}

TEST_CASE("explain of a checkpoint") {
  TempDir dir("explain");
  REQUIRE(run_tapegrad({"train", "--data", "sine", "--sizes", "1,3,1", "--epochs", "1", "--save", dir / "c"})
              .code == 0);
  const auto r = run_tapegrad({"explain", "--checkpoint", dir / "c", "--example", "2"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "on training example 2 of sine"));
  CHECK(contains(r.out, "∂C/∂a^3_1 = a^3_1 − y_1"));  // quadratic: ∇_a C, then BP1 with σ' = 1
}

TEST_CASE("explain refuses wide layers and examples that do not exist, in one line") {
  const auto wide = run_tapegrad({"explain", "--data", "moons"});  // [2,16,2]
  CHECK(wide.code == 1);
  CHECK(tg::test::count_lines(wide.err) == 1);
  CHECK(contains(wide.err, "tapegrad explain: the network [2,16,2] has a layer of 16 neurons (layer 2)"));
  CHECK(contains(wide.err, "add --force"));
  const auto forced = run_tapegrad({"explain", "--data", "moons", "--force"});
  CHECK(forced.code == 0);
  CHECK(contains(forced.out, "δ^2_16"));
  const auto missing = run_tapegrad({"explain", "--example", "4"});
  CHECK(missing.code == 1);
  CHECK(tg::test::count_lines(missing.err) == 1);
  CHECK(contains(missing.err,
                 "tapegrad explain: --example 4 is out of range: xor has 4 training examples (0..3)"));
}
