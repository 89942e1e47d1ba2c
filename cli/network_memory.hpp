// The memory checks of the commands for either kind of network, an nn::Mlp or an nn::Network,
// the network named as the command's header names it (cli/any_network.hpp's network_str).
#pragma once

#include <cstddef>

#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::cli {

// Refuses (nn::memory_error, with the numbers) to check a network's gradients on b examples,
// and to evaluate m_test test examples, when their activations would not fit in memory
// (nn::require_gradient_check_memory): `verify` and `report` call it before anything is printed.
void require_gradient_check_memory(const nn::Mlp& net, std::size_t b, std::size_t m_test);
void require_gradient_check_memory(const nn::Network& net, std::size_t b, std::size_t m_test);

}  // namespace tg::cli
