// `tapegrad verify` (cli/verify_command.cpp): the BP1–BP4 vs autodiff table, its exit code,
// and the --dump files that let numpy or PyTorch re-check every number.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "nn/checkpoint.hpp"
#include "nn/npy.hpp"
#include "nn/train.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::run_tapegrad;
using tg::test::TempDir;

TEST_CASE("verify prints the table and agrees for every cost and activation pairing") {
  const std::vector<std::vector<std::string>> setups{
      {"--data", "moons"},
      {"--data", "xor"},
      {"--data", "sine", "--l2", "0.1", "--l2-form", "total"},
      {"--data", "spirals", "--hidden", "sigmoid", "--cost", "quadratic", "--reduction", "sum"},
      {"--data", "moons", "--sizes", "2,5,4,2", "--hidden", "relu", "--output", "sigmoid", "--cost", "cross_entropy"}};
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

TEST_CASE("verify --dump writes the batch, the weights and both gradients, with an index") {
  TempDir dir("verify");
  const auto r = run_tapegrad({"verify", "--data", "spirals", "--batch", "7", "--sizes", "2,6,5,3", "--dump", dir / "d"});
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
  for (std::size_t l = 2; l <= 4; ++l) layers.emplace_back(file(fmt::format("W{}.npy", l)), file(fmt::format("b{}.npy", l)));
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
  const auto broken = run_tapegrad({"verify", "--checkpoint", dir.path.string()});  // no checkpoint.json there
  CHECK(broken.code == 1);
  CHECK(contains(broken.err, "checkpoint.json"));
}
