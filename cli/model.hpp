// The network and the cost that the model options (--sizes, --hidden, --output, --init, --cost,
// --reduction, --l2, --l2-form, --seed) describe for a data set. Apart from the CLI11 parsing in
// cli/options.hpp, so that the lab (lab/) builds its networks with this same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/dataset.hpp"
#include "nn/cost.hpp"
#include "nn/init.hpp"
#include "nn/mlp.hpp"

namespace tg::cli {

// The network and its cost.
struct ModelOptions {
  std::optional<std::vector<std::size_t>> sizes;  // --sizes 784,100,10
  std::optional<nn::Activation> hidden, output;   // --hidden, --output
  std::optional<nn::Init> init;                   // --init
  std::optional<nn::CostKind> cost;               // --cost
  std::optional<nn::Reduction> reduction;         // --reduction (default mean)
  std::optional<double> l2;                       // --l2 λ (default 0: none)
  std::optional<nn::Regularization> l2_form;      // --l2-form nielsen|total (default nielsen)
  std::optional<std::uint64_t> seed;              // --seed: weights and synthetic data
  // A network of layers instead of an Mlp (cli/layer_description.hpp): the description of
  // --layers, or of --model NAME; layers_option says which, for messages ("--model lenet").
  std::optional<std::string> layers;
  std::string layers_option = "--layers";
  std::uint64_t seed_or_default() const { return seed.value_or(1); }
};
// A problem: a network, the data set it learns and the cost it minimises (cli/problem.hpp
// builds them from the command line or a checkpoint).
struct Problem {
  nn::Mlp net;
  DataSet data;
  nn::Cost cost;
};

// The layer sizes the options give, or the data set's default (std::invalid_argument for fewer than two).
std::vector<std::size_t> network_sizes(const ModelOptions& model, const DataSet& data);
// The network the options describe for a data set: sizes (checked against the data's input and
// output sizes), activations and initialisation from the options or the data set's defaults.
// One whose weights would not fit in memory is refused first (nn::memory_error).
nn::Mlp build_network(const ModelOptions& model, const DataSet& data);
// The cost the options describe (the data set's when --cost is not given).
nn::Cost build_cost(const ModelOptions& model, const DataSet& data);
// Checks that a network (say, from a checkpoint) fits the data: N^1 and N^L.
void check_fits(const nn::Mlp& net, const DataSet& data, const std::string& what);

// "[784,100,10]"
std::string sizes_str(const std::vector<std::size_t>& sizes);

}  // namespace tg::cli
