// Checkpoints of a Network (format version 2: the layer sequence), and the Mlp checkpoints of
// version 1 still loading: tests/nn/fixtures/mlp_checkpoint_v1 was written by `tapegrad train
// --data xor --sizes 2,3,1 --epochs 2 --optimizer adam --seed 3 --save DIR` before version 2 existed.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "nn/checkpoint.hpp"
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/metrics.hpp"
#include "nn/network.hpp"
#include "nn/network_backprop.hpp"
#include "nn/pool_layer.hpp"
#include "support/files.hpp"
#include "support/random.hpp"
#include "support/temp_dir.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::Variable;
namespace fs = std::filesystem;

namespace {

// conv 3 kernels 3×3 (tanh) -> max pool 2 -> flatten -> softmax 4, on 2×6×6 images.
Network small_cnn(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(Shape{2, 6, 6}, 3, 3, 3, 1, 1, Activation::tanh, Init::xavier, rng));
  layers.push_back(std::make_unique<Pooling>(Shape{3, 6, 6}, Pool::max, 2, 2));
  layers.push_back(std::make_unique<Flatten>(Shape{3, 3, 3}));
  layers.push_back(std::make_unique<FullyConnected>(Linear(27, 4, Init::xavier, rng), Activation::softmax));
  return Network({2, 6, 6}, std::move(layers));
}

// The fixture, copied: loading takes a lock file in the checkpoint's directory.
fs::path fixture_copy(const tg::test::TempDir& tmp) {
  const fs::path dir = tmp.path / "v1";
  fs::copy(fs::path(TG_FIXTURES_DIR) / "mlp_checkpoint_v1", dir);
  return dir;
}

}  // namespace

TEST_CASE("checkpoint: an Mlp checkpoint of version 1 still loads, as an Mlp and as a Network") {
  const tg::test::TempDir tmp("network-checkpoint");
  const fs::path dir = fixture_copy(tmp);
  Mlp mlp = load_checkpoint(dir);
  CHECK(mlp.sizes() == std::vector<std::size_t>{2, 3, 1});
  CHECK(mlp.hidden() == Activation::sigmoid);
  CHECK(mlp.layer(2).W.value() == read_npy(dir / "W2.g1.npy"));
  Adam adam(mlp.parameters(), 0.01);
  CHECK(load_optimizer_state(dir, adam));
  CHECK(adam.steps() == 2);  // two epochs of the four XOR examples in one batch
  const Network net = load_network(dir);
  REQUIRE(net.num_layers() == 3);
  CHECK(net.layer(2).kind() == "fc");
  const Tensor X = tg::test::random_tensor({2, 5}, tg::test::Domain::any, 1);
  CHECK(net.forward(Variable(X)).value() == mlp.forward(Variable(X)).value());
}

TEST_CASE("checkpoint: a conv network's layers, weights and optimizer state come back as saved") {
  const tg::test::TempDir tmp("network-checkpoint");
  Network net = small_cnn(5);
  const Tensor X = tg::test::random_tensor({72, 3}, tg::test::Domain::any, 2);
  const Tensor Y = tg::test::random_tensor({4, 3}, tg::test::Domain::positive, 3);
  Adam adam(net.parameters(), 0.01);
  adam.step(parameter_gradients(backprop(net, X, Y, Cost{CostKind::log_likelihood})));
  save_checkpoint(net, tmp.path / "cnn", {{"epoch", "1"}}, &adam);

  const Network loaded = load_network(tmp.path / "cnn");
  CHECK(loaded.describe() == net.describe());
  CHECK(loaded.forward(Variable(X)).value() == net.forward(Variable(X)).value());
  Adam resumed(loaded.parameters(), 0.01);
  REQUIRE(load_optimizer_state(tmp.path / "cnn", resumed));
  CHECK(resumed.steps() == 1);
  CHECK(resumed.state().at("m")[0] == adam.state().at("m")[0]);
  CHECK(load_checkpoint_extra(tmp.path / "cnn").at("epoch") == "1");
  const std::string json = tg::test::read_file(tmp.path / "cnn" / "checkpoint.json");
  CHECK(json.find("\"format\": \"tapegrad-checkpoint\"") != std::string::npos);
  CHECK(json.find("\"kind\": \"maxpool\"") != std::string::npos);
  // Saving again replaces the generation: the old files go.
  save_checkpoint(net, tmp.path / "cnn");
  CHECK(!fs::exists(tmp.path / "cnn" / "W2.g1.npy"));
  CHECK(fs::exists(tmp.path / "cnn" / "W2.g2.npy"));
}

TEST_CASE("checkpoint: version 2 refused where an Mlp is expected, and a bad layer named") {
  const tg::test::TempDir tmp("network-checkpoint");
  save_checkpoint(small_cnn(1), tmp.path / "cnn");
  const std::string file = (tmp.path / "cnn" / "checkpoint.json").string();
  CHECK_THROWS_WITH_AS(load_checkpoint(tmp.path / "cnn"),
                       ("load_checkpoint: '" + file +
                        "' holds a network of layers (format version 2), not an "
                        "Mlp: load it with load_network")
                           .c_str(),
                       checkpoint_error);
  std::string json = tg::test::read_file(file);
  json.replace(json.find("\"maxpool\""), 9, "\"minpool\"");
  tg::test::write_file(file, json);
  CHECK_THROWS_WITH_AS(load_network(tmp.path / "cnn"),
                       ("load_network: '" + file +
                        "': 'layers[1].kind' is 'minpool': expected fc, conv, maxpool, "
                        "avgpool or flatten")
                           .c_str(),
                       checkpoint_error);
}
