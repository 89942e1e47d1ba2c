// `tapegrad explain` (cli/explain_command.cpp): BP1–BP4 with the numbers, for one example.
#include <doctest/doctest.h>

#include <string>

#include "support/arithmetic.hpp"
#include "support/idx_files.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::count_lines;
using tg::test::run_tapegrad;
using tg::test::TempDir;

namespace {

// Every printed "numbers = result" of out re-evaluates to its result, to the digits printed;
// returns how many lines were checked (those with a ×).
std::size_t check_printed_arithmetic(const std::string& out) {
  std::size_t checked = 0;
  for (std::size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = out.substr(start, end - start);
    line = line.substr(0, line.find("   autodiff"));
    line = line.substr(0, line.find("   ("));  // a note
    const std::size_t last = line.rfind(" = ");
    const std::size_t before = last == std::string::npos ? std::string::npos : line.rfind(" = ", last - 1);
    if (before == std::string::npos || !contains(line, "×")) continue;
    const std::string numbers = line.substr(before + 3, last - before - 3);
    const double result = std::stod(line.substr(last + 3));
    INFO(line);
    CHECK(tg::test::Arithmetic::evaluate(numbers) == doctest::Approx(result).epsilon(2e-3).scale(1e-3));
    ++checked;
  }
  return checked;
}

}  // namespace

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
  const std::size_t checked = check_printed_arithmetic(r.out);
  CHECK(checked == 14);  // z (2 + 1), σ' (2), C, δ^2 (2), w (6)
}

TEST_CASE("explain --conv-example: conv, pooling and softmax with the numbers, each beside the engine's") {
  const auto r = run_tapegrad({"explain", "--conv-example"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out,
                 "tapegrad explain: the conv worked example, conv:1x2x2:relu,pool:2,softmax:2 on (1,5,5)"));
  CHECK(contains(r.out, "     0.1     0.5     0.9     0.3     0.2\n"));
  CHECK(contains(r.out, "  z^2[0,0,0] = b^2_0 + w^2[0,0,0,0] a^1[0,0,0] + w^2[0,0,0,1] a^1[0,0,1] + "));
  CHECK(contains(r.out, "  a^3[0,0,0] = max(a^2[0,0,0], a^2[0,0,1], a^2[0,1,0], a^2[0,1,1]) = max("));
  CHECK(contains(r.out, "BP2-pool ∂C/∂a^2[0,0,0] = "));
  // max pooling passed δ to the 4 windows' maxima: the other 12 terms are 0
  CHECK(contains(r.out,
                 "BP3-conv ∂C/∂b^2_0 = δ^2[0,1,1] + δ^2[0,1,2] + δ^2[0,2,0] + δ^2[0,3,2] (and 12 terms with "
                 "δ = 0) = (-0.1801) + 0.4803 + (-0.3602) + 0.1201 = 0.06004"));
  CHECK(contains(r.out, "BP4-conv ∂C/∂w^2[0,0,1,1] = δ^2[0,1,1] a^1[0,2,2] + δ^2[0,1,2] a^1[0,2,3] + "));
  CHECK(contains(r.out,
                 "BP2-conv ∂C/∂a^1[0,2,2] = δ^2[0,1,2] w^2[0,0,1,0] + δ^2[0,1,1] w^2[0,0,1,1] (and 2 terms "
                 "with δ = 0) = 0.4803 × 0.3 + (-0.1801) × 0.2 = 0.1081"));
  CHECK(!contains(r.out, "Σ of the other"));  // every sum written out
  // 16 z, 4 a (max), 2 z^5, the 16 δ^2 (relu' = 0 or 1), 3 BP2-conv / BP4-conv sums ... all re-evaluate
  CHECK(check_printed_arithmetic(r.out) > 30);
  // every engine value agrees to rounding: no diff above 1e-15
  for (std::size_t at = r.out.find(" diff "); at != std::string::npos; at = r.out.find(" diff ", at + 1))
    CHECK(std::abs(std::stod(r.out.substr(at + 6, 9))) < 1e-15);
}

TEST_CASE("explain of a network of layers: --layers, a version 2 checkpoint, --map and --at") {
  TempDir dir("explain");
  tg::test::write_image_set(dir.path, 8, 8, 12, 6);
  const std::string data = dir.path.string(), layers = "conv:2x3x3:tanh,avgpool:3,softmax:10";
  const auto r = run_tapegrad(
      {"explain", "--data", data, "--layers", layers, "--example", "2", "--force", "--digits", "17"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "a new network on training example 2 of " + data +
                            ", conv:2x3x3:tanh,avgpool:3,softmax:10"));
  CHECK(contains(r.out, "(rows for the first 16 of 36 positions)"));
  CHECK(contains(r.out, "BP3-conv ∂C/∂b^2_1 = "));
  CHECK(contains(r.out, "(Σ of the other 20 terms)"));  // ∂C/∂b over 36 positions
  CHECK(check_printed_arithmetic(r.out) > 30);          // 17 digits: 4 would lose the sums that cancel
  const auto one =
      run_tapegrad({"explain", "--data", data, "--layers", layers, "--force", "--map", "1", "--at", "0,7"});
  REQUIRE_MESSAGE(one.code == 0, one.err);
  CHECK(!contains(one.out, "∂C/∂b^2_0"));
  CHECK(contains(one.out, "BP2-conv ∂C/∂a^1[0,0,7] = δ^2[0,0,5] w^2[0,0,0,2] + δ^2[1,0,5] w^2[1,0,0,2]"));

  REQUIRE(run_tapegrad({"train", "--data", data, "--layers", layers, "--epochs", "1", "--save", dir / "ck"})
              .code == 0);
  const auto saved = run_tapegrad({"explain", "--checkpoint", dir / "ck", "--force"});
  CHECK_MESSAGE(saved.code == 0, saved.err);
  CHECK(contains(saved.out, "tapegrad explain: " + (dir / "ck") + " on training example 0 of "));
  const auto narrow = run_tapegrad({"explain", "--checkpoint", dir / "ck"});
  CHECK(narrow.code == 1);
  CHECK(contains(
      narrow.err,
      "has 10 neurons, more than 8: too many equations to write out: choose --map F, or add --force"));
}

TEST_CASE("explain: --map and --at that do not fit are one-line errors") {
  const auto map = run_tapegrad({"explain", "--conv-example", "--map", "1"});
  CHECK(map.code == 1);
  CHECK(count_lines(map.err) == 1);
  CHECK(contains(map.err, "tapegrad explain: layer 2 (conv 1 kernels 2×2"));
  const auto at = run_tapegrad({"explain", "--conv-example", "--at", "5,0"});
  CHECK(at.code == 1);
  CHECK(contains(at.err, "the position (5,0) lies outside layer 2's input (1,5,5)"));
  const auto mlp = run_tapegrad({"explain", "--map", "0"});
  CHECK(mlp.code == 1);
  CHECK(contains(mlp.err, "tapegrad explain: --map is for networks of layers; [2,2,1] is fully connected"));
  CHECK(run_tapegrad({"explain", "--conv-example", "--worked-example"}).code == 2);
  CHECK(run_tapegrad({"explain", "--at", "1"}).code == 2);
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
