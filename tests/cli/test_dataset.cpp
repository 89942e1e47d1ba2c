// The data sets by name or directory (cli/dataset.cpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>

#include "cli/dataset.hpp"
#include "nn/data/mnist.hpp"
#include "support/idx_files.hpp"

using tg::cli::DataOptions;
using tg::cli::load_data_set;

TEST_CASE("each synthetic set has its shapes, sizes and suggested settings") {
  struct Expect {
    const char* name;
    std::size_t inputs, outputs, train, test;
    bool classification;
  };
  for (const Expect& e : {Expect{"moons", 2, 2, 1000, 500, true}, Expect{"spirals", 2, 3, 900, 300, true},
                          Expect{"xor", 2, 1, 4, 4, true}, Expect{"sine", 1, 1, 500, 200, false}}) {
    INFO(e.name);
    const tg::cli::DataSet d = load_data_set(DataOptions{e.name});
    CHECK(d.name == e.name);
    CHECK(d.inputs() == e.inputs);
    CHECK(d.outputs() == e.outputs);
    CHECK(d.train.size() == e.train);
    CHECK(d.test.size() == e.test);
    CHECK(d.classification() == e.classification);
    CHECK(d.test.features() == e.inputs);
  }
  // --train-size / --test-size make that many; the test set is drawn with another seed.
  const auto d = load_data_set(DataOptions{"spirals", 100, 31, 7});
  CHECK(d.train.size() == 100);
  CHECK(d.test.size() == 31);
  CHECK(d.train.X.matrix() != load_data_set(DataOptions{"spirals", 100, 31, 8}).train.X.matrix());
  CHECK(d.train.X.matrix() == load_data_set(DataOptions{"spirals", 100, 31, 7}).train.X.matrix());
}

TEST_CASE("an unknown name says what is known, and a directory without the files names them") {
  CHECK_THROWS_WITH_AS(load_data_set(DataOptions{"mnisst"}),
                       doctest::Contains("unknown data set 'mnisst': expected one of fashion-mnist, moons"),
                       std::runtime_error);
  tg::test::TempDir dir("dataset");
  CHECK_THROWS_WITH_AS(load_data_set(DataOptions{dir.path.string()}),
                       doctest::Contains("train-images-idx3-ubyte"), tg::nn::data::idx_error);
}

TEST_CASE("any MNIST-format directory is a data set: 2×2 images of 10 classes") {
  using namespace tg::test;
  TempDir dir("dataset");
  const auto write_set = [&](const char* prefix, std::uint32_t n) {
    Bytes pixels, labels;
    for (std::uint32_t j = 0; j < n; ++j) {
      labels.push_back(static_cast<std::uint8_t>(j % 10));
      for (int p = 0; p < 4; ++p) pixels.push_back(static_cast<std::uint8_t>(j * 4 + p));
    }
    write_bytes(dir.path / fmt::format("{}-images-idx3-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n, 2, 2}, pixels));
    write_gz(dir.path / fmt::format("{}-labels-idx1-ubyte.gz", prefix),
             idx_file(tg::nn::data::IdxType::u8, {n}, labels));
  };
  write_set("train", 20);
  write_set("t10k", 10);
  const tg::cli::DataSet d = load_data_set(DataOptions{dir.path.string()});
  CHECK(d.inputs() == 4);
  CHECK(d.outputs() == 10);
  CHECK(d.train.size() == 20);
  CHECK(d.image_rows == 2);
  CHECK(d.classes.size() == 10);
  CHECK(d.train.X.matrix()(3, 1) == doctest::Approx(7.0 / 255.0));  // image 1, pixel 3
  CHECK(d.defaults.hidden_sizes == std::vector<std::size_t>{100});
  CHECK(load_data_set(DataOptions{dir.path.string(), 5, 3}).train.size() == 5);
}

TEST_CASE("fashion-mnist is the default when Debian's package is installed") {
  if (!tg::nn::data::is_mnist_dir(tg::nn::data::fashion_mnist_dir())) {
    CHECK(tg::cli::default_data_name() == "moons");
    CHECK_THROWS_WITH_AS(load_data_set(DataOptions{"fashion-mnist"}),
                         doctest::Contains("dataset-fashion-mnist"), std::runtime_error);
    return;
  }
  CHECK(tg::cli::default_data_name() == "fashion-mnist");
  const tg::cli::DataSet d = load_data_set(DataOptions{"fashion-mnist", 100, 50});
  CHECK(d.inputs() == 784);
  CHECK(d.outputs() == 10);
  CHECK(d.train.size() == 100);
  CHECK(d.test.size() == 50);
  CHECK(d.classes[9] == "Ankle boot");
}
