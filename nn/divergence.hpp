// Finding where training diverged: the parameters and the optimizer's state at an epoch's
// start, and the epoch played again from there under detect_anomaly, so that the first op
// whose result holds a NaN or an infinity names itself.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/optimizer.hpp"

namespace tg::nn {

// The parameters and the optimizer's state at one moment, to go back to.
class Snapshot {
 public:
  Snapshot(const Mlp& net, const Optimizer& opt);
  Snapshot(const Network& net, const Optimizer& opt);
  void put_back(Mlp& net, Optimizer& opt) const;
  void put_back(Network& net, Optimizer& opt) const;

 private:
  Snapshot(const std::vector<Variable>& params, const Optimizer& opt);
  void put_back(const std::vector<Variable>& params, Optimizer& opt) const;
  std::vector<Tensor> values_;
  Optimizer::State state_;
  std::size_t steps_;
};

// What went wrong first, and in which step (1, 2, ...; 0: evaluating the loss after them).
struct DivergenceBlame {
  std::string what;
  std::size_t step = 0;
};

// Puts `start` back and takes `steps` steps again (take_step(j) takes step j + 1) under
// detect_anomaly, then evaluate_loss(). The first anomaly_error is the blame; without one,
// `final_loss` (not finite) came from finite values.
DivergenceBlame blame_divergence(const Snapshot& start, Mlp& net, Optimizer& opt, std::size_t steps,
                                 const std::function<void(std::size_t)>& take_step,
                                 const std::function<void()>& evaluate_loss, double final_loss);
DivergenceBlame blame_divergence(const Snapshot& start, Network& net, Optimizer& opt, std::size_t steps,
                                 const std::function<void(std::size_t)>& take_step,
                                 const std::function<void()>& evaluate_loss, double final_loss);

}  // namespace tg::nn
