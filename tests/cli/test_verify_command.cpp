// `tapegrad verify` (cli/verify_command.cpp): the BP1–BP4 vs autodiff table, its exit code,
// and the --dump files that let numpy or PyTorch re-check every number.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "nn/checkpoint.hpp"
#include "nn/npy.hpp"
#include "nn/train.hpp"
#include "support/files.hpp"
#include "support/idx_files.hpp"
#include "support/memory_cap.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::count_lines;
using tg::test::run_tapegrad;
using tg::test::TempDir;

TEST_CASE("verify prints the table and agrees for every cost and activation pairing") {
  const std::vector<std::vector<std::string>> setups{
      {"--data", "moons"},
      {"--data", "xor"},
      {"--data", "sine", "--l2", "0.1", "--l2-form", "total"},
      {"--data", "spirals", "--hidden", "sigmoid", "--cost", "quadratic", "--reduction", "sum"},
      {"--data", "moons", "--sizes", "2,5,4,2", "--hidden", "relu", "--output", "sigmoid", "--cost",
       "cross_entropy"}};
  for (const auto& setup : setups) {
    std::vector<std::string> args{"verify", "--numeric"};
    args.insert(args.end(), setup.begin(), setup.end());
    INFO(setup[1] << " " << setup.size());
    const auto r = run_tapegrad(args);
    CHECK(r.code == 0);
    CHECK(contains(r.out, "W^2"));
    CHECK(contains(r.out, "b^3"));
    CHECK(contains(r.out, "OK: BP1–BP4 and autodiff agree"));
    CHECK(contains(r.out, "and finite differences to"));
  }
}

TEST_CASE("verify fails, with exit code 1, when the difference exceeds the tolerance") {
  // BP1–BP4 and autodiff round differently (about 1e-16 apart): no tolerance below that holds.
  const auto r = run_tapegrad({"verify", "--data", "moons", "--tolerance", "1e-300"});
  CHECK(r.code == 1);
  CHECK(contains(r.out, "FAIL: BP1–BP4 and autodiff differ by a relative"));
}

TEST_CASE("verify refuses pairings and targets the cost does not accept, naming the reason") {
  struct Refusal {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Refusal> refusals{
      // softmax over xor's one output: a ≡ 1. Before: "cost C = -0" and FAIL, and train learned nothing.
      {{"--data", "xor", "--output", "softmax", "--cost", "log_likelihood"},
       "log_likelihood on a softmax over a single output neuron: a^L = e^z / e^z = 1 whatever the weights"},
      // Before: every gradient NaN, and "OK … agree to a relative 0".
      {{"--data", "moons", "--output", "identity", "--cost", "cross_entropy"},
       "cross_entropy takes ln a^L and ln(1 − a^L), which needs outputs in (0, 1): use a sigmoid or softmax output, not identity"},
      {{"--data", "sine", "--output", "relu", "--cost", "log_likelihood"}, "not relu"},
      // sine's targets are sin x ∈ [−1, 1]
      {{"--data", "sine", "--output", "sigmoid", "--cost", "cross_entropy"},
       "cross_entropy needs targets in [0, 1]"},
      {{"--data", "sine", "--output", "sigmoid", "--cost", "log_likelihood"},
       "log_likelihood needs targets y ≥ 0"},
  };
  for (const Refusal& refusal : refusals) {
    std::vector<std::string> args{"verify"};
    args.insert(args.end(), refusal.args.begin(), refusal.args.end());
    INFO(fmt::format("{}", fmt::join(args, " ")));
    const auto r = run_tapegrad(args);
    CHECK(r.code == 1);
    CHECK(contains(r.err, "tapegrad verify: "));
    CHECK(contains(r.err, refusal.message));
    CHECK(!contains(r.out, "OK"));
    CHECK(count_lines(r.err) == 1);
  }
}

TEST_CASE("verify fails when the cost or a gradient is NaN or infinite, even where nothing differs") {
  TempDir dir("verify");
  // A checkpoint whose W^3 makes z^3 overflow, so C and its gradients are NaN. Before, the report's maximum
  // dropped NaN: "OK … agree to a relative 0".
  REQUIRE(
      run_tapegrad({"train", "--data", "moons", "--epochs", "1", "--train-size", "50", "--save", dir / "c"})
          .code == 0);
  tg::nn::Mlp net = tg::nn::load_checkpoint(dir / "c");
  net.layer(3).W.mutable_value().fill(
      1e308);  // finite (a NaN checkpoint is refused at load), but z^3 overflows
  tg::nn::save_checkpoint(net, dir / "nan", tg::nn::load_checkpoint_extra(dir / "c"));
  const auto r = run_tapegrad({"verify", "--checkpoint", dir / "nan", "--numeric"});
  INFO(r.out);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "FAIL: the cost C is nan, not a finite number"));
  CHECK(contains(
      r.out, "FAIL: ∂C/∂W^2 is not finite: ‖·‖∞ = nan by BP4, nan by autodiff, nan by finite differences"));
  CHECK(!contains(r.out, "OK"));

  // A deep identity network with N(0,1) weights: a^L and every gradient overflow.
  std::string sizes = "1";
  for (int l = 0; l < 160; ++l) sizes += ",100";  // a^L ~ 10^160 for a hidden layer of 100
  const auto deep = run_tapegrad(
      {"verify", "--data", "sine", "--sizes", sizes + ",1", "--hidden", "identity", "--init", "normal"});
  CHECK(deep.code == 1);
  CHECK(contains(deep.out, "FAIL: the cost C is inf"));
  CHECK(contains(deep.out, "FAIL: ∂C/∂W^2 is not finite"));
  CHECK(contains(deep.out, "more parameters are not finite either: b^2, W^3, b^3, W^4, b^4, W^5, ...\n"));
  CHECK(!contains(deep.out, "OK"));
}

TEST_CASE("verify --dump onto a file that is not a directory names --dump and the path") {
  TempDir dir("verify-dump-file");
  const auto file = dir / "a-file";
  std::ofstream(file) << "keep";
  const auto r = run_tapegrad({"verify", "--data", "moons", "--dump", file});
  CHECK(r.code == 1);
  CHECK_MESSAGE(contains(r.err, "--dump: '" + std::string(file) + "' exists and is not a directory"), r.err);
  CHECK(tg::test::read_file(file) == "keep");
}

TEST_CASE("verify --dump writes the batch, the weights and both gradients, with an index") {
  TempDir dir("verify");
  const auto r = run_tapegrad(
      {"verify", "--data", "spirals", "--batch", "7", "--sizes", "2,6,5,3", "--dump", dir / "d"});
  REQUIRE(r.code == 0);
  std::ifstream in(dir.path / "d" / "index.json");
  const nlohmann::json index = nlohmann::json::parse(in);
  CHECK(index["format"] == "tapegrad-verify-dump");
  CHECK(index["sizes"] == std::vector<int>{2, 6, 5, 3});
  CHECK(index["cost"]["kind"] == "log_likelihood");
  CHECK(index["X"]["shape"] == std::vector<int>{2, 7});
  REQUIRE(index["layers"].size() == 3);

  // The files hold what they say: the gradients of this network on this batch.
  const auto file = [&](const std::string& name) { return tg::nn::read_npy(dir.path / "d" / name); };
  const tg::Tensor X = file("X.npy"), Y = file("Y.npy");
  std::vector<tg::nn::Linear> layers;
  for (std::size_t l = 2; l <= 4; ++l)
    layers.emplace_back(file(fmt::format("W{}.npy", l)), file(fmt::format("b{}.npy", l)));
  const tg::nn::Mlp net(layers, tg::nn::Activation::relu, tg::nn::Activation::softmax);
  const auto g = tg::nn::gradients(net, X, Y, tg::nn::Cost{tg::nn::CostKind::log_likelihood});
  for (std::size_t l = 2; l <= 4; ++l) {
    INFO("layer " << l);
    const auto& entry = index["layers"][l - 2];
    CHECK(entry["layer"] == l);
    CHECK(file(entry["dW_autodiff"]["file"]) == g[2 * (l - 2)]);
    CHECK(file(entry["db_autodiff"]["file"]) == g[2 * (l - 2) + 1]);
    const tg::Tensor by_hand = file(entry["dW_backprop"]["file"]);
    for (std::size_t k = 0; k < by_hand.size(); ++k)
      CHECK(by_hand.data()[k] == doctest::Approx(g[2 * (l - 2)].data()[k]).epsilon(1e-12));
  }
  CHECK(!std::filesystem::exists(dir.path / "d" / "index.json.tmp"));
}

TEST_CASE("verify --checkpoint checks a saved network on the data set it was trained on") {
  TempDir dir("verify");
  REQUIRE(run_tapegrad({"train", "--data", "sine", "--epochs", "3", "--save", dir / "c"}).code == 0);
  const auto r = run_tapegrad({"verify", "--checkpoint", dir / "c"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "[1,16,1] tanh hidden, identity output, quadratic (mean)"));
  CHECK(contains(r.out, "examples of sine"));
  const auto broken =
      run_tapegrad({"verify", "--checkpoint", dir.path.string()});  // no checkpoint.json there
  CHECK(broken.code == 1);
  CHECK(contains(broken.err, "checkpoint.json"));
}

TEST_CASE("verify refuses a batch whose activations would not fit in memory, before it prints anything") {
  TempDir dir("verify");
  tg::test::write_image_set(dir.path, 8, 8, 4, 2);
  // Per example 64 inputs, 864 map values, 10 units: 4 × (2·64 + 7·864 + 7·10 + 3·874) numbers and
  // one example's im2col, 9 × 36, twice: 289.0 KB.
  const tg::test::MemoryCap cap("100K");
  const auto r = run_tapegrad({"verify", "--data", dir.path.string(), "--layers",
                               "conv:16x3x3,pool:2,softmax:10", "--batch-size", "4"});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err,
                 "checking the gradients of conv:16x3x3:sigmoid,pool:2,softmax:10 on (1,8,8) on 4 examples "
                 "(289.0 KB for the activations of the batch, recorded and by hand, the most of them in "
                 "layer 2 (conv 16 kernels 3×3"));
  CHECK(contains(r.err, "but only 100.0 KB is available (TAPEGRAD_MAX_MEMORY=100K)"));
}

TEST_CASE("verify checks a conv network's hand-written BP per layer and parameter, and with --numeric") {
  TempDir dir("verify");
  tg::test::write_image_set(dir.path, 8, 8, 4, 2);
  const std::vector<std::string> args{
      "verify",
      "--data",
      dir.path.string(),
      "--layers",
      "conv:2x3x3:p1:tanh,maxpool:2,conv:3x2x2:s2:relu,avgpool:2,fc:4:tanh,softmax:10",
      "--batch-size",
      "3",
      "--numeric"};
  const auto r = run_tapegrad(args);
  CHECK_MESSAGE(r.code == 0, r.out, r.err);
  CHECK(contains(r.out,
                 "conv:2x3x3:p1:tanh,pool:2,conv:3x2x2:s2:relu,avgpool:2,fc:4:tanh,softmax:10 on (1,8,8)"));
  for (const char* row : {"w^2    (2,1,3,3)", "b^2    (2)", "w^4    (3,2,2,2)", "b^4    (3)", "W^7    (4,3)",
                          "b^7    (4,1)", "W^8    (10,4)", "b^8    (10,1)"})
    CHECK_MESSAGE(contains(r.out, row), row, r.out);
  // Every equation these layers use, and no other: the first conv layer has no (BP2-conv), the second has.
  CHECK(contains(
      r.out, "largest relative difference, BP1–BP4, BP2-conv, BP3-conv, BP4-conv, BP2-pool vs autodiff: "));
  CHECK(contains(r.out,
                 "OK: BP1–BP4, BP2-conv, BP3-conv, BP4-conv, BP2-pool and autodiff agree to a relative"));
  CHECK(contains(r.out, ", and finite differences to"));
  std::vector<std::string> strict = args;
  strict.insert(strict.end(), {"--tolerance", "1e-300"});  // no two sums of rounded numbers agree this well
  const auto failed = run_tapegrad(strict);
  CHECK(failed.code == 1);
  CHECK(contains(failed.out,
                 "FAIL: BP1–BP4, BP2-conv, BP3-conv, BP4-conv, BP2-pool and autodiff differ by a relative"));

  REQUIRE(run_tapegrad({"train", "--data", dir.path.string(), "--layers", "conv:2x3x3,pool:2,softmax:10",
                        "--epochs", "1", "--batch-size", "2", "--save", dir / "ck"})
              .code == 0);
  const auto saved = run_tapegrad({"verify", "--checkpoint", dir / "ck", "--numeric"});
  CHECK_MESSAGE(saved.code == 0, saved.out, saved.err);
  CHECK(contains(saved.out, "w^2    (2,1,3,3)"));
  const auto dump = run_tapegrad({"verify", "--checkpoint", dir / "ck", "--dump", dir / "d"});
  CHECK(dump.code == 1);
  CHECK(contains(dump.err, "--dump " + (dir / "d") +
                               ": writes the weights of networks of fully connected layers only"));
}
