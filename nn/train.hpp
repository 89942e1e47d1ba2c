// Training: gradient descent over a data set, full-batch (seed 003), in mini-batches, or one
// example at a time, with the gradients from the engine or from BP1–BP4 by hand.
//
// X is (N^1, m) and Y is (N^L, m), one column per example. An epoch splits the m columns into
// batches (shuffled, if asked, with a seeded generator) and takes one optimizer step per batch:
//
//   for each epoch:
//     for each batch B (columns of X and Y):
//       g = ∂C_B/∂θ                      C_B: the cost of the batch (mean or sum, as the Cost says)
//       Δθ = opt.step(g)                 e.g. θ ← θ − η g
//       stop if every |Δθ| < ε           (seed 003's rule, when stop_epsilon > 0)
//       stop after max_iterations steps  (seed 003's MAX, when max_iterations > 0)
//     loss = C(training set)             recorded: the running average over the epoch's batches
//                                        (mini-batches), or a pass over the set with nothing
//                                        recorded (a full batch, or exact_figures)
//
// Seed 003 is batch_size = 0 with Reduction::sum: W^l ← W^l − α Σ_i δ^{i,l} (a^{i,l−1})ᵀ.
// With the mean cost and Sgd it is Nielsen's algorithm, W^l ← W^l − (η/m) Σ_x δ^{x,l} (a^{x,l−1})ᵀ
// (docs/training.md sets both beside this loop, line by line).
// Everything is reproducible: the same net seed, data and shuffle_seed give the same weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/backprop.hpp"
#include "nn/batches.hpp"          // make_batches, epoch_generator: which examples each step takes
#include "nn/column_gatherer.hpp"  // select_columns, ColumnGatherer: a batch's columns of X and Y
#include "nn/cost.hpp"
#include "nn/example_set.hpp"  // ExampleSet: a data set held as rows, images as bytes
#include "nn/metrics.hpp"      // predict, evaluate, accuracy, class_labels
#include "nn/mlp.hpp"
#include "nn/network_backprop.hpp"
#include "nn/optimizer.hpp"

namespace tg::nn {

// Where ∂C/∂θ comes from: the engine (the recorded forward pass, played backwards) or
// nn::backprop's hand-written BP1–BP4. Both give the same numbers to rounding.
enum class GradientSource { autodiff, backprop };

struct TrainOptions {
  // Examples per step: 0 = the whole set (full-batch, seed 003), 1 = one example at a time
  // (stochastic), otherwise mini-batches of this size (the last may be smaller).
  std::size_t batch_size = 0;
  // Passes over the data. 0 = no limit: then stop_epsilon or max_iterations must end training.
  std::size_t epochs = 1;
  // Shuffle the examples at the start of every epoch (mini-batches only: a full batch is
  // always the whole set in order).
  bool shuffle = true;
  std::uint64_t shuffle_seed = 0;
  // Seed 003's rule: stop when every parameter change |Δθ| of a step is below ε. 0 = off.
  double stop_epsilon = 0.0;
  // Seed 003's MAX: stop after this many optimizer steps in all. 0 = no limit.
  std::size_t max_iterations = 0;
  GradientSource gradients = GradientSource::autodiff;
  // The number of the first epoch: 1 for a new run, k + 1 to go on after k epochs (a resumed
  // checkpoint). Epoch e shuffles with its own generator, seeded from (shuffle_seed, e), so a
  // run resumed after epoch k sees the same batches as one that never stopped. At least 1.
  std::size_t first_epoch = 1;
  // The training set's C and accuracy reported after a mini-batch epoch: false, the running
  // average over the epoch's batches, each batch's figures taken in its step's forward pass,
  // before its update (what Nielsen's and PyTorch's loops print; free); true, a pass over the
  // whole set after the epoch (exact for the weights the epoch ends with; a forward pass over
  // the set). The figure before the first step likewise: the first evaluation_chunk examples,
  // or the whole set. A full batch (one step an epoch) is always evaluated exactly.
  bool exact_figures = false;
  // Asked after every step: true stops training there. The network and the optimizer are then
  // put back as they were when the epoch began (StopReason::interrupted): the state after the
  // last whole epoch, from which a resumed run goes on exactly. (Ctrl-C in `tapegrad train`.)
  // Not asked after the last epoch's last step: a run whose epochs are all done is finished.
  std::function<bool()> stop_requested;
  // η for epoch e, set on the optimizer as the epoch begins (a schedule, e.g. a StepDecay's
  // scheduled_learning_rate, nn/lr_schedule.hpp); empty: the optimizer's η throughout.
  std::function<double(std::size_t epoch)> learning_rate;
};

enum class StopReason {
  epochs_done,     // all `epochs` epochs ran
  epsilon,         // a step changed every parameter by less than stop_epsilon
  max_iterations,  // max_iterations steps were taken
  diverged,        // a step or the loss became NaN or infinite (η too large?): see divergence
  interrupted,     // stop_requested said so: the state is the last whole epoch's
};

// What the per-epoch callback sees, after the epoch's last step (or after the step at which
// a stop rule ended training mid-epoch).
struct EpochReport {
  std::size_t epoch;       // first_epoch, first_epoch + 1, ...
  std::size_t iterations;  // optimizer steps so far, in this call of train
  double loss;             // C over the training set (see TrainOptions::exact_figures)
  double accuracy;         // the fraction of it classified right (see class_labels), likewise
  double max_change;       // the last step's largest |Δθ|
  double learning_rate;    // the η the epoch's steps used
};
using EpochCallback = std::function<void(const EpochReport&)>;

// What the per-step callback sees: once as an epoch begins (step 0), then after each optimizer
// step (for progress displays and timing).
struct StepReport {
  std::size_t epoch;
  std::size_t step;      // 0 (the epoch begins), then 1..steps
  std::size_t steps;     // the epoch's number of batches
  std::size_t examples;  // examples used so far in this epoch (0 at step 0)
};
using StepCallback = std::function<void(const StepReport&)>;

struct TrainResult {
  // C over the training set before the first step (its first evaluation_chunk examples, for
  // mini-batches without exact_figures: a check that the starting weights give a finite C).
  double initial_loss = 0.0;
  // loss[e]: C over the training set in epoch e + 1 (EpochReport::loss). When a stop rule fires
  // in the middle of an epoch, that partial epoch gets an entry too (not an interrupted one).
  std::vector<double> loss;
  std::size_t epochs = 0;      // epochs begun (= loss.size())
  std::size_t iterations = 0;  // optimizer steps taken
  double last_change = 0.0;    // the last step's largest |Δθ|
  StopReason reason = StopReason::epochs_done;
  // When training diverged: the epoch is played again from its start under detect_anomaly, and
  // this says what went wrong first, e.g. "detect_anomaly: 'exp' produced inf in its forward
  // result (element (3,7) of (100,10))", in step divergence_step (0: when evaluating the loss).
  std::string divergence;
  std::size_t divergence_epoch = 0, divergence_step = 0;
  // When interrupted: the epoch and the step (in it) after which stop_requested said stop, and
  // the last whole epoch, whose state net and opt hold (first_epoch − 1: none in this call).
  std::size_t interrupted_epoch = 0, interrupted_step = 0, state_epoch = 0;
};

std::string to_string(GradientSource source);  // "autodiff", "backprop"
std::string to_string(StopReason reason);      // "epochs done", "ε reached", ...

// Trains `net` in place with `opt`, which must have been built for net.parameters().
// X: (N^1, m), Y: (N^L, m). Bad options (a batch larger than m, nothing to end training, a
// negative or NaN stop_epsilon, first_epoch 0, no examples, an optimizer built for other
// parameters) throw std::invalid_argument; X and Y that do not fit the network or each other,
// tg::shape_error.
TrainResult train(Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost, Optimizer& opt,
                  const TrainOptions& options, const EpochCallback& on_epoch = {},
                  const StepCallback& on_step = {});
// The same for a network of any layers (conv, pooling, ...): X (N^1, m), images as columns.
TrainResult train(Network& net, const Tensor& X, const Tensor& Y, const Cost& cost, Optimizer& opt,
                  const TrainOptions& options, const EpochCallback& on_epoch = {},
                  const StepCallback& on_step = {});
// The same on a set held as rows (images as bytes): each batch is gathered as doubles when its
// step takes it, a full batch too, so the set is never copied beside its rows.
TrainResult train(Mlp& net, const ExampleSet& set, const Cost& cost, Optimizer& opt,
                  const TrainOptions& options, const EpochCallback& on_epoch = {},
                  const StepCallback& on_step = {});
TrainResult train(Network& net, const ExampleSet& set, const Cost& cost, Optimizer& opt,
                  const TrainOptions& options, const EpochCallback& on_epoch = {},
                  const StepCallback& on_step = {});

// ∂C/∂θ for every parameter, in net.parameters() order (∂C/∂W^2, ∂C/∂b^2, ..., ∂C/∂b^L).
// X: (N^1, m), Y: (N^L, m) (tg::shape_error otherwise). X is taken by value: a batch gathered
// for this step is moved into the graph's input leaf instead of copied.
std::vector<Tensor> gradients(const Mlp& net, Tensor X, const Tensor& Y, const Cost& cost,
                              GradientSource source = GradientSource::autodiff);
// The same for a network of any layers, in net.parameters() order.
std::vector<Tensor> gradients(const Network& net, Tensor X, const Tensor& Y, const Cost& cost,
                              GradientSource source = GradientSource::autodiff);
// BP3/BP4's results in net.parameters() order: dW[2], db[2], ..., dW[L], db[L].
std::vector<Tensor> parameter_gradients(const BackpropResult& r);

}  // namespace tg::nn
