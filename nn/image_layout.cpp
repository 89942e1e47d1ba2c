#include "nn/image_layout.hpp"

#include <fmt/format.h>

namespace tg::nn {

namespace {

void check_columns(const Shape& X, const Shape& image) {
  if (X.size() != 2 || X[0] != numel(image))
    throw shape_error(
        fmt::format("to_images: X {} does not hold images {}: expected ({}, m), one column per example",
                    shape_str(X), shape_str(image), numel(image)));
}

Shape images_shape(std::size_t m, const Shape& image) {
  Shape s{m};
  s.insert(s.end(), image.begin(), image.end());
  return s;
}

// A (m, C, H, W) as rows (m, C·H·W).
Shape rows_shape(const Shape& A) {
  if (A.size() < 2) throw shape_error(fmt::format("to_columns: A {} is not (m, C, H, W)", shape_str(A)));
  return {A[0], numel(Shape(A.begin() + 1, A.end()))};
}

}  // namespace

// (C·H·W, m) -> its transpose (m, C·H·W), whose rows are the images in row-major order.
Tensor to_images(const Tensor& X, const Shape& image) {
  check_columns(shape_of(X), image);
  Tensor A = xt::transpose(X);
  A.reshape(images_shape(X.shape()[1], image));
  return A;
}

Variable to_images(const Variable& X, const Shape& image) {
  check_columns(X.shape(), image);
  return reshape(transpose(X), images_shape(X.shape()[1], image));
}

Tensor to_columns(const Tensor& A) {
  Tensor rows = A;
  rows.reshape(rows_shape(shape_of(A)));
  return xt::transpose(rows);
}

Variable to_columns(const Variable& A) { return transpose(reshape(A, rows_shape(A.shape()))); }

}  // namespace tg::nn
