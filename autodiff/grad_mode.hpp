// Per-thread switches for recording and for anomaly detection.
#pragma once

#include <string>

#include "autodiff/tensor.hpp"

namespace tg {

// Is recording on in this thread? (Ops made while it is off have no history.)
bool is_grad_enabled();
// Is anomaly detection on in this thread?
bool is_anomaly_enabled();

// detect_anomaly's test, also for values computed outside ops (an optimizer's update): throws
// anomaly_error "detect_anomaly: '<op>' produced inf in <where> (element (0,3) of (2,4))" at
// the first NaN or infinity in t.
void check_finite(const Tensor& t, const std::string& op, const std::string& where);

namespace detail {
// The per-thread switches, and a guard for each setting: a guard sets its switch for as long as
// it lives, then restores the value it found, so guards nest.
enum class Switch { grad, anomaly };
bool& thread_switch(Switch s);  // this thread's switch s

template <Switch S, bool On>
class switch_guard {
 public:
  switch_guard() : previous_(thread_switch(S)) { thread_switch(S) = On; }
  ~switch_guard() { thread_switch(S) = previous_; }
  switch_guard(const switch_guard&) = delete;
  switch_guard& operator=(const switch_guard&) = delete;

 private:
  bool previous_;
};
}  // namespace detail

// Nothing computed while a no_grad guard lives is recorded: results are leaves.
//   { tg::no_grad guard; w = w - 0.1 * w.grad(); }
using no_grad = detail::switch_guard<detail::Switch::grad, false>;

// Recording on again inside a no_grad region (the engine uses it for create_graph).
using enable_grad = detail::switch_guard<detail::Switch::grad, true>;

// While a detect_anomaly guard lives, an op whose forward value or backward gradient holds a
// NaN or Inf throws tg::anomaly_error naming the op, the element and the value.
using detect_anomaly = detail::switch_guard<detail::Switch::anomaly, true>;

namespace detail {
// Anomaly checks off while the engine runs one derivative: the ops inside it are not the
// user's, so a NaN is reported once, for the op being differentiated, after it returns.
using anomaly_pause = switch_guard<Switch::anomaly, false>;
}  // namespace detail

}  // namespace tg
