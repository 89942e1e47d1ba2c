// MNIST-format image sets (MNIST, Fashion-MNIST): a directory of four IDX files,
//
//   train-images-idx3-ubyte   (60000, 28, 28) unsigned bytes     each may also end in .gz
//   train-labels-idx1-ubyte   (60000) unsigned bytes, 0..9
//   t10k-images-idx3-ubyte    (10000, 28, 28)
//   t10k-labels-idx1-ubyte    (10000)
//
// loaded as an ExampleSet: X is (rows·cols, m) with pixel p = r·cols + c of image j in column j,
// scaled from 0..255 to [0, 1] as v / 255, held as the file's bytes (one row of rows·cols bytes
// per image: 47 MB for Fashion-MNIST's 60,000, not 376 MB of doubles); Y is (10, m) one-hot.
// Debian's dataset-fashion-mnist package installs Fashion-MNIST in fashion_mnist_dir().
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "nn/data/synthetic.hpp"
#include "nn/example_set.hpp"

namespace tg::nn::data {

struct ImageSet {
  ExampleSet examples;              // X: (rows·cols, m) in [0, 1] as bytes, Y: (classes, m) one-hot
  std::vector<std::size_t> labels;  // labels[j]: the class of image j
  std::size_t rows = 0, cols = 0;   // 28, 28
};

struct Mnist {
  ImageSet train, test;
  std::size_t classes = 10;
};

// The images and labels in dir (file names as above, with or without .gz). max_train and
// max_test, when not 0, keep only the first so many examples of each set (more than a file
// holds is an idx_error naming the file, its count and the number asked). Images and labels
// that disagree (counts, a label ≥ 10, images of another type or rank) throw idx_error naming
// the files; a missing directory or file, idx_error naming the path.
Mnist load_mnist(const std::filesystem::path& dir, std::size_t max_train = 0, std::size_t max_test = 0);

// Whether dir holds the four files (each plain or .gz).
bool is_mnist_dir(const std::filesystem::path& dir);

// Where Debian's dataset-fashion-mnist package puts its files: /usr/share/datasets/fashion-mnist.
std::filesystem::path fashion_mnist_dir();

// Fashion-MNIST's ten class names, label 0..9: "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::vector<std::string>& fashion_mnist_classes();

}  // namespace tg::nn::data
