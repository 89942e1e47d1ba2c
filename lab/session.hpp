// The lab's state: one problem (a data set, a network, a cost) and its optimizer, trained a
// mini-batch at a time, as the page asks. Built from the same pieces as `tapegrad train` and
// `tapegrad explain` (cli/synthetic_set, cli/model's build_network and build_cost,
// cli/optimizer_choice, cli/worked_example), so that the page's numbers are the program's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/model.hpp"
#include "cli/optimizer_choice.hpp"
#include "nn/explain.hpp"

namespace tg::lab {

// The lab draws every neuron: no layer wider than this.
inline constexpr std::size_t widest_layer = 32;
// Nor more training points than this: a page that trains a step in a few milliseconds.
inline constexpr std::size_t most_points = 5000;

struct LabConfig {
  std::string data = "xor";         // a synthetic set (cli/synthetic_set.hpp)
  std::size_t train_size = 0;       // 0: the set's default
  std::vector<std::size_t> hidden;  // the hidden layers' sizes; N^1 and N^L are the data's
  bool default_hidden = true;       // use the data set's hidden sizes instead of `hidden`
  cli::ModelOptions model;          // activations, cost, L2, seed (sizes: set from `hidden`)
  cli::OptimizerChoice optimizer;
  std::optional<std::size_t> batch_size;  // default: the data set's (0: the whole set)
  bool worked_example = false;            // seed 002's 2-2-1 network on xor, its example for explain
};

struct Progress {
  std::size_t steps = 0, epoch = 1;   // optimizer steps so far; the epoch under way
  double loss = 0.0, accuracy = 0.0;  // over the training set, after the last step
  std::string divergence;             // when a step made the loss NaN or infinite: the op to blame
};

class Session {
 public:
  explicit Session(const LabConfig& config);  // bad settings throw, naming what was wrong

  // Takes up to `steps` mini-batch steps (fewer if training diverges), then measures the loss.
  const Progress& train(std::size_t steps);
  const Progress& progress() const { return progress_; }

  const cli::Problem& problem() const { return problem_; }
  std::size_t batch_size() const { return batch_size_; }
  double learning_rate() const { return optimizer_->learning_rate(); }
  // explain's rows for training example k, or for seed 002's own example when k is nullopt in
  // the worked-example preset.
  nn::Explanation explain(std::optional<std::size_t> k, int digits, Tensor& x, Tensor& y) const;
  // Every layer's a^l for the points X (2, n), nothing recorded: a^1 = X, a^2, ..., a^L.
  std::vector<Tensor> activations(const Tensor& X) const;

 private:
  void take_step(const std::vector<std::size_t>& batch);
  void start_epoch();
  void measure();

  cli::Problem problem_;
  bool worked_ = false;
  Tensor worked_x_, worked_y_;  // seed 002's example, in the worked-example preset
  std::unique_ptr<nn::Optimizer> optimizer_;
  std::size_t batch_size_ = 0;
  std::uint64_t shuffle_seed_ = 0;
  std::vector<std::vector<std::size_t>> batches_;  // the epoch's batches; next_ is the next one
  std::size_t next_ = 0;
  Progress progress_;
};

}  // namespace tg::lab
