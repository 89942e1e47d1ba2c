// The row of an enum value in a table with one row per value, listed in the enum's order
// (the activations of nn/activation.cpp, the costs of nn/cost.cpp): the value is the index,
// and the row's own `kind` confirms that the table and the enum agree.
#pragma once

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tg::nn {

// `what` names the enum in the message of the std::logic_error a missing row throws.
template <class Row, std::size_t N, class Kind>
const Row& table_row(const Row (&table)[N], Kind kind, const char* what) {
  const auto i = static_cast<std::size_t>(kind);
  if (i >= N || table[i].kind != kind)
    throw std::logic_error(std::string("nn: ") + what + " without its row");
  return table[i];
}

}  // namespace tg::nn
