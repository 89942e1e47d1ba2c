#include "cli/model.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nn/memory_estimate.hpp"

namespace tg::cli {

std::string sizes_str(const std::vector<std::size_t>& sizes) {
  return fmt::format("[{}]", fmt::join(sizes, ","));
}

void check_fits(const nn::Mlp& net, const DataSet& data, const std::string& what) {
  if (net.sizes().front() != data.inputs() || net.sizes().back() != data.outputs())
    throw std::invalid_argument(fmt::format(
        "{} {} does not fit data set '{}': it has {} inputs and {} outputs, so the sizes must be {},...,{}",
        what, sizes_str(net.sizes()), data.name, data.inputs(), data.outputs(), data.inputs(),
        data.outputs()));
}

std::vector<std::size_t> network_sizes(const ModelOptions& m, const DataSet& data) {
  std::vector<std::size_t> sizes;
  if (m.sizes) {
    sizes = *m.sizes;
    if (sizes.size() < 2)
      throw std::invalid_argument(
          fmt::format("--sizes {}: a network needs at least an input and an output layer", sizes_str(sizes)));
  } else {
    sizes.push_back(data.inputs());
    sizes.insert(sizes.end(), data.defaults.hidden_sizes.begin(), data.defaults.hidden_sizes.end());
    sizes.push_back(data.outputs());
  }
  return sizes;
}

nn::Mlp build_network(const ModelOptions& m, const DataSet& data) {
  const std::vector<std::size_t> sizes = network_sizes(m, data);
  const nn::Activation hidden = m.hidden.value_or(data.defaults.hidden);
  const nn::Init init =
      m.init.value_or(hidden == nn::Activation::relu ? nn::Init::he : nn::Init::scaled_normal);
  nn::require_network_memory(sizes, m.sizes ? "--sizes" : "the network");  // before its weights are allocated
  nn::Mlp net(sizes, hidden, m.output.value_or(data.defaults.output), m.seed_or_default(), init);
  check_fits(net, data, "--sizes");
  return net;
}

nn::Cost build_cost(const ModelOptions& m, const DataSet& data) {
  nn::Cost c;
  c.kind = m.cost.value_or(data.defaults.cost);
  c.reduction = m.reduction.value_or(nn::Reduction::mean);
  if (m.l2.value_or(0.0) > 0.0) {
    c.regularization = m.l2_form.value_or(nn::Regularization::l2);
    c.lambda = *m.l2;
  }
  // Nielsen's λ/(2n) takes n from the training set, for a batch and for the test set alike,
  // so that train and test losses are the same function.
  c.training_set_size = data.train.size();
  return c;
}

}  // namespace tg::cli
