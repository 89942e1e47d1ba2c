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

// Nothing computed while a no_grad guard lives is recorded: results are leaves.
//   { tg::no_grad guard; w = w - 0.1 * w.grad(); }
class no_grad {
 public:
  no_grad();
  ~no_grad();
  no_grad(const no_grad&) = delete;
  no_grad& operator=(const no_grad&) = delete;

 private:
  bool previous_;
};

// Recording on again inside a no_grad region (the engine uses it for create_graph).
class enable_grad {
 public:
  enable_grad();
  ~enable_grad();
  enable_grad(const enable_grad&) = delete;
  enable_grad& operator=(const enable_grad&) = delete;

 private:
  bool previous_;
};

// While a detect_anomaly guard lives, an op whose forward value or backward gradient holds a
// NaN or Inf throws tg::anomaly_error naming the op, the element and the value.
class detect_anomaly {
 public:
  detect_anomaly();
  ~detect_anomaly();
  detect_anomaly(const detect_anomaly&) = delete;
  detect_anomaly& operator=(const detect_anomaly&) = delete;

 private:
  bool previous_;
};

namespace detail {
// Anomaly checks off while the engine runs one derivative: the ops inside it are not the
// user's, so a NaN is reported once, for the op being differentiated, after it returns.
class anomaly_pause {
 public:
  anomaly_pause();
  ~anomaly_pause();
  anomaly_pause(const anomaly_pause&) = delete;
  anomaly_pause& operator=(const anomaly_pause&) = delete;

 private:
  bool previous_;
};
}  // namespace detail

}  // namespace tg
