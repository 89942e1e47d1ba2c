// The data sets `tapegrad` trains on, by name or by directory:
//
//   fashion-mnist   Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist): 60000
//                   training and 10000 test images of clothes, 28×28, ten classes
//   DIR             any directory of MNIST-format IDX files (original MNIST, for instance)
//   moons           two interleaving half circles, 2 classes        (synthetic, seeded)
//   spirals         three spiral arms, 3 classes                    (synthetic, seeded)
//   xor             the XOR truth table, seed 002's task            (4 examples)
//   sine            y = sin x + noise, a regression curve           (synthetic, seeded)
//   circle          a disc inside a ring, 2 classes (Playground's)  (synthetic, seeded)
//   gauss           two Gaussian clouds, 2 classes (Playground's)   (synthetic, seeded)
//
// Each comes with the settings that suit it (the network's shape, output and cost), which the
// command-line options override. With no --data, fashion-mnist when it is installed, else moons.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/cost.hpp"
#include "nn/data/synthetic.hpp"
#include "nn/example_set.hpp"

namespace tg::cli {

// What a data set suggests when the command line does not say.
struct DataDefaults {
  std::vector<std::size_t> hidden_sizes;  // the sizes between input and output
  nn::Activation hidden = nn::Activation::sigmoid;
  nn::Activation output = nn::Activation::softmax;
  nn::CostKind cost = nn::CostKind::log_likelihood;
  double learning_rate = 0.1;
  std::size_t batch_size = 10;
  std::size_t epochs = 5;
};

struct DataSet {
  std::string name;                            // "fashion-mnist", "moons", or the directory given
  nn::ExampleSet train, test;                  // X: (features, m) as bytes or doubles, Y: (targets, m)
  std::vector<std::string> classes;            // class names, label order; empty for regression (sine)
  std::size_t image_rows = 0, image_cols = 0;  // 28×28 for image sets, 0 otherwise
  DataDefaults defaults;

  bool classification() const { return !classes.empty(); }
  std::size_t inputs() const { return train.features(); }  // N^1
  std::size_t outputs() const { return train.targets(); }  // N^L
};

struct DataOptions {
  std::string name;  // as above; empty: the default
  std::size_t train_size =
      0;                      // image sets: keep the first n (0: all); synthetic: generate n (0: its default)
  std::size_t test_size = 0;  // the same for the test set
  std::uint64_t seed = 1;     // synthetic sets: the training set's seed (the test set uses seed + 1)
};

// The name used when --data is not given: "fashion-mnist" if installed, else "moons".
std::string default_data_name();

// The names that are not directories, for --help.
const std::vector<std::string>& data_set_names();

// The first n examples (columns) of e; n = 0 or n ≥ m: all of them. (In cli/synthetic_set.cpp.)
nn::data::Examples first_columns(const nn::data::Examples& e, std::size_t n);
// The same of a loaded set, as doubles.
inline nn::data::Examples first_columns(const nn::ExampleSet& e, std::size_t n) { return e.first(n); }

// Loads or generates the data set. Unknown names that are not MNIST directories, and
// unreadable files, throw with a message that says what was looked for.
DataSet load_data_set(const DataOptions& options);

}  // namespace tg::cli
