#include "cli/network_memory.hpp"

#include "cli/any_network.hpp"
#include "nn/memory_estimate.hpp"

namespace tg::cli {

void require_gradient_check_memory(const nn::Mlp& net, std::size_t b, std::size_t m_test) {
  nn::require_gradient_check_memory(net.sizes(), b, m_test);
}

void require_gradient_check_memory(const nn::Network& net, std::size_t b, std::size_t m_test) {
  nn::require_gradient_check_memory(net, network_str(net), b, m_test);
}

}  // namespace tg::cli
