#include "cli/synthetic_set.hpp"

#include <fmt/format.h>

#include "nn/memory_estimate.hpp"
#include "nn/train.hpp"

namespace tg::cli {

namespace {

namespace data = nn::data;

std::size_t or_default(std::size_t n, std::size_t fallback) { return n == 0 ? fallback : n; }

// A synthetic set of n_train + n_test examples of `numbers` doubles each (X's and Y's rows) is
// refused before it is generated when it would not fit (twice: the set and what makes it).
void require_synthetic_memory(const std::string& name, std::size_t n_train, std::size_t n_test,
                              std::size_t numbers) {
  nn::require_memory(nn::times(nn::times(nn::plus(n_train, n_test), numbers), 2 * sizeof(double)),
                     fmt::format("data set '{}' of {} training and {} test examples", name, n_train, n_test));
}

}  // namespace

data::Examples first_columns(const data::Examples& e, std::size_t n) {
  if (n == 0 || n >= e.size()) return e;
  std::vector<std::size_t> index(n);
  for (std::size_t j = 0; j < n; ++j) index[j] = j;
  return {nn::select_columns(e.X, index), nn::select_columns(e.Y, index)};
}

const std::vector<std::string>& synthetic_set_names() {
  static const std::vector<std::string> names{"moons", "spirals", "xor", "sine", "circle", "gauss"};
  return names;
}

std::optional<DataSet> synthetic_data_set(const DataOptions& o) {
  DataSet d;
  d.name = o.name;
  if (o.name == "moons") {
    require_synthetic_memory(o.name, or_default(o.train_size, 1000), or_default(o.test_size, 500), 2 + 2);
    d.train = data::two_moons(or_default(o.train_size, 1000), 0.1, o.seed, data::Targets::one_hot);
    d.test = data::two_moons(or_default(o.test_size, 500), 0.1, o.seed + 1, data::Targets::one_hot);
    d.classes = {"upper moon", "lower moon"};
    d.defaults = DataDefaults{
        {16}, nn::Activation::tanh, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.5, 10, 30};
    return d;
  }
  if (o.name == "spirals") {
    // spirals() makes as many points per arm; the columns come shuffled, so keep the first n.
    const std::size_t n_train = or_default(o.train_size, 900), n_test = or_default(o.test_size, 300);
    require_synthetic_memory(o.name, n_train, n_test,
                             2 * (2 + 3));  // twice: n rounded up to whole arms, then the first n
    d.train = first_columns(data::spirals((n_train + 2) / 3, 3, 0.2, o.seed), n_train);
    d.test = first_columns(data::spirals((n_test + 2) / 3, 3, 0.2, o.seed + 1), n_test);
    d.classes = {"arm 0", "arm 1", "arm 2"};
    d.defaults = DataDefaults{
        {32, 32}, nn::Activation::relu, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.05, 16, 200};
    return d;
  }
  if (o.name ==
      "xor") {  // seed 002's task: 2-2-1, σ everywhere, cross-entropy; the test set is the table itself
    d.train = d.test = data::xor_gate();
    d.classes = {"0", "1"};
    d.defaults = DataDefaults{
        {2}, nn::Activation::sigmoid, nn::Activation::sigmoid, nn::CostKind::cross_entropy, 2.0, 0, 2000};
    return d;
  }
  if (o.name == "sine") {  // regression: identity output and the quadratic cost; no classes, no accuracy
    require_synthetic_memory(o.name, or_default(o.train_size, 500), or_default(o.test_size, 200), 1 + 1);
    d.train = data::sine_curve(or_default(o.train_size, 500), 0.05, o.seed);
    d.test = data::sine_curve(or_default(o.test_size, 200), 0.05, o.seed + 1);
    d.defaults =
        DataDefaults{{16}, nn::Activation::tanh, nn::Activation::identity, nn::CostKind::quadratic, 0.05, 10,
                     200};
    return d;
  }
  if (o.name == "circle" ||
      o.name == "gauss") {  // TensorFlow Playground's two easiest sets, as moons is set up
    const bool circle = o.name == "circle";
    const std::size_t n_train = or_default(o.train_size, 500), n_test = or_default(o.test_size, 250);
    require_synthetic_memory(o.name, n_train, n_test, 2 + 2);
    const auto generate = circle ? data::circle : data::two_gaussians;
    const double noise = circle ? 0.05 : 0.25;  // circle: on each coordinate; gauss: each cloud's sd
    d.train = generate(n_train, noise, o.seed, data::Targets::one_hot);
    d.test = generate(n_test, noise, o.seed + 1, data::Targets::one_hot);
    d.classes = circle ? std::vector<std::string>{"ring", "inside"}
                       : std::vector<std::string>{"lower left", "upper right"};
    d.defaults = DataDefaults{
        {8}, nn::Activation::tanh, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.5, 10, 30};
    return d;
  }
  return std::nullopt;
}

}  // namespace tg::cli
