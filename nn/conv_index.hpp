// Where a convolution's kernel reads its input, along one axis (rows or columns alike). With
// stride s and zero padding p, kernel element u at output position i reads input position
//   y = i·s + u − p                                          (conv_input_at)
// and, the other way, input position y is read by kernel element u at output position
//   i = (y + p − u) / s   when that is a whole number in 0..out − 1   (conv_output_at).
// The forward sum and (BP4-conv) go the first way, (BP2-conv) the second.
#pragma once

#include <cstddef>
#include <optional>

namespace tg::nn {

// y = i·s + u − p, or none when it lies in the zero padding (y < 0 or y ≥ extent).
inline std::optional<std::size_t> conv_input_at(std::size_t i, std::size_t u, std::size_t s, std::size_t p,
                                                std::size_t extent) {
  const std::size_t padded = i * s + u;  // y + p
  if (padded < p || padded - p >= extent) return std::nullopt;
  return padded - p;
}

// i with i·s + u − p = y, or none when no output position 0..out − 1 reads y through u.
inline std::optional<std::size_t> conv_output_at(std::size_t y, std::size_t u, std::size_t s, std::size_t p,
                                                 std::size_t out) {
  if (y + p < u) return std::nullopt;
  const std::size_t is = y + p - u;  // i·s
  if (is % s != 0 || is / s >= out) return std::nullopt;
  return is / s;
}

}  // namespace tg::nn
