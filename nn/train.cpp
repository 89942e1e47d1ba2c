#include "nn/train.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "nn/divergence.hpp"

namespace tg::nn {

std::string to_string(GradientSource source) {
  switch (source) {
    case GradientSource::autodiff: return "autodiff";
    case GradientSource::backprop: return "backprop";
  }
  return "?";
}

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::epochs_done: return "epochs done";
    case StopReason::epsilon: return "ε reached (every change below stop_epsilon)";
    case StopReason::max_iterations: return "max iterations reached";
    case StopReason::diverged: return "diverged (the loss is not finite)";
    case StopReason::interrupted: return "interrupted";
  }
  return "?";
}

namespace {

template <class Net>
void check_options(const Net& net, std::size_t m, const Optimizer& opt, const TrainOptions& o) {
  if (o.batch_size > m)
    throw std::invalid_argument(fmt::format(
        "train: batch_size {} is larger than the {} examples (use 0 for the full batch)", o.batch_size, m));
  if (!(o.stop_epsilon >= 0.0) || !std::isfinite(o.stop_epsilon))
    throw std::invalid_argument(
        fmt::format("train: stop_epsilon must be 0 (off) or positive, got {}", o.stop_epsilon));
  if (o.first_epoch == 0)
    throw std::invalid_argument(
        "train: first_epoch is 0, but epochs are numbered from 1 (k + 1 to go on after epoch k)");
  if (o.epochs == 0 && o.stop_epsilon == 0.0 && o.max_iterations == 0)
    throw std::invalid_argument(
        "train: nothing would end training: epochs is 0 (no limit) and neither stop_epsilon nor "
        "max_iterations is set");
  opt.require_built_for(net.parameters(), "train", "; construct it with net.parameters()");
}

TrainResult interrupted(TrainResult r, std::size_t epoch, std::size_t step, std::size_t state_epoch) {
  r.reason = StopReason::interrupted;
  r.interrupted_epoch = epoch;
  r.interrupted_step = step;
  r.state_epoch = state_epoch;
  return r;
}

// The rule that ends training after a step whose largest |Δθ| is r.last_change, if one does.
std::optional<StopReason> stop_rule(const TrainOptions& o, const TrainResult& r) {
  if (!std::isfinite(r.last_change))
    return StopReason::diverged;  // NaN or ∞ reached the weights: no step can mend that
  if (o.stop_epsilon > 0.0 && r.last_change < o.stop_epsilon) return StopReason::epsilon;  // every |Δθ| < ε
  if (o.max_iterations > 0 && r.iterations >= o.max_iterations) return StopReason::max_iterations;
  return std::nullopt;
}

using Batches = std::vector<std::vector<std::size_t>>;

// ∂C/∂θ of a batch; with `sum`, the batch's C_x and right answers added to it, from the same
// forward pass (z^L and a^L, before the step).
template <class Net>
std::vector<Tensor> gradients_of(const Net& net, Tensor X, const Tensor& Y, const Cost& c,
                                 GradientSource source, EvaluationSum* sum = nullptr) {
  // X: (N^1, m), Y: (N^L, m)
  if (source == GradientSource::backprop) {
    const auto r = backprop(net, X, Y, c);
    if (sum) sum->add(c, net.output(), r.z.back(), r.a.back(), Y);
    return parameter_gradients(r);
  }
  const auto trace = net.forward_trace(Variable(std::move(X)));
  const Variable C = cost(c, net, trace, Y);  // recorded
  if (sum) sum->add(c, net.output(), trace.z.back().value(), trace.output().value(), Y);
  std::vector<Tensor> g;
  for (Variable& gi : grad({C}, net.parameters()))
    g.push_back(take_value(std::move(gi)));  // ∂C/∂θ, no .grad touched
  return g;
}

// The examples a run reads: the caller's X as doubles (the Tensor overload's full batch), or X
// held as rows (bytes or doubles), from which every batch is gathered when its step takes it, a
// full batch too: X is never held as doubles beside its rows.
struct TrainingData {
  const Tensor* X_dense;         // X (N^1, m), or nullptr
  const ColumnGatherer* X_rows;  // X as rows, or nullptr
  const Tensor& Y;               // (N^L, m)
};

// One call of train(): the loop over epochs and their steps, and what they share. Net is an Mlp
// or a Network.
template <class Net>
struct Training {
  Net& net;
  TrainingData d;
  Cost c;
  Optimizer& opt;
  const TrainOptions& o;
  const EpochCallback& on_epoch;
  const StepCallback& on_step;
  std::size_t m = d.Y.shape()[1];
  std::size_t batch_size = effective_batch_size(o.batch_size, m);
  bool full_batch = batch_size == m;
  std::optional<ColumnGatherer> Y_columns;         // mini-batches only
  bool running = !full_batch && !o.exact_figures;  // the epoch's figures from its batches
  EvaluationSum epoch_sum;                         // the running figures' sums
  TrainResult r;

  Training(Net& net, const TrainingData& d, const Cost& cost, Optimizer& opt, const TrainOptions& o,
           const EpochCallback& on_epoch, const StepCallback& on_step)
      : net(net), d(d), c(cost), opt(opt), o(o), on_epoch(on_epoch), on_step(on_step) {
    if (c.training_set_size == 0)
      c.training_set_size = m;  // λ/(2n) takes n from the whole training set, also for a mini-batch
    if (!full_batch) Y_columns.emplace(d.Y);
  }

  // One optimizer step on the examples `batch`: Xb (N^1, b), Yb (N^L, b), gathered and moved
  // into the step's graph. A full batch is all of X, in order, and Y itself. Returns the largest |Δθ|.
  double take_step(const std::vector<std::size_t>& batch) {
    if (full_batch)
      return opt.step(gradients(net, d.X_dense ? *d.X_dense : d.X_rows->matrix(), d.Y, c, o.gradients));
    EvaluationSum* sum = running ? &epoch_sum : nullptr;
    return opt.step(gradients_of(net, d.X_rows->gather(batch), Y_columns->gather(batch), c, o.gradients,
                                 sum));  // θ ← θ + Δθ
  }

  // C and the accuracy over the training set's first n examples (all m by default), in
  // chunks, nothing recorded.
  Evaluation evaluate_first(std::size_t n = static_cast<std::size_t>(-1)) const {
    return d.X_dense ? evaluate(net, *d.X_dense, d.Y, c, {.end = n})
                     : evaluate(net, *d.X_rows, d.Y, c, {.end = n});
  }

  // C before the first step: of the first chunk only when the epochs' figures are running ones.
  double initial_loss() const { return evaluate_first(running ? evaluation_chunk : m).cost; }

  // The epoch's steps, until its batches run out or a stop rule sets r.reason. Returns how many ran.
  std::size_t run_steps(std::size_t epoch, const Batches& batches) {
    std::size_t step = 0, examples = 0;
    if (on_step) on_step(StepReport{epoch, 0, batches.size(), 0});  // the epoch begins
    for (const std::vector<std::size_t>& batch : batches) {
      r.last_change = take_step(batch);
      ++r.iterations;
      ++step;
      examples += batch.size();
      if (on_step) on_step(StepReport{epoch, step, batches.size(), examples});
      if (const std::optional<StopReason> stop = stop_rule(o, r)) {
        r.reason = *stop;
        break;
      }
      if (step < batches.size() && o.stop_requested && o.stop_requested()) {  // mid-epoch
        r.reason = StopReason::interrupted;
        break;
      }
    }
    return step;
  }

  // Epoch `epoch`: its steps, then C over the whole training set. Returns whether training goes on.
  // After the last epoch a stop asked for changes nothing: the run is finished.
  bool run_epoch(std::size_t epoch, bool last) {
    std::mt19937_64 rng = epoch_generator(o.shuffle_seed, epoch);
    const std::vector<std::vector<std::size_t>> batches =
        make_batches(m, batch_size, o.shuffle && !full_batch, rng);
    if (o.learning_rate) opt.set_learning_rate(o.learning_rate(epoch));  // the schedule's η_e
    const Snapshot start(net, opt);  // to play the epoch again if it diverges, or to go back to
    epoch_sum = {};
    const std::size_t steps = run_steps(epoch, batches);
    if (r.reason == StopReason::interrupted) {  // back to the last whole epoch's state
      start.put_back(net, opt);
      r = interrupted(r, epoch, steps, epoch - 1);
      return false;
    }
    const Evaluation e = running ? epoch_sum.result(net, c) : evaluate_first();
    r.loss.push_back(e.cost);
    if (on_epoch)
      on_epoch(EpochReport{epoch, r.iterations, e.cost, e.accuracy, r.last_change, opt.learning_rate()});
    if (!std::isfinite(r.loss.back())) r.reason = StopReason::diverged;
    if (r.reason == StopReason::diverged) {  // where did it go wrong?
      const DivergenceBlame blame = blame_divergence(
          start, net, opt, steps, [&](std::size_t j) { take_step(batches[j]); }, [&] { evaluate_first(); },
          r.loss.back());
      r.divergence = blame.what;
      r.divergence_step = blame.step;
      r.divergence_epoch = epoch;
    }
    if (r.reason == StopReason::epochs_done && !last && o.stop_requested && o.stop_requested())
      r = interrupted(r, epoch, steps, epoch);  // at the epoch's end: its state stays
    return r.reason == StopReason::epochs_done;
  }
};

}  // namespace

std::vector<Tensor> parameter_gradients(const BackpropResult& r) {
  std::vector<Tensor> g;
  for (std::size_t l = 2; l < r.dW.size(); ++l) {
    g.push_back(r.dW[l]);  // ∂C/∂W^l  (BP4)
    g.push_back(r.db[l]);  // ∂C/∂b^l  (BP3)
  }
  return g;
}

namespace {

template <class Net>
TrainResult run_training(Net& net, const TrainingData& d, const Cost& cost, Optimizer& opt,
                         const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  check_cost_inputs("train", cost, net.output(), d.Y);  // every target and λ, before any step
  Training<Net> t(net, d, cost, opt, o, on_epoch, on_step);
  t.r.initial_loss = t.initial_loss();
  // epoch − first_epoch counts the epochs run: first_epoch + epochs could wrap (epochs = 2^64 − 1
  // is "no limit but max_iterations", as 0 is)
  for (std::size_t epoch = o.first_epoch; o.epochs == 0 || epoch - o.first_epoch < o.epochs; ++epoch)
    if (!t.run_epoch(epoch, o.epochs != 0 && epoch - o.first_epoch + 1 == o.epochs)) break;
  t.r.epochs = t.r.loss.size();
  return t.r;
}

template <class Net>
TrainResult train_of(Net& net, const Tensor& X, const Tensor& Y, const Cost& cost, Optimizer& opt,
                     const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  // X: (N^1, m), Y: (N^L, m)
  check_examples("train", net, X, Y);
  check_options(net, X.shape()[1], opt, o);
  if (effective_batch_size(o.batch_size, X.shape()[1]) == X.shape()[1])
    return run_training(net, TrainingData{&X, nullptr, Y}, cost, opt, o, on_epoch, on_step);
  const ColumnGatherer rows(X);  // mini-batches: X copied once into rows, which they are gathered from
  return run_training(net, TrainingData{nullptr, &rows, Y}, cost, opt, o, on_epoch, on_step);
}

template <class Net>
TrainResult train_set_of(Net& net, const ExampleSet& set, const Cost& cost, Optimizer& opt,
                         const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  check_examples("train", net, set);
  check_options(net, set.size(), opt, o);
  return run_training(net, TrainingData{nullptr, &set.X, set.Y}, cost, opt, o, on_epoch, on_step);
}

}  // namespace

std::vector<Tensor> gradients(const Mlp& net, Tensor X, const Tensor& Y, const Cost& c,
                              GradientSource source) {
  return gradients_of(net, std::move(X), Y, c, source);
}

std::vector<Tensor> gradients(const Network& net, Tensor X, const Tensor& Y, const Cost& c,
                              GradientSource source) {
  return gradients_of(net, std::move(X), Y, c, source);
}

TrainResult train(Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost, Optimizer& opt,
                  const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  return train_of(net, X, Y, cost, opt, o, on_epoch, on_step);
}

TrainResult train(Network& net, const Tensor& X, const Tensor& Y, const Cost& cost, Optimizer& opt,
                  const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  return train_of(net, X, Y, cost, opt, o, on_epoch, on_step);
}

TrainResult train(Mlp& net, const ExampleSet& set, const Cost& cost, Optimizer& opt, const TrainOptions& o,
                  const EpochCallback& on_epoch, const StepCallback& on_step) {
  return train_set_of(net, set, cost, opt, o, on_epoch, on_step);
}

TrainResult train(Network& net, const ExampleSet& set, const Cost& cost, Optimizer& opt,
                  const TrainOptions& o, const EpochCallback& on_epoch, const StepCallback& on_step) {
  return train_set_of(net, set, cost, opt, o, on_epoch, on_step);
}

}  // namespace tg::nn
