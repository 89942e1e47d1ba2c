// nn::compare: BP1–BP4 by hand against the autodiff engine (and, on request, against central
// finite differences), parameter by parameter.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::nn {

// How far two gradients of one parameter are apart:
//   max_abs = max_i |g_i − h_i|,   max_rel = max_abs / max(‖g‖_∞, ‖h‖_∞)   (0 when both are 0).
// A NaN or infinity in g or h makes both NaN or infinite: nothing can agree with it.
struct Difference {
  double max_abs = 0.0;
  double max_rel = 0.0;
};
Difference difference(const Tensor& g, const Tensor& h);  // g, h: one shape (tg::shape_error)

struct ParameterReport {
  std::size_t layer;     // l = 2..L
  std::string name;      // "W" or "b"; "w" or "b" of a conv layer
  std::string equation;  // the hand-written equation of its gradient: "BP4", "BP3", "BP4-conv", ...
  Shape shape;
  double grad_norm;            // ‖∂C/∂θ‖_∞ by BP1–BP4, for scale (NaN when an element is NaN)
  Difference autodiff;         // BP1–BP4 vs the engine
  Difference numeric;          // BP1–BP4 vs finite differences (when asked)
  double autodiff_norm = 0.0;  // ‖∂C/∂θ‖_∞ by the engine (NaN when an element is NaN)
  double numeric_norm = 0.0;   // ... by finite differences (when asked)
  std::size_t numeric_checked = 0;  // how many elements finite differences checked (all, or a sample)
};

struct CompareReport {
  double cost = 0.0;
  bool has_numeric = false;
  std::vector<ParameterReport> parameters;  // W^2, b^2, ..., W^L, b^L
  // The hand-written equations compared: "BP1", "BP2", ... for an Mlp (BP2 when it has a hidden
  // layer); for a network of layers its layers' ("BP2-conv", "BP3-conv", "BP2-pool", ...).
  std::vector<std::string> by_hand;
  // by_hand for people, in the order of docs/conv.md: "BP1–BP4", "BP1–BP4, BP3-conv, BP4-conv,
  // BP2-pool", "BP1, BP3, BP4"; "BP by hand" when by_hand is empty.
  std::string by_hand_str() const;
  // The largest relative difference between BP1–BP4 and autodiff (and finite differences);
  // NaN when any parameter's is.
  double max_rel_autodiff() const;
  double max_rel_numeric() const;
  // Elements checked by finite differences, and elements there are.
  std::size_t numeric_checked() const;
  std::size_t elements() const;
};

// The tolerances of `tapegrad verify` (and of the report's verdict): the largest relative
// difference allowed, BP1–BP4 vs autodiff, and vs finite differences.
struct Tolerances {
  double autodiff = 1e-10;
  double numeric = 1e-6;
};

// Why a comparison fails, one sentence each; none when it passes. A cost or a gradient that is
// not finite (NaN or ±∞) fails, always: no difference can be measured against it ("∂C/∂w^2 is
// not finite: ‖·‖∞ = nan by BP4-conv, ...", naming the parameter's own equation). Otherwise a
// relative difference beyond its tolerance fails (finite differences' only when computed).
std::vector<std::string> failures(const CompareReport& report, const Tolerances& tolerances = {});

struct CompareOptions {
  bool numeric = false;  // also central finite differences (two forward passes per element)
  double eps = 1e-6;     // their step: a positive number (std::invalid_argument from compare)
  // 0: finite differences at every element; n: at n elements of each parameter (all of a smaller
  // one), evenly spaced from the first to the last, so that a big network is checked in a moment.
  std::size_t sample = 0;
  // Called after each element checked by finite differences: (done, total), for a progress line.
  std::function<void(std::size_t, std::size_t)> progress;
};

// X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise, as backprop)
CompareReport compare(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                      const CompareOptions& options = {});
// The same for a network of layers: each layer's hand-written backward (BP1, then BP2–BP4 and
// (BP2-conv), (BP3-conv), (BP4-conv), (BP2-pool), nn/network_backprop.hpp) against the engine;
// its parameters are named by their layers ("w" and "b" of a conv layer).
CompareReport compare(const Network& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                      const CompareOptions& options = {});

// The report as a table for people.
std::string format_report(const CompareReport& report);

}  // namespace tg::nn
