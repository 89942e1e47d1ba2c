// The network a command works on, of either kind: an nn::Mlp (--sizes, the data set's default,
// a version 1 checkpoint) or an nn::Network of layers (--layers, --model, a version 2
// checkpoint). Commands call nn's functions, which take both, through std::visit.
#pragma once

#include <string>
#include <variant>

#include "cli/dataset.hpp"
#include "cli/model.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::cli {

using AnyNetwork = std::variant<nn::Mlp, nn::Network>;

// The network the model options describe for a data set: a Network when they hold --layers or
// --model (whose images are the data set's, 1×rows×cols), the Mlp of build_network otherwise.
AnyNetwork build_any_network(const ModelOptions& model, const DataSet& data);
// The Network of model.layers (std::invalid_argument naming the option and the token).
nn::Network build_layers_network(const ModelOptions& model, const DataSet& data);

// One example's shape for the data set: (1, rows, cols) for images, (N^1) otherwise.
Shape example_shape(const DataSet& data);

// A Network written back in --layers' grammar: "conv:20x5x5:relu,pool:2,fc:100:relu,softmax:10"
// (flatten layers are implied; stride and padding appear when they are not the defaults).
std::string layers_str(const nn::Network& net);
// One line for headers and titles: "[784,100,10] sigmoid hidden, softmax output", or the layers.
std::string network_str(const nn::Mlp& net);
std::string network_str(const nn::Network& net);
std::string network_str(const AnyNetwork& net);

// Shorter, beside a checkpoint's name: "[784,100,10]", or the layers.
std::string short_str(const nn::Mlp& net);
std::string short_str(const nn::Network& net);

// Checks that a network (say, from a checkpoint) fits the data: its input and output sizes, and
// for a network of images and image data, the images' shape (14×56 is not 28×28).
void check_fits(const nn::Network& net, const DataSet& data, const std::string& what);

}  // namespace tg::cli
