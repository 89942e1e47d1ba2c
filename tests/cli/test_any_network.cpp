// Networks of layers in the program (cli/any_network.cpp): train builds one from --layers or
// --model, saves it as a version 2 checkpoint, which eval and --resume load; the Mlp's options
// and the commands that take only an Mlp refuse it clearly. On a few 8×8 images, in seconds.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "cli/any_network.hpp"
#include "cli/problem.hpp"
#include "nn/checkpoint.hpp"
#include "nn/train.hpp"
#include "support/idx_files.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using namespace tg::test;

namespace {

// 12 training and 6 test images of 8×8.
void write_images(const TempDir& dir) { write_image_set(dir.path, 8, 8, 12, 6); }

const std::string small_conv = "conv:2x3x3,pool:2,softmax:10";

}  // namespace

TEST_CASE("train --layers trains a conv network, saves it as layers, and eval and --resume load it") {
  TempDir dir("layers");
  write_images(dir);
  const std::string data = dir.path.string();
  const Run trained = run_tapegrad({"train", "--data", data, "--layers", small_conv, "--epochs", "2",
                                    "--save", dir / "ck", "--progress", "never"});
  REQUIRE_MESSAGE(trained.code == 0, trained.err);
  CHECK_MESSAGE(contains(trained.out, "network conv:2x3x3:sigmoid,pool:2,softmax:10 on (1,8,8); cost"),
                trained.out);
  CHECK(contains(trained.out, "    layer 2: conv"));
  CHECK(contains(trained.out, "    layer 4: flatten"));
  const tg::cli::AnyNetwork saved = tg::nn::load_any_network(dir / "ck");
  REQUIRE(std::holds_alternative<tg::nn::Network>(saved));
  CHECK(tg::cli::layers_str(std::get<tg::nn::Network>(saved)) == "conv:2x3x3:sigmoid,pool:2,softmax:10");

  const Run eval = run_tapegrad({"eval", "--checkpoint", dir / "ck"});
  REQUIRE_MESSAGE(eval.code == 0, eval.err);
  const tg::cli::AnyProblem p = tg::cli::load_any_problem(dir / "ck", {}, {});
  const auto& layers = std::get<tg::cli::LayersProblem>(p);
  const tg::nn::Evaluation e = tg::nn::evaluate(layers.net, layers.data.test, layers.cost);
  CHECK_MESSAGE(contains(eval.out,
                         fmt::format("conv:2x3x3:sigmoid,pool:2,softmax:10 on the 6 test examples of {}",
                                     data)),
                eval.out);
  CHECK_MESSAGE(contains(eval.out, fmt::format("accuracy: {:.2f}%", 100.0 * e.accuracy)), eval.out);
  CHECK(contains(eval.out, fmt::format(": {:.6f}\n", e.cost)));

  const Run resumed = run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "1", "--progress", "never"});
  REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
  CHECK_MESSAGE(contains(resumed.out, "epochs 3..3"), resumed.out);
  CHECK(contains(resumed.out, "network conv:2x3x3:sigmoid,pool:2,softmax:10"));
  // The same layers in other words are the same network; other layers or an Mlp's options are not.
  CHECK(run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "1", "--layers",
                      "conv:2x3:sigmoid,maxpool:2:s2,softmax:10"})
            .code == 0);
  const Run other = run_tapegrad({"train", "--resume", dir / "ck", "--layers", "conv:3x3,pool:2,softmax:10"});
  CHECK(other.code == 1);
  CHECK_MESSAGE(
      contains(
          other.err,
          "the checkpoint's layers are conv:2x3x3:sigmoid,pool:2,softmax:10, but --layers conv:3x3,pool:2,softmax:10 was given"),
      other.err);
  const Run sizes = run_tapegrad({"train", "--resume", dir / "ck", "--sizes", "64,10"});
  CHECK(sizes.code == 1);
  CHECK(contains(
      sizes.err,
      "holds a network of layers (conv:2x3x3:sigmoid,pool:2,softmax:10); --sizes is for a new network"));
}

TEST_CASE("a conv network trained by hand-written BP ends with the engine-trained one's weights") {
  TempDir dir("layers");
  write_images(dir);
  for (const char* source : {"autodiff", "backprop"})
    REQUIRE(run_tapegrad({"train", "--data", dir.path.string(), "--layers",
                          "conv:2x3x3:s1:p1:tanh,avgpool:2,fc:5,softmax:10", "--epochs", "2", "--batch-size",
                          "4", "--gradients", source, "--save", dir / source})
                .code == 0);
  const tg::nn::Network a = tg::nn::load_network(dir / "autodiff");
  const tg::nn::Network b = tg::nn::load_network(dir / "backprop");
  const std::vector<tg::Variable> pa = a.parameters(), pb = b.parameters();
  REQUIRE(pa.size() == pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i)
    CHECK(xt::amax(xt::abs(pa[i].value() - pb[i].value()))() < 1e-12);
}

TEST_CASE(
    "--layers and --model: a bad description is exit code 2, one that does not fit the data exit code 1") {
  TempDir dir("layers");
  write_images(dir);
  const std::string data = dir.path.string();
  const Run grammar = run_tapegrad({"train", "--data", data, "--layers", "conv:2x3,pol:2,softmax:10"});
  CHECK(grammar.code == 2);
  CHECK_MESSAGE(contains(grammar.err, "--layers: token 2 'pol:2': not a layer: expected conv:FxK"),
                grammar.err);
  const Run sizes = run_tapegrad({"train", "--layers", small_conv, "--sizes", "64,10"});
  CHECK(sizes.code == 2);
  CHECK_MESSAGE(contains(sizes.err, "--layers: leave out --sizes: --layers describes the whole network"),
                sizes.err);
  CHECK(run_tapegrad({"train", "--model", "lenet", "--layers", small_conv}).code == 2);
  CHECK(run_tapegrad({"train", "--output", "sigmoid", "--model", "lenet"}).code == 2);
  const Run unknown = run_tapegrad({"train", "--model", "alexnet"});
  CHECK(unknown.code == 2);
  CHECK(contains(unknown.err, "--model: unknown model 'alexnet': expected lenet"));

  const Run moons = run_tapegrad({"train", "--data", "moons", "--layers", "conv:2x3,softmax:2"});
  CHECK(moons.code == 1);
  CHECK_MESSAGE(
      contains(
          moons.err,
          "tapegrad train: --layers: token 1 'conv:2x3': a conv layer takes images (C, H, W), but it gets columns (2)"),
      moons.err);
  const Run lenet = run_tapegrad({"train", "--data", data, "--model", "lenet"});
  CHECK(lenet.code == 1);
  CHECK_MESSAGE(contains(lenet.err, "tapegrad train: --model lenet: token 3 'conv:40x5x5:relu': "),
                lenet.err);
  // fully connected layers only also fit a data set of columns
  CHECK(run_tapegrad({"train", "--data", "moons", "--layers", "fc:4:tanh,softmax:2", "--epochs", "1"}).code ==
        0);
}

TEST_CASE("verify --dump, which writes an Mlp's weights only, refuses a network of layers") {
  TempDir dir("layers");
  write_images(dir);
  REQUIRE(run_tapegrad({"train", "--data", dir.path.string(), "--layers", small_conv, "--epochs", "1",
                        "--save", dir / "ck"})
              .code == 0);
  const Run r = run_tapegrad({"verify", "--checkpoint", dir / "ck", "--dump", dir / "dump"});
  CHECK(r.code == 1);
  CHECK_MESSAGE(contains(r.err, "writes the weights of networks of fully connected layers only, so far"),
                r.err);
}

TEST_CASE("a checkpoint of layers refuses images of another shape with the same pixel count") {
  TempDir dir("layers");
  write_images(dir);  // 8×8
  const std::string other = dir / "wide";
  std::filesystem::create_directories(other);
  write_image_set(other, 4, 16, 12, 6);  // 64 pixels too, laid out 4×16
  REQUIRE(run_tapegrad({"train", "--data", dir.path.string(), "--layers", small_conv, "--epochs", "1",
                        "--save", dir / "ck"})
              .code == 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"eval", "--checkpoint", dir / "ck", "--data", other},
        std::vector<std::string>{"train", "--resume", dir / "ck", "--data", other, "--epochs", "1"}}) {
    const Run r = run_tapegrad(args);
    INFO(args[0]);
    CHECK(r.code == 1);
    CHECK_MESSAGE(contains(r.err, "takes images (1,8,8), but the images of data set"), r.err);
    CHECK_MESSAGE(contains(r.err, "are (1,4,16)"), r.err);
  }
  // A network of fully connected layers takes columns: any 64 inputs fit it.
  REQUIRE(run_tapegrad({"train", "--data", dir.path.string(), "--layers", "fc:5,softmax:10", "--epochs", "1",
                        "--save", dir / "fc"})
              .code == 0);
  CHECK(run_tapegrad({"eval", "--checkpoint", dir / "fc", "--data", other}).code == 0);
}
