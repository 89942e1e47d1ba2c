// Example 08: a convolutional network learns Fashion-MNIST.
//
// What you learn: the layers of Nielsen's network3.py (ConvPoolLayer, FullyConnectedLayer,
// SoftmaxLayer) as an nn::Network, and that backpropagation through them, written by hand
// (docs/conv.md: (BP2-conv), (BP3-conv), (BP4-conv), (BP2-pool)), gives the engine's gradients.
// An image is still a column of 784 numbers; the network reads it as a 1×28×28 map.
//
//   layer 2: z^2 = w^2 ⋆ a^1 + b^2, a^2 = relu(z^2)   (m, F, 24, 24)   F kernels 5×5
//   layer 3: a^3 = max over 2×2 windows of a^2         (m, F, 12, 12)
//   layer 4: the maps flattened                        (144·F, m)
//   layer 5: a^5 = softmax(W^5 a^4 + b^5)              (10, m)
// With --lenet, Nielsen's chapter 6 network instead: conv 20×5×5, pool 2, conv 40×5×5, pool 2,
// fully connected 100, softmax 10 (tapegrad train --model lenet).
//
// Usage:   08_conv_fashion                   quick: 2,000 training images, 1 epoch, F = 4 (seconds)
//          08_conv_fashion --train N --epochs E [--lenet] [--eta X]   your own choice
//          08_conv_fashion [...] DIR         another MNIST-format directory
// The data come from Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist).
#include <algorithm>
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "nn/conv_layer.hpp"
#include "nn/compare.hpp"
#include "nn/data/mnist.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network_backprop.hpp"
#include "nn/optimizer.hpp"
#include "nn/pool_layer.hpp"
#include "nn/train.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;

namespace {

// conv F×5×5 (relu), max pool 2; the next layer's input shape follows from the last one's output.
void conv_pool(std::vector<std::unique_ptr<Layer>>& layers, const Shape& in, std::size_t filters,
               std::mt19937_64& rng) {
  layers.push_back(std::make_unique<Conv>(in, filters, 5, 5, 1, 0, Activation::relu, Init::he, rng));
  layers.push_back(std::make_unique<Pooling>(layers.back()->output_shape(), Pool::max, 2, 2));
}

void fully_connected(std::vector<std::unique_ptr<Layer>>& layers, std::size_t out, Activation sigma,
                     std::mt19937_64& rng) {
  const std::size_t in = tg::numel(layers.back()->output_shape());
  layers.push_back(std::make_unique<FullyConnected>(Linear(in, out, Init::he, rng), sigma));
}

Network make_network(bool lenet, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<Layer>> layers;
  conv_pool(layers, {1, 28, 28}, lenet ? 20 : 4, rng);
  if (lenet) conv_pool(layers, layers.back()->output_shape(), 40, rng);
  layers.push_back(std::make_unique<Flatten>(layers.back()->output_shape()));
  if (lenet) fully_connected(layers, 100, Activation::relu, rng);
  fully_connected(layers, 10, Activation::softmax, rng);
  return Network({1, 28, 28}, std::move(layers));
}

}  // namespace

int main(int argc, char** argv) {
  bool lenet = false;
  std::size_t max_train = 2000, epochs = 1, max_test = 2000;
  double eta = 0.05;
  std::filesystem::path dir = data::fashion_mnist_dir();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--lenet") lenet = true;
    else if (arg == "--train" && i + 1 < argc) max_train = std::stoul(argv[++i]);
    else if (arg == "--test" && i + 1 < argc) max_test = std::stoul(argv[++i]);
    else if (arg == "--epochs" && i + 1 < argc) epochs = std::stoul(argv[++i]);
    else if (arg == "--eta" && i + 1 < argc) eta = std::stod(argv[++i]);
    else if (arg == "-h" || arg == "--help") {
      fmt::print("usage: 08_conv_fashion [--lenet] [--train N] [--test N] [--epochs E] [--eta X] [DIR]\n");
      return 0;
    } else dir = arg;
  }
  if (!data::is_mnist_dir(dir)) {
    fmt::print(
        "Fashion-MNIST not found in {} (Debian package dataset-fashion-mnist): nothing to train on, skipping.\n",
        dir.string());
    return 0;
  }
  const data::Mnist set = data::load_mnist(dir, max_train, max_test);
  // X (784, m) as bytes, made doubles a batch at a time; Y (10, m) one-hot
  const ExampleSet &train_set = set.train.examples, &test_set = set.test.examples;
  Network net = make_network(lenet, 1);
  fmt::print("{} training images, {} test images\n{}", train_set.size(), test_set.size(), net.describe());

  // BP by hand and the engine agree on a batch of 10 before any training.
  const Cost cost{CostKind::log_likelihood};
  const data::Examples batch = train_set.first(10);
  const Tensor &Xb = batch.X, &Yb = batch.Y;
  const std::vector<Tensor> hand = gradients(net, Xb, Yb, cost, GradientSource::backprop);
  const std::vector<Tensor> engine = gradients(net, Xb, Yb, cost, GradientSource::autodiff);
  double worst = 0.0;
  for (std::size_t i = 0; i < hand.size(); ++i)
    worst = std::max(worst, difference(hand[i], engine[i]).max_rel);
  fmt::print("largest relative difference, BP by hand vs autodiff: {:.2e}\n\n", worst);

  Sgd sgd(net.parameters(), eta);  // θ ← θ − η ∂C/∂θ
  TrainOptions options;
  options.batch_size = 10;
  options.epochs = epochs;
  options.shuffle_seed = 1;
  options.gradients = GradientSource::backprop;  // the hand-written equations drive training
  const auto start = std::chrono::steady_clock::now();
  train(net, train_set, cost, sgd, options, [&](const EpochReport& r) {
    const Evaluation test = evaluate(net, test_set, cost);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(
        "epoch {}  train C = {:.4f}  accuracy {:.2f}%   test C = {:.4f}  accuracy {:.2f}%   ({:.1f} s)\n",
        r.epoch, r.loss, 100 * r.accuracy, test.cost, 100 * test.accuracy, seconds);
  });
  fmt::print("test accuracy {:.2f}% on {} test images\n", 100 * evaluate(net, test_set, cost).accuracy,
             test_set.size());
  return worst < 1e-10 ? 0 : 1;
}
