#include "nn/divergence.hpp"

#include <utility>

#include <fmt/format.h>

namespace tg::nn {

namespace {

// Throws anomaly_error naming the first parameter with a NaN or an infinity.
void check_parameters_finite(const Mlp& net) {
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    for (const auto& [name, p] : {std::pair{"W", &net.layer(l).W}, std::pair{"b", &net.layer(l).b}})
      check_finite(p->value(), fmt::format("the update θ ← θ + Δθ of {}^{}", name, l), "its result");
}

// ... of a Network: "the update θ ← θ + Δθ of w^2".
void check_parameters_finite(const Network& net) {
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    for (const Parameter& p : net.layer(l).parameters())
      check_finite(p.value.value(), fmt::format("the update θ ← θ + Δθ of {}^{}", p.name, l), "its result");
}

template <class Net>
DivergenceBlame blame(const Snapshot& start, Net& net, Optimizer& opt, std::size_t steps,
                      const std::function<void(std::size_t)>& take_step,
                      const std::function<void()>& evaluate_loss, double final_loss) {
  start.put_back(net, opt);
  detect_anomaly guard;
  DivergenceBlame blame;
  try {
    for (std::size_t j = 0; j < steps; ++j) {
      blame.step = j + 1;
      take_step(j);
      check_parameters_finite(net);  // θ + Δθ is no op: an overflow there is found here
    }
    blame.step = 0;
    evaluate_loss();
    blame.what = fmt::format("the loss is {}, from finite values", final_loss);
  } catch (const anomaly_error& a) {
    blame.what = a.what();
  }
  return blame;
}

}  // namespace

Snapshot::Snapshot(const Mlp& net, const Optimizer& opt) : Snapshot(net.parameters(), opt) {}
Snapshot::Snapshot(const Network& net, const Optimizer& opt) : Snapshot(net.parameters(), opt) {}

Snapshot::Snapshot(const std::vector<Variable>& params, const Optimizer& opt)
    : state_(opt.state()), steps_(opt.steps()) {
  for (const Variable& p : params) values_.push_back(p.value());
}

void Snapshot::put_back(Mlp& net, Optimizer& opt) const { put_back(net.parameters(), opt); }
void Snapshot::put_back(Network& net, Optimizer& opt) const { put_back(net.parameters(), opt); }

void Snapshot::put_back(const std::vector<Variable>& params, Optimizer& opt) const {
  for (std::size_t i = 0; i < params.size(); ++i) params[i].mutable_value() = values_[i];
  opt.restore(steps_, state_);
}

DivergenceBlame blame_divergence(const Snapshot& start, Mlp& net, Optimizer& opt, std::size_t steps,
                                 const std::function<void(std::size_t)>& take_step,
                                 const std::function<void()>& evaluate_loss, double final_loss) {
  return blame(start, net, opt, steps, take_step, evaluate_loss, final_loss);
}

DivergenceBlame blame_divergence(const Snapshot& start, Network& net, Optimizer& opt, std::size_t steps,
                                 const std::function<void(std::size_t)>& take_step,
                                 const std::function<void()>& evaluate_loss, double final_loss) {
  return blame(start, net, opt, steps, take_step, evaluate_loss, final_loss);
}

}  // namespace tg::nn
