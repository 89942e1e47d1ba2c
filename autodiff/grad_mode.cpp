#include "autodiff/grad_mode.hpp"

#include <cmath>

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg {

namespace {
// Per thread: graphs built in different threads do not see each other's switches.
thread_local bool grad_enabled = true;
thread_local bool anomaly_enabled = false;
}  // namespace

bool is_grad_enabled() { return grad_enabled; }
bool is_anomaly_enabled() { return anomaly_enabled; }

bool& detail::thread_switch(detail::Switch s) {
  return s == detail::Switch::grad ? grad_enabled : anomaly_enabled;
}

void check_finite(const Tensor& t, const std::string& op, const std::string& where) {
  if (const std::optional<std::size_t> i = first_non_finite(t))
    throw anomaly_error(fmt::format("detect_anomaly: '{}' produced {} in {} (element {} of {})", op,
                                    non_finite_name(t.data()[*i]), where, index_str(shape_of(t), *i),
                                    shape_str(t)));
}

}  // namespace tg
