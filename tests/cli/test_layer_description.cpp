// --layers' grammar and the networks it builds (cli/layer_description.cpp): each token's form,
// errors naming the token and what was expected, the named models.
#include <doctest/doctest.h>

#include <string>

#include "cli/layer_description.hpp"
#include "nn/conv_layer.hpp"
#include "nn/pool_layer.hpp"

using namespace tg::cli;
using Kind = LayerSpec::Kind;

TEST_CASE("--layers reads conv, pool, fc and output tokens with their options") {
  const std::vector<LayerSpec> l =
      parse_layers("conv:20x5x3:s2:p1:relu,avgpool:3:s1,pool:2,fc:100,softmax:10");
  REQUIRE(l.size() == 5);
  CHECK(l[0].kind == Kind::conv);
  CHECK(l[0].size == 20);
  CHECK(l[0].kernel_h == 5);
  CHECK(l[0].kernel_w == 3);
  CHECK(l[0].stride == 2);
  CHECK(l[0].padding == 1);
  CHECK(l[0].activation == tg::nn::Activation::relu);
  CHECK(l[1].kind == Kind::pool);
  CHECK(l[1].pool == tg::nn::Pool::average);
  CHECK(l[1].size == 3);
  CHECK(l[1].stride == 1);
  CHECK(l[2].pool == tg::nn::Pool::max);
  CHECK(l[2].stride == 2);  // the window's size when not given
  CHECK(l[3].kind == Kind::fc);
  CHECK(!l[3].activation);  // --hidden's
  CHECK(l[4].kind == Kind::output);
  CHECK(l[4].activation == tg::nn::Activation::softmax);
  CHECK(l[4].size == 10);

  const std::vector<LayerSpec> square = parse_layers("conv:4x3,sigmoid:1");
  CHECK(square[0].kernel_w == 3);  // K' = K
  CHECK(square[0].stride == 1);
  CHECK(square[0].padding == 0);
}

TEST_CASE("a bad --layers token is named, with its number and what was expected") {
  const auto fails = [](const std::string& text, const std::string& message) {
    CHECK_THROWS_WITH_AS(parse_layers(text), doctest::Contains(message.c_str()), std::invalid_argument);
  };
  fails("conv:20x5x5,pol:2,softmax:10", "token 2 'pol:2': not a layer: expected conv:FxK[xK']");
  fails("conv:20,softmax:10", "token 1 'conv:20': expected conv:FxK or conv:FxKxK'");
  fails("conv:0x5,softmax:10", "expected the number of kernels F (a whole number >= 1), got '0'");
  fails("conv:2x5:s0,softmax:10", "expected sS (a stride >= 1), pP (a padding >= 0) or an activation");
  fails("conv:2x5:softmax,softmax:10", "softmax is an output activation; a hidden layer takes");
  fails("pool:2:p1,softmax:10", "token 1 'pool:2:p1': expected pool:K or pool:K:sS");
  fails("fc:100", "token 1 'fc:100': the last layer must be the output layer ACT:N, e.g. softmax:10");
  fails("softmax:10,fc:3,softmax:10", "token 1 'softmax:10': the output layer must be the last");
  fails("fc:10,,softmax:10", "token 2 '': not a layer");
  fails("fc:x,softmax:10", "expected a number of neurons N (a whole number >= 1), got 'x'");
}

TEST_CASE("build_layers flattens before the first fully connected layer and checks against the data") {
  const tg::nn::Network net = build_layers(parse_layers("conv:3x3:tanh,pool:2,fc:5,softmax:4"), {1, 8, 8}, 4,
                                           tg::nn::Activation::sigmoid, std::nullopt, 1, "--layers");
  REQUIRE(net.num_layers() == 6);  // input, conv, pool, flatten, fc, softmax
  CHECK(net.layer(2).kind() == "conv");
  CHECK(net.layer(2).activation() == tg::nn::Activation::tanh);
  CHECK(net.layer(2).output_shape() == tg::Shape{3, 6, 6});
  CHECK(net.layer(3).output_shape() == tg::Shape{3, 3, 3});
  CHECK(net.layer(4).kind() == "flatten");
  CHECK(net.layer(5).activation() == tg::nn::Activation::sigmoid);  // the hidden default
  CHECK(net.output_size() == 4);

  const auto fails = [](const std::string& text, const tg::Shape& in, const std::string& message) {
    CHECK_THROWS_WITH_AS(build_layers(parse_layers(text), in, 4, tg::nn::Activation::sigmoid, std::nullopt, 1,
                                      "--model m"),
                         doctest::Contains(message.c_str()), std::invalid_argument);
  };
  fails(
      "conv:2x3,softmax:3", {1, 8, 8},
      "--model m: token 2 'softmax:3': the output layer has 3 neurons, but the data set's examples have 4 targets");
  fails("conv:2x3,softmax:4", {2}, "--model m: token 1 'conv:2x3': a conv layer takes images (C, H, W)");
  fails("fc:3,pool:2,softmax:4", {1, 8, 8}, "token 2 'pool:2': a pool layer takes images");
  fails("conv:2x9,softmax:4", {1, 8, 8}, "token 1 'conv:2x9': ");
}

TEST_CASE("--model lenet is Nielsen's chapter 6 network, and another name lists the known ones") {
  const tg::nn::Network net = build_layers(parse_layers(named_model("lenet")), {1, 28, 28}, 10,
                                           tg::nn::Activation::sigmoid, std::nullopt, 1, "--model lenet");
  CHECK(net.layer(2).output_shape() == tg::Shape{20, 24, 24});
  CHECK(net.layer(3).output_shape() == tg::Shape{20, 12, 12});
  CHECK(net.layer(4).output_shape() == tg::Shape{40, 8, 8});
  CHECK(net.layer(5).output_shape() == tg::Shape{40, 4, 4});
  CHECK(net.layer(7).output_shape() == tg::Shape{100});
  CHECK(net.output() == tg::nn::Activation::softmax);
  CHECK_THROWS_WITH_AS(named_model("alexnet"), "unknown model 'alexnet': expected lenet",
                       std::invalid_argument);
}
