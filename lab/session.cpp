#include "lab/session.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "autodiff/xtensor_headers.hpp"
#include "cli/synthetic_set.hpp"
#include "cli/worked_example.hpp"
#include "nn/divergence.hpp"
#include "nn/train.hpp"

namespace tg::lab {

namespace {

// The data sets in the plane (sine has one input): the page's choices.
const std::vector<std::string>& plane_sets() {
  static const std::vector<std::string> names{"xor", "moons", "spirals", "circle", "gauss"};
  return names;
}

cli::Problem new_problem(const LabConfig& c) {
  if (std::find(plane_sets().begin(), plane_sets().end(), c.data) == plane_sets().end())
    throw std::invalid_argument(
        fmt::format("unknown data set '{}': the lab has {}", c.data, fmt::join(plane_sets(), ", ")));
  if (c.train_size > most_points)
    throw std::invalid_argument(
        fmt::format("{} training points: the lab trains on at most {} (tapegrad train takes more)",
                    c.train_size, most_points));
  cli::DataOptions d{c.data, c.train_size, 0, c.model.seed_or_default()};
  std::optional<cli::DataSet> set = cli::synthetic_data_set(d);
  cli::ModelOptions model = c.model;
  if (!c.default_hidden) {
    std::vector<std::size_t> sizes{set->inputs()};
    sizes.insert(sizes.end(), c.hidden.begin(), c.hidden.end());
    sizes.push_back(set->outputs());
    model.sizes = sizes;
  }
  const std::vector<std::size_t> sizes = cli::network_sizes(model, *set);
  for (std::size_t l = 1; l + 1 < sizes.size(); ++l)
    if (sizes[l] == 0 || sizes[l] > widest_layer)
      throw std::invalid_argument(
          fmt::format("hidden layer {} has {} neurons: the lab draws every neuron, so each "
                      "hidden layer takes 1 to {}",
                      l, sizes[l], widest_layer));
  nn::Mlp net = cli::build_network(model, *set);
  const nn::Cost cost = cli::build_cost(model, *set);
  return {std::move(net), std::move(*set), cost};
}

}  // namespace

Session::Session(const LabConfig& c)
    : problem_(c.worked_example ? cli::worked_example(c.model).problem : new_problem(c)) {
  if (c.worked_example) {
    const cli::WorkedExample w = cli::worked_example(c.model);
    worked_ = true;
    worked_x_ = w.x;
    worked_y_ = w.y;
  }
  const cli::DataSet& data = problem_.data;
  batch_size_ = c.batch_size.value_or(data.defaults.batch_size);
  if (batch_size_ > data.train.size())
    throw std::invalid_argument(
        fmt::format("a batch of {} examples is larger than data set '{}' ({} training examples)", batch_size_,
                    data.name, data.train.size()));
  optimizer_ = cli::make_optimizer(c.optimizer, data, problem_.net);
  shuffle_seed_ = c.model.seed_or_default();
  start_epoch();
  measure();
}

void Session::start_epoch() {
  std::mt19937_64 rng = nn::epoch_generator(shuffle_seed_, progress_.epoch);
  batches_ = nn::make_batches(problem_.data.train.size(), batch_size_, batch_size_ != 0, rng);
  next_ = 0;
}

void Session::take_step(const std::vector<std::size_t>& batch) {
  const nn::ExampleSet& t = problem_.data.train;
  optimizer_->step(
      nn::gradients(problem_.net, t.X.gather(batch), nn::select_columns(t.Y, batch), problem_.cost));
}

void Session::measure() {
  const nn::Evaluation e = nn::evaluate(problem_.net, problem_.data.train, problem_.cost);
  progress_.loss = e.cost;
  progress_.accuracy = e.accuracy;
}

const Progress& Session::train(std::size_t steps) {
  if (!progress_.divergence.empty()) return progress_;  // stopped: a new session starts again
  const nn::Snapshot start(problem_.net, *optimizer_);  // to play these steps again if they diverge
  struct Taken {
    std::size_t epoch;
    std::vector<std::size_t> batch;
  };
  std::vector<Taken> taken;  // these steps' batches, for the replay
  for (std::size_t s = 0; s < steps; ++s) {
    if (next_ == batches_.size()) {
      ++progress_.epoch;
      start_epoch();
    }
    taken.push_back({progress_.epoch, batches_[next_++]});
    take_step(taken.back().batch);
    ++progress_.steps;
  }
  measure();
  if (!std::isfinite(progress_.loss)) {  // as nn::train does: play the steps again under detect_anomaly
    const nn::DivergenceBlame blame = nn::blame_divergence(
        start, problem_.net, *optimizer_, taken.size(), [&](std::size_t j) { take_step(taken[j].batch); },
        [&] { measure(); }, progress_.loss);
    // "training diverged in epoch 1, step 7: detect_anomaly: 'exp' produced inf ...", as tapegrad train says
    const std::size_t before = progress_.steps - taken.size();
    progress_.divergence =
        blame.step ? fmt::format("training diverged in epoch {}, step {}: {}", taken[blame.step - 1].epoch,
                                 before + blame.step, blame.what)
                   : fmt::format("training diverged in epoch {}, evaluating the loss after step {}: {}",
                                 progress_.epoch, progress_.steps, blame.what);
  }
  return progress_;
}

nn::Explanation Session::explain(std::optional<std::size_t> k, int digits, Tensor& x, Tensor& y) const {
  const nn::ExampleSet& t = problem_.data.train;
  if (!k && worked_) {
    x = worked_x_;
    y = worked_y_;
  } else {
    const std::size_t j = k.value_or(0);
    if (j >= t.size())
      throw std::out_of_range(fmt::format("example {} is out of range: {} has {} training examples (0..{})",
                                          j, problem_.data.name, t.size(), t.size() - 1));
    nn::data::Examples example = t.range(j, j + 1);
    x = std::move(example.X);
    y = std::move(example.Y);
  }
  nn::ExplainOptions options;
  options.digits = digits;
  options.max_width = widest_layer;
  return nn::explain(problem_.net, problem_.cost, x, y, options);
}

std::vector<Tensor> Session::activations(const Tensor& X) const {
  const no_grad guard;
  const nn::Mlp::Trace trace = problem_.net.forward_trace(Variable(X));
  std::vector<Tensor> a;
  for (std::size_t l = 1; l < trace.a.size(); ++l) a.push_back(trace.a[l].value());  // trace.a[0] is unused
  return a;
}

}  // namespace tg::lab
