#include "nn/data/mnist.hpp"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "nn/data/idx.hpp"
#include "nn/input_file.hpp"
#include "nn/memory_estimate.hpp"

namespace tg::nn::data {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t classes = 10;

// One set's two files, by the names the MNIST distribution gives them.
struct SetFiles {
  const char* images;
  const char* labels;
};
constexpr SetFiles train_files{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"};
constexpr SetFiles test_files{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// dir/name if it is a file, else dir/name.gz (the plain file first: it reads faster); empty if neither.
fs::path find_file(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  for (const fs::path& candidate : {dir / name, dir / (name + ".gz")})
    if (fs::is_regular_file(candidate, ec)) return candidate;
  return {};
}

// Why `path` cannot be read as a file: "is a directory, not a regular file" (links followed),
// or why its status cannot be had (EACCES on the directory); empty when there is nothing there.
std::string why_not_a_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return fmt::format("cannot be looked at: {}", ec.message());
  const char* what = kind_of(status.type());
  return what ? fmt::format("is {}, not a regular file", what) : std::string();
}

fs::path require_file(const fs::path& dir, const std::string& name) {
  fs::path file = find_file(dir, name);
  if (!file.empty()) return file;
  for (const fs::path& candidate :
       {dir / name, dir / (name + ".gz")})  // something there, but no file: say what
    if (const std::string why = why_not_a_file(candidate); !why.empty())
      throw idx_error(fmt::format("load_mnist: '{}' {}", candidate.string(), why));
  throw idx_error(fmt::format("load_mnist: neither '{}' nor '{}' exists", (dir / name).string(),
                              (dir / (name + ".gz")).string()));
}

std::string dims_str(const std::vector<std::size_t>& dims) {
  return fmt::format("({})", fmt::join(dims, ", "));
}

// The header checks of load_set: the type and rank a set's file must have.
void require_u8(const IdxArray& a, const fs::path& file, std::size_t rank, const char* what,
                const char* dims) {
  if (a.type != IdxType::u8 || a.dims.size() != rank)
    throw idx_error(
        fmt::format("load_mnist: '{}': expected {} of unsigned bytes with dims {}, found {} with dims {}",
                    file.string(), what, dims, to_string(a.type), dims_str(a.dims)));
}

// images: (count, rows, cols) unsigned bytes, labels: (count) in 0..9  ->  X: (rows·cols, m) as
// the bytes, Y: (10, m), with m = count, or max when 0 < max < count. Only the first m images
// and labels are read, and their bytes are checked against the memory available before reading.
// A max above count is an error.
ImageSet load_set(const fs::path& images_file, const fs::path& labels_file, std::size_t max) {
  std::size_t count = 0, label_count = 0;
  IdxLimit image_limit{
      max,
      [&](const IdxArray& header) {
        require_u8(header, images_file, 3, "images", "(count, rows, columns)");
        count = header.dims[0];
        if (count == 0)
          throw idx_error(fmt::format("load_mnist: '{}' holds no images", images_file.string()));
        if (max > count)  // not quietly fewer: a run of another size than asked for
          throw idx_error(fmt::format("load_mnist: '{}' holds {} images, fewer than the {} asked for",
                                      images_file.string(), count, max));
        if (header.dims[1] == 0 || header.dims[2] == 0)  // a network of 0 inputs
          throw idx_error(
              fmt::format("load_mnist: '{}' holds images of {}×{} pixels: an image needs at least one",
                          images_file.string(), header.dims[1], header.dims[2]));
        const std::size_t m = max == 0 ? count : max;
        require_memory(times(m, times(header.dims[1], header.dims[2])),
                       fmt::format("load_mnist: '{}': {} images of {}×{} (1 byte a pixel)",
                                   images_file.string(), m, header.dims[1], header.dims[2]));
      },
      true};  // checked: the bytes are allocated at once, not grown
  IdxArray images = read_idx(images_file, image_limit);
  const IdxArray labels = read_idx(labels_file, {max, [&](const IdxArray& header) {
                                                   require_u8(header, labels_file, 1, "labels", "(count)");
                                                   label_count = header.dims[0];
                                                 }});
  if (label_count != count)
    throw idx_error(fmt::format("load_mnist: '{}' holds {} images but '{}' holds {} labels",
                                images_file.string(), count, labels_file.string(), label_count));
  const std::size_t m = images.dims[0];
  for (std::size_t j = 0; j < m; ++j)
    if (labels.data[j] >= classes)
      throw idx_error(fmt::format(
          "load_mnist: '{}': label {} of example {} (at byte {}) is not below {} (the labels of '{}')",
          labels_file.string(), labels.data[j], j, 8 + j, classes, images_file.string()));

  ImageSet set;
  set.rows = images.dims[1];
  set.cols = images.dims[2];
  set.labels.assign(labels.data.begin(), labels.data.begin() + static_cast<std::ptrdiff_t>(m));
  // X(p, j) = pixel p of image j / 255: the bytes are already one row per image
  set.examples = {ColumnGatherer(std::move(images.data), set.rows * set.cols, 255.0),
                  one_hot(set.labels, classes)};
  return set;
}

}  // namespace

Mnist load_mnist(const fs::path& dir, std::size_t max_train, std::size_t max_test) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw idx_error(fmt::format("load_mnist: '{}' {}", dir.string(),
                                fs::exists(dir, ec) ? "is not a directory" : "does not exist"));
  // All four files are found before any is read: a missing one fails at once, not after the training set.
  const fs::path train_images = require_file(dir, train_files.images),
                 train_labels = require_file(dir, train_files.labels);
  const fs::path test_images = require_file(dir, test_files.images),
                 test_labels = require_file(dir, test_files.labels);

  Mnist mnist;
  mnist.classes = classes;
  mnist.train = load_set(train_images, train_labels, max_train);
  mnist.test = load_set(test_images, test_labels, max_test);
  if (mnist.test.rows != mnist.train.rows || mnist.test.cols != mnist.train.cols)
    throw idx_error(fmt::format("load_mnist: '{}' holds {}×{} images but '{}' holds {}×{}",
                                test_images.string(), mnist.test.rows, mnist.test.cols, train_images.string(),
                                mnist.train.rows, mnist.train.cols));
  return mnist;
}

bool is_mnist_dir(const fs::path& dir) {
  for (const SetFiles& set : {train_files, test_files})
    if (find_file(dir, set.images).empty() || find_file(dir, set.labels).empty()) return false;
  return true;
}

fs::path fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

}  // namespace tg::nn::data
