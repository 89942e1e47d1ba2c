// MNIST-format directories (nn/data/mnist.cpp): small ones written here, plain and gzipped,
// and Debian's Fashion-MNIST when it is installed.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <string>
#include <tuple>

#include "nn/data/mnist.hpp"
#include "support/idx_files.hpp"

using namespace tg::nn::data;
using tg::Tensor;
using tg::test::Bytes;
using tg::test::idx_file;
using tg::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t rows = 2, cols = 3;

// A set of `count` 2×3 images: pixel p of image j is (37j + 11p) mod 256, but 255 for pixel 0 of
// image 1 (so 0 and 255 both occur).
Bytes pixels(std::uint32_t count) {
  Bytes b;
  for (std::uint32_t j = 0; j < count; ++j)
    for (std::uint32_t p = 0; p < rows * cols; ++p)
      b.push_back(static_cast<std::uint8_t>(j == 1 && p == 0 ? 255 : (37 * j + 11 * p) % 256));
  return b;
}

const Bytes train_labels{3, 0, 9, 1, 3};
const Bytes test_labels{7, 2, 0, 5};

// The four files of a 5-image training set and a 4-image test set; `gz` chooses, per file
// (train images, train labels, test images, test labels), whether it is written gzipped.
void write_mnist(const fs::path& dir, std::array<bool, 4> gz = {}) {
  fs::create_directories(dir);
  const std::array<std::pair<const char*, Bytes>, 4> files{{
      {"train-images-idx3-ubyte", idx_file(IdxType::u8, {5, rows, cols}, pixels(5))},
      {"train-labels-idx1-ubyte", idx_file(IdxType::u8, {5}, train_labels)},
      {"t10k-images-idx3-ubyte", idx_file(IdxType::u8, {4, rows, cols}, pixels(4))},
      {"t10k-labels-idx1-ubyte", idx_file(IdxType::u8, {4}, test_labels)},
  }};
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (gz[i]) tg::test::write_gz(dir / (std::string(files[i].first) + ".gz"), files[i].second);
    else tg::test::write_bytes(dir / files[i].first, files[i].second);
  }
}

// X holds image j in column j, scaled to [0, 1]; Y is labels one-hot.
void check_set(const ImageSet& set, std::size_t m, const Bytes& labels) {
  CHECK(set.rows == rows);
  CHECK(set.cols == cols);
  CHECK(set.examples.X.holds_bytes());  // 1 byte a pixel, made doubles when gathered
  const tg::Tensor X = set.examples.X.matrix();
  REQUIRE(tg::shape_of(X) == tg::Shape{rows * cols, m});
  REQUIRE(tg::shape_of(set.examples.Y) == tg::Shape{10, m});
  CHECK(set.examples.size() == m);
  CHECK(set.labels ==
        std::vector<std::size_t>(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(m)));
  const Bytes px = pixels(static_cast<std::uint32_t>(m));
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t p = 0; p < rows * cols; ++p) CHECK(X(p, j) == px[j * rows * cols + p] / 255.0);
    for (std::size_t k = 0; k < 10; ++k) CHECK(set.examples.Y(k, j) == (k == labels[j] ? 1.0 : 0.0));
  }
}

}  // namespace

TEST_CASE("mnist: load_mnist puts image j in column j of X, scaled to [0, 1], and its label one-hot in Y") {
  TempDir tmp("mnist");
  write_mnist(tmp.path);
  CHECK(is_mnist_dir(tmp.path));
  const Mnist mnist = load_mnist(tmp.path);
  CHECK(mnist.classes == 10);
  check_set(mnist.train, 5, train_labels);
  check_set(mnist.test, 4, test_labels);
  CHECK(mnist.train.examples.X.matrix()(0, 1) == 1.0);  // pixel 255
  CHECK(mnist.train.examples.X.matrix()(0, 0) == 0.0);  // pixel 0
}

TEST_CASE("mnist: gzipped, plain and mixed directories load alike, and a plain file wins over its .gz") {
  TempDir tmp("mnist");
  write_mnist(tmp.path / "plain");
  write_mnist(tmp.path / "gz", {true, true, true, true});
  write_mnist(tmp.path / "mixed", {true, false, false, true});
  const Mnist plain = load_mnist(tmp.path / "plain");
  for (const char* dir : {"gz", "mixed"}) {
    CAPTURE(dir);
    CHECK(is_mnist_dir(tmp.path / dir));
    const Mnist other = load_mnist(tmp.path / dir);
    CHECK(other.train.examples.X.matrix() == plain.train.examples.X.matrix());
    CHECK(other.train.examples.Y == plain.train.examples.Y);
    CHECK(other.test.examples.X.matrix() == plain.test.examples.X.matrix());
    CHECK(other.test.labels == plain.test.labels);
  }
  // Both train-labels-idx1-ubyte and its .gz: the plain file's labels are read.
  tg::test::write_gz(tmp.path / "plain" / "train-labels-idx1-ubyte.gz",
                     idx_file(IdxType::u8, {5}, {0, 0, 0, 0, 0}));
  CHECK(load_mnist(tmp.path / "plain").train.labels == plain.train.labels);
}

TEST_CASE(
    "mnist: max_train and max_test keep the first examples of each set, and refuse more than there are") {
  TempDir tmp("mnist");
  write_mnist(tmp.path, {true, false, true, false});
  const Mnist some = load_mnist(tmp.path, 3, 2);
  check_set(some.train, 3, train_labels);
  check_set(some.test, 2, test_labels);
  const Mnist all = load_mnist(tmp.path, 5, 4);  // exactly what the files hold
  check_set(all.train, 5, train_labels);
  check_set(all.test, 4, test_labels);
  CHECK_THROWS_WITH_AS(
      load_mnist(tmp.path, 6, 0),
      doctest::Contains("train-images-idx3-ubyte.gz' holds 5 images, fewer than the 6 asked for"), idx_error);
  CHECK_THROWS_WITH_AS(load_mnist(tmp.path, 0, 100),
                       doctest::Contains("holds 4 images, fewer than the 100 asked for"), idx_error);
}

TEST_CASE("mnist: a missing directory or file is an error naming the path") {
  TempDir tmp("mnist");
  const fs::path none = tmp.path / "no-such-dir";
  CHECK_FALSE(is_mnist_dir(none));
  CHECK_THROWS_WITH_AS(
      load_mnist(none),
      doctest::Contains(fmt::format("load_mnist: '{}' does not exist", none.string()).c_str()), idx_error);
  tg::test::write_bytes(tmp.path / "a-file", {0});
  CHECK_THROWS_WITH_AS(load_mnist(tmp.path / "a-file"), doctest::Contains("a-file' is not a directory"),
                       idx_error);

  write_mnist(tmp.path / "d", {false, false, true, false});
  fs::remove(tmp.path / "d" / "t10k-images-idx3-ubyte.gz");
  CHECK_FALSE(is_mnist_dir(tmp.path / "d"));
  const fs::path base = tmp.path / "d" / "t10k-images-idx3-ubyte";
  CHECK_THROWS_WITH_AS(
      load_mnist(tmp.path / "d"),
      doctest::Contains(
          fmt::format("load_mnist: neither '{}' nor '{}.gz' exists", base.string(), base.string()).c_str()),
      idx_error);
}

TEST_CASE("mnist: a directory, FIFO or device where a file should be is named for what it is") {
  TempDir tmp("mnist");
  write_mnist(tmp.path);
  const fs::path images = tmp.path / "train-images-idx3-ubyte";
  const auto error_of = [&] {
    try {
      load_mnist(tmp.path);
    } catch (const idx_error& e) {
      return std::string(e.what());
    }
    FAIL_CHECK("no idx_error was thrown");
    return std::string();
  };
  fs::remove(images);
  fs::create_directory(images);
  CHECK(error_of() == fmt::format("load_mnist: '{}' is a directory, not a regular file", images.string()));
  fs::remove(images);
  REQUIRE(::mkfifo(images.c_str(), 0600) == 0);
  CHECK(error_of() ==
        fmt::format("load_mnist: '{}' is a FIFO (named pipe), not a regular file", images.string()));
  fs::remove(images);
  fs::create_symlink("/dev/null", images);  // followed: what it points to is what counts
  CHECK(error_of() ==
        fmt::format("load_mnist: '{}' is a character device, not a regular file", images.string()));
  fs::remove(images);
  // Only the .gz there, but as a directory: it is named (not "neither ... exists").
  fs::create_directory(images.string() + ".gz");
  CHECK(error_of() == fmt::format("load_mnist: '{}.gz' is a directory, not a regular file", images.string()));
  CHECK_FALSE(is_mnist_dir(tmp.path));
}

TEST_CASE("mnist: a set of no images, or images of no pixels, is an error naming the file") {
  TempDir tmp("mnist");
  write_mnist(tmp.path);
  const std::string test_images = (tmp.path / "t10k-images-idx3-ubyte").string();
  SUBCASE("no test images") {
    tg::test::write_bytes(test_images, idx_file(IdxType::u8, {0, rows, cols}, {}));
    tg::test::write_bytes(tmp.path / "t10k-labels-idx1-ubyte", idx_file(IdxType::u8, {0}, {}));
    CHECK_THROWS_WITH_AS(load_mnist(tmp.path),
                         fmt::format("load_mnist: '{}' holds no images", test_images).c_str(), idx_error);
  }
  SUBCASE("images of 0 rows") {
    tg::test::write_bytes(test_images, idx_file(IdxType::u8, {4, 0, cols}, {}));
    CHECK_THROWS_WITH_AS(
        load_mnist(tmp.path),
        fmt::format("load_mnist: '{}' holds images of 0×3 pixels: an image needs at least one", test_images)
            .c_str(),
        idx_error);
  }
}

TEST_CASE("mnist: images and labels that disagree are an error naming the files") {
  TempDir tmp("mnist");
  const fs::path dir = tmp.path;
  write_mnist(dir);
  const std::string train_images = (dir / "train-images-idx3-ubyte").string();
  const std::string train_labels_file = (dir / "train-labels-idx1-ubyte").string();
  auto error_of = [&] {
    try {
      load_mnist(dir);
    } catch (const idx_error& e) {
      return std::string(e.what());
    }
    FAIL_CHECK("no idx_error was thrown");
    return std::string();
  };

  SUBCASE("a label of 10") {
    tg::test::write_bytes(train_labels_file, idx_file(IdxType::u8, {5}, {3, 0, 9, 10, 3}));
    CHECK(error_of() ==
          fmt::format(
              "load_mnist: '{}': label 10 of example 3 (at byte 11) is not below 10 (the labels of '{}')",
              train_labels_file, train_images));
  }
  SUBCASE("more labels than images") {
    tg::test::write_bytes(train_labels_file, idx_file(IdxType::u8, {6}, {3, 0, 9, 1, 3, 2}));
    CHECK(error_of() == fmt::format("load_mnist: '{}' holds 5 images but '{}' holds 6 labels", train_images,
                                    train_labels_file));
  }
  SUBCASE("images of another type") {
    tg::test::write_bytes(train_images, idx_file(IdxType::i16, {5, 1, 1}, Bytes(10, 0)));
    CHECK(error_of() ==
          fmt::format("load_mnist: '{}': expected images of unsigned bytes with dims (count, rows, columns), "
                      "found i16 with dims (5, 1, 1)",
                      train_images));
  }
  SUBCASE("images of another rank") {
    tg::test::write_bytes(train_images, idx_file(IdxType::u8, {5, 6}, pixels(5)));
    CHECK(error_of() ==
          fmt::format("load_mnist: '{}': expected images of unsigned bytes with dims (count, rows, columns), "
                      "found unsigned byte with dims (5, 6)",
                      train_images));
  }
  SUBCASE("labels of another rank") {
    tg::test::write_bytes(train_labels_file, idx_file(IdxType::u8, {5, 1}, train_labels));
    CHECK(error_of() == fmt::format("load_mnist: '{}': expected labels of unsigned bytes with dims (count), "
                                    "found unsigned byte with dims (5, 1)",
                                    train_labels_file));
  }
  SUBCASE("test images of another size than the training images") {
    const std::string test_images = (dir / "t10k-images-idx3-ubyte").string();
    tg::test::write_bytes(test_images, idx_file(IdxType::u8, {4, 3, 2}, pixels(4)));
    CHECK(error_of() ==
          fmt::format("load_mnist: '{}' holds 3×2 images but '{}' holds 2×3", test_images, train_images));
  }
  SUBCASE("a bad file: read_idx's error") {
    tg::test::write_bytes(dir / "t10k-labels-idx1-ubyte", idx_file(IdxType::u8, {4}, {1, 2}));
    CHECK(error_of().starts_with(
        fmt::format("read_idx: '{}': truncated at byte 10", (dir / "t10k-labels-idx1-ubyte").string())));
  }
}

TEST_CASE("mnist: Fashion-MNIST's directory and class names") {
  CHECK(fashion_mnist_dir() == fs::path("/usr/share/datasets/fashion-mnist"));
  const auto& names = fashion_mnist_classes();
  REQUIRE(names.size() == 10);
  CHECK(names.front() == "T-shirt/top");
  CHECK(names[5] == "Sandal");
  CHECK(names.back() == "Ankle boot");
}

TEST_CASE(
    "mnist: Debian's Fashion-MNIST loads as 60000 and 10000 images of 784 pixels, 6000 and 1000 of each class") {
  if (!is_mnist_dir(fashion_mnist_dir())) {
    MESSAGE("skipped: no Fashion-MNIST in " << fashion_mnist_dir().string()
                                            << " (install the dataset-fashion-mnist package)");
    return;
  }
  const Mnist f = load_mnist(fashion_mnist_dir());
  for (const auto& [set, m, per_class] : {std::tuple{&f.train, std::size_t{60000}, std::size_t{6000}},
                                          std::tuple{&f.test, std::size_t{10000}, std::size_t{1000}}}) {
    CAPTURE(m);
    CHECK(set->rows == 28);
    CHECK(set->cols == 28);
    CHECK(set->examples.features() == 784);
    CHECK(set->examples.size() == m);
    CHECK(tg::shape_of(set->examples.Y) == tg::Shape{10, m});
    const tg::Tensor X = set->examples.X.matrix();
    const auto [lo, hi] = std::minmax_element(X.data(), X.data() + X.size());
    CHECK(*lo == 0.0);
    CHECK(*hi == 1.0);
    std::array<std::size_t, 10> counts{};
    for (std::size_t label : set->labels) ++counts.at(label);
    for (std::size_t k = 0; k < 10; ++k) {
      CAPTURE(k);
      CHECK(counts[k] == per_class);
    }
    // Y agrees with the labels: one 1 per column, in row labels[j].
    for (std::size_t j = 0; j < m; j += 997) CHECK(set->examples.Y(set->labels[j], j) == 1.0);
  }
  // X(p, j) is pixel p of image j: the first training image, read straight from its file.
  const fs::path plain = fashion_mnist_dir() / "train-images-idx3-ubyte";
  const IdxArray images = read_idx(fs::is_regular_file(plain) ? plain : fs::path(plain.string() + ".gz"));
  for (std::size_t j : {std::size_t{0}, std::size_t{59999}})
    for (std::size_t p = 0; p < 784; ++p)
      CHECK(f.train.examples.X.columns(j, j + 1)(p, 0) == images.at(784 * j + p) / 255.0);
}
