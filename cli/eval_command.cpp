#include "cli/eval_command.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "cli/any_network.hpp"
#include "cli/problem.hpp"
#include "cli/training_curves.hpp"  // learning_rate_str
#include "nn/memory_estimate.hpp"
#include "nn/train.hpp"

namespace tg::cli {

std::vector<std::vector<std::size_t>> confusion_matrix(const std::vector<std::size_t>& predicted,
                                                       const std::vector<std::size_t>& truth,
                                                       std::size_t classes) {
  if (predicted.size() != truth.size())
    throw std::invalid_argument(
        fmt::format("confusion_matrix: {} predictions for {} true labels", predicted.size(), truth.size()));
  std::vector<std::vector<std::size_t>> m(classes, std::vector<std::size_t>(classes, 0));
  for (std::size_t j = 0; j < truth.size(); ++j) {
    if (truth[j] >= classes || predicted[j] >= classes)
      throw std::invalid_argument(
          fmt::format("confusion_matrix: example {} has label {} / prediction {} for {} classes", j, truth[j],
                      predicted[j], classes));
    ++m[truth[j]][predicted[j]];
  }
  return m;
}

std::string format_confusion(const std::vector<std::vector<std::size_t>>& m,
                             const std::vector<std::string>& classes) {
  // One row per true class, one column per predicted class; every cell 7 wide.
  const std::size_t k = m.size();
  std::vector<std::string> row_names;
  std::size_t name_width = std::string("precision").size();
  for (std::size_t t = 0; t < k; ++t) {
    row_names.push_back(fmt::format("{} {}", t < classes.size() ? classes[t] : std::string(), t));
    name_width = std::max(name_width, row_names.back().size());
  }
  std::string s = fmt::format("{:<{}}   predicted\n{:<{}}", "true", name_width, "", name_width);
  for (std::size_t p = 0; p < k; ++p) s += fmt::format("{:>7}", p);
  s += "   recall\n";
  std::vector<std::size_t> column_total(k, 0);
  for (std::size_t t = 0; t < k; ++t) {
    std::size_t row_total = 0;
    s += fmt::format("{:<{}}", row_names[t], name_width);
    for (std::size_t p = 0; p < k; ++p) {
      s += fmt::format("{:>7}", m[t][p]);
      row_total += m[t][p];
      column_total[p] += m[t][p];
    }
    s += row_total ? fmt::format("  {:6.1f}%\n", 100.0 * m[t][t] / row_total) : "        -\n";
  }
  s += fmt::format("{:<{}}", "precision", name_width);
  for (std::size_t p = 0; p < k; ++p)
    s += column_total[p] ? fmt::format("{:>6.1f}%", 100.0 * m[p][p] / column_total[p])
                         : fmt::format("{:>7}", "-");
  return s + "\n";
}

void add_eval_options(CLI::App& app, EvalCommand& c) {
  add_checkpoint_option(app, c.checkpoint);
  add_data_options(app, c.data, "the one the checkpoint was trained on");
  add_cost_options(app, c.model);
}

namespace {

// A run with a schedule (train --lr-decay): η₀, how it decayed, and η in the last epoch.
void print_schedule(const std::string& dir, std::FILE* out) {
  const nn::CheckpointExtra notes = nn::load_checkpoint_extra(dir);
  const std::optional<nn::StepDecay> decay = noted_schedule(notes, dir);
  const std::optional<double> eta0 =
      parse_number(notes.count("learning_rate") ? notes.at("learning_rate") : "");
  const std::optional<std::uint64_t> epochs = recorded_count(notes, "epochs", dir);
  if (!decay || !eta0 || !epochs || *epochs == 0) return;
  fmt::print(out, "  trained with η = {}: η = {:g} in epoch {}, its last\n", learning_rate_str(*eta0, decay),
             nn::scheduled_learning_rate(*eta0, *decay, *epochs), *epochs);
}

// The test set's cost, accuracy and confusion matrix for a loaded Problem or LayersProblem.
template <class LoadedProblem>
int print_eval(const EvalCommand& c, const LoadedProblem& saved, std::FILE* out) {
  const DataSet& data = saved.data;
  if constexpr (std::is_same_v<LoadedProblem, LayersProblem>)  // a conv layer's maps: GBs a chunk, maybe
    nn::require_evaluation_memory(saved.net, network_str(saved.net), data.test.size());
  // C, the accuracy and each example's predicted class, in chunks: one pass over the test set
  const nn::Evaluation e = nn::evaluate(saved.net, data.test, saved.cost, {.keep_predicted = true});
  fmt::print(out, "tapegrad eval: {} {} on the {} test examples of {}\n", c.checkpoint, short_str(saved.net),
             data.test.size(), data.name);
  fmt::print(out, "  cost {}: {:.6f}\n", nn::describe(saved.cost), e.cost);
  print_schedule(c.checkpoint, out);
  if (!data.classification()) return 0;
  fmt::print(out, "  accuracy: {:.2f}%\n\n", 100.0 * e.accuracy);
  const std::vector<std::size_t> truth = nn::class_labels(data.test.Y);
  const std::size_t classes =
      std::max<std::size_t>(data.classes.size(), 2);  // one sigmoid output: classes 0 and 1
  fmt::print(out, "{}", format_confusion(confusion_matrix(e.predicted, truth, classes), data.classes));
  return 0;
}

}  // namespace

int run_eval(const EvalCommand& c, std::FILE* out) {
  return std::visit([&](const auto& saved) { return print_eval(c, saved, out); },
                    load_any_problem(c.checkpoint, c.data, c.model));
}

}  // namespace tg::cli
