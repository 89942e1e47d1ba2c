#include "cli/dataset.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/synthetic_set.hpp"
#include "nn/data/idx.hpp"
#include "nn/data/mnist.hpp"
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

}  // namespace

std::string default_data_name() {
  return data::is_mnist_dir(data::fashion_mnist_dir()) ? "fashion-mnist" : "moons";
}

const std::vector<std::string>& data_set_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all{"fashion-mnist"};
    for (const std::string& s : synthetic_set_names()) all.push_back(s);
    return all;
  }();
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
  if (std::optional<DataSet> synthetic = synthetic_data_set({name, o.train_size, o.test_size, o.seed}))
    return std::move(*synthetic);
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
