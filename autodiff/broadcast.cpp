#include "autodiff/broadcast.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg {

namespace {

// Calls f(i_big, i_small) for every flat (row-major) index i_big of a tensor of shape `big`,
// with the flat index i_small of the element of a `small` tensor that broadcasting repeats
// there. One loop serves broadcast_to, sum_to and the max reductions. Evaluated eagerly:
// no lazy xtensor reduction (slow, and wrong over reshaped views in xtensor 0.24.3).
template <class F>
void for_each_broadcast(const Shape& big, const Shape& small, F&& f) {
  const std::size_t rank = big.size();
  // small's strides, aligned to big's axes from the right; 0 where small is repeated.
  std::vector<std::size_t> stride(rank, 0);
  std::size_t s = 1;
  for (std::size_t k = 0; k < small.size(); ++k) {
    const std::size_t a = small.size() - 1 - k;
    if (small[a] != 1) stride[rank - 1 - k] = s;
    s *= small[a];
  }
  if (rank == 0) {
    f(std::size_t{0}, std::size_t{0});
    return;
  }
  const std::size_t n = numel(big), inner = big[rank - 1], inner_stride = stride[rank - 1];
  std::vector<std::size_t> idx(rank, 0);
  std::size_t so = 0;
  for (std::size_t bo = 0; bo < n; bo += inner) {
    for (std::size_t j = 0; j < inner; ++j) f(bo + j, so + j * inner_stride);
    for (std::size_t a = rank - 1; a-- > 0;) {  // odometer over the outer axes
      if (++idx[a] < big[a]) {
        so += stride[a];
        break;
      }
      so -= stride[a] * (big[a] - 1);
      idx[a] = 0;
    }
  }
}

// Throws tg::shape_error naming `op` unless 0 ≤ axis < rank (these helpers take an axis that
// the ops have already normalised; a bad one would index past the shape).
void check_axis(const char* op, std::size_t axis, const Shape& shape) {
  if (axis >= shape.size())
    throw shape_error(fmt::format("{}: axis {} is out of range for shape {} (rank {})", op, axis,
                                  shape_str(shape), shape.size()));
}

}  // namespace

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::size_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const std::size_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1)
      throw shape_error(
          fmt::format("{}: {} and {} cannot be broadcast together: extents {} and {} differ on axis -{}", op,
                      shape_str(a), shape_str(b), da, db, k + 1));
    out[out.size() - 1 - k] = da == 1 ? db : da;
  }
  return out;
}

bool broadcastable_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (std::size_t k = 0; k < from.size(); ++k) {
    const std::size_t f = from[from.size() - 1 - k], t = to[to.size() - 1 - k];
    if (f != t && f != 1) return false;
  }
  return true;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  const Shape from = shape_of(x);
  if (!broadcastable_to(from, shape))
    throw shape_error(
        fmt::format("broadcast_to: {} cannot be broadcast to {}", shape_str(from), shape_str(shape)));
  Tensor out = Tensor::from_shape(shape);
  double* o = out.data();
  const double* in = x.data();
  for_each_broadcast(shape, from, [&](std::size_t bi, std::size_t si) { o[bi] = in[si]; });
  return out;
}

namespace {
// x summed along its last `trailing` axes (default: the last one), which are kept with extent
// 1; they are contiguous, so each run of their m elements is one vectorised sum.
Tensor row_sums(const Tensor& x, std::size_t trailing = 1) {
  Shape shape = shape_of(x);
  std::size_t m = 1;
  for (std::size_t a = shape.size() - trailing; a < shape.size(); ++a) m *= std::exchange(shape[a], 1);
  Tensor out = Tensor::from_shape(shape);
  const double* in = x.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    double row = 0.0;
#pragma omp simd reduction(+ : row)
    for (std::size_t j = 0; j < m; ++j) row += in[i * m + j];
    out.data()[i] = row;
  }
  return out;
}
}  // namespace

Tensor sum_to(const Tensor& x, const Shape& shape) {
  const Shape from = shape_of(x);
  if (from == shape) return x;
  if (!broadcastable_to(shape, from))
    throw shape_error(fmt::format("sum_to: {} cannot be summed to {} ({} does not broadcast to {})",
                                  shape_str(from), shape_str(shape), shape_str(shape), shape_str(from)));
  const double* in = x.data();
  if (from.size() == 2 && shape.size() == 2 && shape[0] == from[0] && shape[1] == 1) {
    // (n, m) -> (n, 1), a bias's gradient Σ_columns δ: each row is contiguous, so its sum is
    // one vectorised reduction, not m additions one after another into one place.
    return row_sums(x);
  }
  if (from.size() >= 3 && from.back() > 1 && shape.size() == from.size() && shape.back() == 1) {
    // The same when the last axes of a larger tensor are summed: their runs first, then the
    // rest as usual. (N, F, H', W') -> (1, F, 1, 1) is a convolution's bias gradient: one run
    // of H'·W' per feature map, then N·F additions.
    std::size_t trailing = 1;
    while (trailing < shape.size() && shape[shape.size() - 1 - trailing] == 1) ++trailing;
    return sum_to(row_sums(x, trailing), shape);
  }
  Tensor out = filled(shape, 0.0);
  double* o = out.data();
  for_each_broadcast(from, shape, [&](std::size_t bi, std::size_t si) { o[si] += in[bi]; });
  return out;
}

Shape keepdims_shape(const Shape& shape, std::size_t axis) {
  check_axis("keepdims_shape", axis, shape);
  Shape out = shape;
  out[axis] = 1;
  return out;
}

Tensor max_keepdims(const Tensor& x, std::size_t axis) {
  check_axis("max_keepdims", axis, shape_of(x));
  const Shape from = shape_of(x), to = keepdims_shape(from, axis);
  if (from[axis] == 0) throw shape_error(fmt::format("max: axis {} of {} is empty", axis, shape_str(from)));
  Tensor out = filled(to, -std::numeric_limits<double>::infinity());
  double* o = out.data();
  const double* in = x.data();
  for_each_broadcast(from, to, [&](std::size_t bi, std::size_t si) {
    if (!std::isnan(o[si]) && !(in[bi] <= o[si])) o[si] = in[bi];  // a NaN wins and stays
  });
  return out;
}

Tensor argmax_mask(const Tensor& x, std::size_t axis) {
  check_axis("argmax_mask", axis, shape_of(x));
  const Shape from = shape_of(x), to = keepdims_shape(from, axis);
  const Tensor m = max_keepdims(x, axis);
  std::vector<char> taken(numel(to), 0);
  Tensor mask = filled(from, 0.0);
  double* k = mask.data();
  const double* in = x.data();
  const double* mx = m.data();
  for_each_broadcast(from, to, [&](std::size_t bi, std::size_t si) {
    const bool is_max = in[bi] == mx[si] || (std::isnan(in[bi]) && std::isnan(mx[si]));
    if (is_max && !taken[si]) {
      k[bi] = 1.0;
      taken[si] = 1;
    }
  });
  return mask;
}

}  // namespace tg
