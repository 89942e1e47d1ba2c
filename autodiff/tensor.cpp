#include "autodiff/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg {

Shape shape_of(const Tensor& t) { return Shape(t.shape().begin(), t.shape().end()); }

std::size_t numel(const Shape& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

std::string shape_str(const Shape& shape) { return fmt::format("({})", fmt::join(shape, ",")); }

std::string shape_str(const Tensor& t) { return shape_str(shape_of(t)); }

Tensor scalar_tensor(double v) {
  Tensor t = Tensor::from_shape({});
  t() = v;
  return t;
}

Tensor column(std::initializer_list<double> values) {
  Tensor t = Tensor::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

Tensor filled(const Shape& shape, double v) {
  Tensor t = Tensor::from_shape(shape);
  t.fill(v);
  return t;
}

namespace {

// Writes the sub-array of t that starts at flat offset `offset` along axes [axis, rank).
void format_axis(std::string& out, const Tensor& t, std::size_t axis, std::size_t offset, int precision) {
  if (axis == t.dimension()) {
    out += fmt::format("{:.{}g}", t.data()[offset], precision);
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < t.shape()[axis]; ++i) {
    if (i > 0) out += ", ";
    format_axis(out, t, axis + 1, offset + i * static_cast<std::size_t>(t.strides()[axis]), precision);
  }
  out += ']';
}

}  // namespace

std::string format_tensor(const Tensor& t, int precision, std::size_t max_elements) {
  if (precision < 0)
    throw std::invalid_argument(
        fmt::format("format_tensor: precision must be ≥ 0 (significant digits), got {}", precision));
  if (t.size() > max_elements) {
    // Too long to read: the first elements in flat order and the shape.
    std::vector<std::string> head;
    for (std::size_t i = 0; i < max_elements && i < 8; ++i)
      head.push_back(fmt::format("{:.{}g}", t.data()[i], precision));
    return fmt::format("[{}, ...] shape {}", fmt::join(head, ", "), shape_str(t));
  }
  std::string out;
  format_axis(out, t, 0, 0, precision);
  return out;
}

std::string index_str(const Shape& shape, std::size_t flat) {
  if (flat >= numel(shape))
    throw std::out_of_range(fmt::format("index_str: flat index {} is out of range for shape {} ({} elements)",
                                        flat, shape_str(shape), numel(shape)));
  std::vector<std::size_t> idx(shape.size());
  for (std::size_t a = shape.size(); a-- > 0;) {
    idx[a] = flat % shape[a];
    flat /= shape[a];
  }
  return shape_str(idx);
}

std::optional<std::size_t> first_non_finite(const Tensor& t) {
  const double* d = t.data();
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!std::isfinite(d[i])) return i;
  return std::nullopt;
}

const char* non_finite_name(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

std::size_t normalize_axis(const char* op, long axis, const Shape& shape) {
  const long rank = static_cast<long>(shape.size());
  const long a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw shape_error(fmt::format("{}: axis {} is out of range for shape {}", op, axis, shape_str(shape)));
  return static_cast<std::size_t>(a);
}

}  // namespace tg
