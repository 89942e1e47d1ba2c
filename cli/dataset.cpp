#include "cli/dataset.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nn/data/idx.hpp"
#include "nn/data/mnist.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/train.hpp"

namespace tg::cli {

namespace {

namespace fs = std::filesystem;
namespace data = nn::data;

DataSet images(const std::string& name, const fs::path& dir, const DataOptions& o,
               std::vector<std::string> classes) {
  data::Mnist m = data::load_mnist(dir, o.train_size, o.test_size);
  DataSet d;
  d.name = name;
  d.train = std::move(m.train.examples);
  d.test = std::move(m.test.examples);
  d.classes = std::move(classes);
  d.image_rows = m.train.rows;
  d.image_cols = m.train.cols;
  // [784, 100, 10], σ hidden, softmax + log-likelihood, plain SGD on mini-batches of 10, as in
  // Nielsen's book (η for the batch mean, as his update η/m Σ_x ∇C_x).
  d.defaults = DataDefaults{
      {100}, nn::Activation::sigmoid, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.1, 10, 5};
  return d;
}

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

std::string default_data_name() {
  return data::is_mnist_dir(data::fashion_mnist_dir()) ? "fashion-mnist" : "moons";
}

const std::vector<std::string>& data_set_names() {
  static const std::vector<std::string> names{"fashion-mnist", "moons", "spirals", "xor", "sine"};
  return names;
}

DataSet load_data_set(const DataOptions& o) {
  const std::string name = o.name.empty() ? default_data_name() : o.name;
  DataSet d;
  d.name = name;
  if (name == "fashion-mnist") {
    if (!data::is_mnist_dir(data::fashion_mnist_dir()))
      throw std::runtime_error(fmt::format(
          "data set 'fashion-mnist': its files are not in {} (install Debian's dataset-fashion-mnist, "
          "or give an MNIST-format directory with --data DIR)",
          data::fashion_mnist_dir().string()));
    return images(name, data::fashion_mnist_dir(), o, data::fashion_mnist_classes());
  }
  if (name == "moons") {
    require_synthetic_memory(name, or_default(o.train_size, 1000), or_default(o.test_size, 500), 2 + 2);
    d.train = data::two_moons(or_default(o.train_size, 1000), 0.1, o.seed, data::Targets::one_hot);
    d.test = data::two_moons(or_default(o.test_size, 500), 0.1, o.seed + 1, data::Targets::one_hot);
    d.classes = {"upper moon", "lower moon"};
    d.defaults = DataDefaults{
        {16}, nn::Activation::tanh, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.5, 10, 30};
    return d;
  }
  if (name == "spirals") {
    // spirals() makes as many points per arm; the columns come shuffled, so keep the first n.
    const std::size_t n_train = or_default(o.train_size, 900), n_test = or_default(o.test_size, 300);
    require_synthetic_memory(name, n_train, n_test,
                             2 * (2 + 3));  // twice: n rounded up to whole arms, then the first n
    d.train = first_columns(data::spirals((n_train + 2) / 3, 3, 0.2, o.seed), n_train);
    d.test = first_columns(data::spirals((n_test + 2) / 3, 3, 0.2, o.seed + 1), n_test);
    d.classes = {"arm 0", "arm 1", "arm 2"};
    d.defaults = DataDefaults{
        {32, 32}, nn::Activation::relu, nn::Activation::softmax, nn::CostKind::log_likelihood, 0.05, 16, 200};
    return d;
  }
  if (name ==
      "xor") {  // seed 002's task: 2-2-1, σ everywhere, cross-entropy; the test set is the table itself
    d.train = d.test = data::xor_gate();
    d.classes = {"0", "1"};
    d.defaults = DataDefaults{
        {2}, nn::Activation::sigmoid, nn::Activation::sigmoid, nn::CostKind::cross_entropy, 2.0, 0, 2000};
    return d;
  }
  if (name == "sine") {  // regression: identity output and the quadratic cost; no classes, no accuracy
    require_synthetic_memory(name, or_default(o.train_size, 500), or_default(o.test_size, 200), 1 + 1);
    d.train = data::sine_curve(or_default(o.train_size, 500), 0.05, o.seed);
    d.test = data::sine_curve(or_default(o.test_size, 200), 0.05, o.seed + 1);
    d.defaults =
        DataDefaults{{16}, nn::Activation::tanh, nn::Activation::identity, nn::CostKind::quadratic, 0.05, 10,
                     200};
    return d;
  }
  const fs::path dir(name);
  if (fs::is_directory(dir)) {
    std::vector<std::string> digits;
    for (int k = 0; k < 10; ++k) digits.push_back(std::to_string(k));
    return images(name, dir, o, digits);  // load_mnist names any file that is missing
  }
  throw std::runtime_error(
      fmt::format("unknown data set '{}': expected one of {} or an MNIST-format directory", name,
                  fmt::join(data_set_names(), ", ")));
}

}  // namespace tg::cli
