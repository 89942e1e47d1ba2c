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

no_grad::no_grad() : previous_(grad_enabled) { grad_enabled = false; }
no_grad::~no_grad() { grad_enabled = previous_; }

enable_grad::enable_grad() : previous_(grad_enabled) { grad_enabled = true; }
enable_grad::~enable_grad() { grad_enabled = previous_; }

detect_anomaly::detect_anomaly() : previous_(anomaly_enabled) { anomaly_enabled = true; }
detect_anomaly::~detect_anomaly() { anomaly_enabled = previous_; }

detail::anomaly_pause::anomaly_pause() : previous_(anomaly_enabled) { anomaly_enabled = false; }
detail::anomaly_pause::~anomaly_pause() { anomaly_enabled = previous_; }

void check_finite(const Tensor& t, const std::string& op, const std::string& where) {
  if (const std::optional<std::size_t> i = first_non_finite(t))  // fmt writes nan, inf, -inf
    throw anomaly_error(fmt::format("detect_anomaly: '{}' produced {} in {} (element {} of {})", op, t.data()[*i], where,
                                    index_str(shape_of(t), *i), shape_str(t)));
}

}  // namespace tg
