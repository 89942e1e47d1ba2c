#include "cli/train_command.hpp"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <fstream>
#include <sstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "cli/problem.hpp"
#include "cli/dataset.hpp"
#include "cli/epoch_csv.hpp"
#include "cli/files.hpp"
#include "cli/progress.hpp"
#include "cli/training_curves.hpp"
#include "nn/checkpoint.hpp"
#include "nn/input_file.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/optimizer.hpp"

namespace tg::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The rows of an earlier run's CSV for epochs before `first_epoch` (kept when a run resumes
// into the same file, so that the file holds the whole history).
// Only a regular file is read (never a FIFO, which would block), and only up to the CSV's limit.
std::vector<std::string> earlier_rows(const std::string& csv, std::size_t first_epoch) {
  std::vector<std::string> rows;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(csv, ec)) return rows;
  std::string text;
  try {
    text = nn::read_regular_file(csv, max_epoch_csv_bytes);
  } catch (const nn::input_file_error& e) {
    throw std::runtime_error(fmt::format("--csv {}: cannot read its earlier epochs: {}", csv, e.what()));
  }
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != epoch_csv_header) return rows;
  while (std::getline(in, line)) {
    std::size_t epoch = 0;
    if (std::sscanf(line.c_str(), "%zu,", &epoch) == 1 && epoch < first_epoch) rows.push_back(line);
  }
  return rows;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const TrainCommand& c, const DataSet& data, const nn::Mlp& net) {
  const std::string name = c.optimizer.value_or("sgd");
  const double mu = c.momentum.value_or(0.9);
  if (name == "sgd") return std::make_unique<nn::Sgd>(net.parameters(), c.learning_rate.value_or(data.defaults.learning_rate));
  if (name == "momentum")  // η(1 − μ): in the long run the same step as SGD's η
    return std::make_unique<nn::Momentum>(net.parameters(),
                                          c.learning_rate.value_or(data.defaults.learning_rate * (1.0 - mu)), mu);
  if (name == "adam") return std::make_unique<nn::Adam>(net.parameters(), c.learning_rate.value_or(1e-3));
  throw std::invalid_argument(fmt::format("unknown optimizer '{}': expected sgd, momentum or adam", name));
}

// The training settings kept in a checkpoint's notes, besides the problem's (problem_notes).
nn::CheckpointExtra training_notes(const nn::Optimizer& opt, const nn::TrainOptions& t) {
  nn::CheckpointExtra notes{{"optimizer", opt.name()},
                            {"learning_rate", fmt::format("{:.17g}", opt.learning_rate())},
                            {"batch_size", std::to_string(t.batch_size)}};
  if (const auto* m = dynamic_cast<const nn::Momentum*>(&opt)) notes["momentum"] = fmt::format("{:.17g}", m->mu());
  return notes;
}

// --resume: the settings the command line leaves out are the checkpoint's.
void fill_from_training_notes(const nn::CheckpointExtra& notes, const std::string& dir, TrainCommand& c) {
  const auto number = [&](const char* key) -> std::optional<double> {
    const auto it = notes.find(key);
    if (it == notes.end()) return std::nullopt;
    const std::optional<double> x = parse_number(it->second);
    if (!x || !(*x >= 0.0))
      throw nn::checkpoint_error(fmt::format("checkpoint {}: its note \"{}\" is \"{}\", expected a number", dir, key, it->second));
    return x;
  };
  if (const auto saved = notes.find("optimizer"); saved != notes.end()) {
    if (!c.optimizer) c.optimizer = saved->second;
    if (!c.learning_rate && *c.optimizer == saved->second) c.learning_rate = number("learning_rate");  // the saved rule's η
  }
  if (!c.momentum) c.momentum = number("momentum");
  if (!c.batch_size) c.batch_size = recorded_count(notes, "batch_size", dir);
}

// The network to train: a new one, or the one in --resume's checkpoint (whose shape the
// network options, if given, must match). Sets first_epoch to go on after the checkpoint's.
nn::Mlp starting_network(const TrainCommand& c, const DataSet& data, std::size_t& first_epoch) {
  first_epoch = 1;
  if (c.resume.empty()) return build_network(c.model, data);
  nn::Mlp net = nn::load_checkpoint(c.resume);
  const auto mismatch = [&](const char* what, const std::string& given, const std::string& saved) {
    throw std::invalid_argument(fmt::format("--resume {}: the checkpoint's {} is {}, but {} was given", c.resume, what,
                                            saved, given));
  };
  if (c.model.sizes && *c.model.sizes != net.sizes()) mismatch("--sizes", sizes_str(*c.model.sizes), sizes_str(net.sizes()));
  if (c.model.hidden && *c.model.hidden != net.hidden()) mismatch("--hidden", to_string(*c.model.hidden), to_string(net.hidden()));
  if (c.model.output && *c.model.output != net.output()) mismatch("--output", to_string(*c.model.output), to_string(net.output()));
  check_fits(net, data, fmt::format("the network in {}", c.resume));
  const nn::CheckpointExtra extra = nn::load_checkpoint_extra(c.resume);
  const std::size_t done = recorded_count(extra, "epochs", c.resume).value_or(0);
  if (done == std::numeric_limits<std::size_t>::max())
    throw nn::checkpoint_error(fmt::format("checkpoint {}: its note \"epochs\" is {}: no epoch number after it to go on with",
                                           c.resume, done));
  first_epoch = done + 1;
  return net;
}

// Who is to blame for a divergence: η only if the loss was finite before the first step.
std::string divergence_cause(const nn::TrainResult& result, const TrainCommand& c, double learning_rate) {
  if (!std::isfinite(result.initial_loss))
    return fmt::format("the loss was already {} before the first step: {} or the data are at fault, not η",
                       result.initial_loss,
                       c.resume.empty() ? std::string("the starting weights") : "the weights from --resume " + c.resume);
  return fmt::format("the epoch was played again under detect_anomaly to find the first op; is η = {:g} too large?",
                     learning_rate);
}

// 2 -> "2nd", 11 -> "11th", 21 -> "21st"
std::string ordinal(std::size_t n) {
  const std::size_t last = n % 10, tens = n / 10 % 10;
  const char* suffix = tens == 1 || last > 3 || last == 0 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : "rd";
  return fmt::format("{}{}", n, suffix);
}

// The files written while training (--csv, its .svg). Once training runs, a failed write is
// reported on err (once per message) and training goes on, so that the weights are still saved.
class SideOutputs {
 public:
  explicit SideOutputs(std::FILE* err) : err_(err) {}
  void write(const std::filesystem::path& file, std::string_view bytes) {
    try {
      write_file_atomically(file, bytes);
    } catch (const std::exception& e) {
      if (failures_.insert(e.what()).second) {
        fmt::print(err_, "tapegrad train: {}; training goes on\n", e.what());
        std::fflush(err_);
      }
    }
  }
  bool failed() const { return !failures_.empty(); }

 private:
  std::FILE* err_;
  std::set<std::string> failures_;
};

// Before training: every file the run will write can be written (a late failure would throw
// the run away), and what interrupted saves and writes left there is removed.
void check_outputs(const TrainCommand& c) {
  if (!c.save.empty()) nn::prepare_checkpoint_directory(c.save);
  if (c.csv.empty()) return;
  check_writable(c.csv);
  if (!is_written_in_place(c.csv)) check_writable(curves_svg_path(c.csv));
}

// Saves the trained network into dir. When that fails after the run (the disk filled up, dir
// was removed), into a new directory under the system's temporary one instead, which the
// error then names: the weights are never thrown away.
void save_trained(const nn::Mlp& net, const std::string& dir, const nn::CheckpointExtra& notes, const nn::Optimizer& opt) {
  try {
    nn::save_checkpoint(net, dir, notes, &opt);
  } catch (const nn::checkpoint_error& e) {
    std::string rescue = (std::filesystem::temp_directory_path() / "tapegrad-rescue-XXXXXX").string();
    if (::mkdtemp(rescue.data()) == nullptr) throw;  // the first failure is the one to report
    try {
      nn::save_checkpoint(net, rescue, notes, &opt);
    } catch (const std::exception&) {
      std::error_code ec;
      std::filesystem::remove_all(rescue, ec);
      throw e;
    }
    throw nn::checkpoint_error(fmt::format("{}; the trained network is saved in {} instead (tapegrad eval --checkpoint {})",
                                           e.what(), rescue, rescue));
  }
}

std::string percent(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

}  // namespace

void add_train_options(CLI::App& app, TrainCommand& c) {
  add_data_options(app, c.data, default_data_name() + ", or with --resume the checkpoint's");
  add_model_options(app, c.model);
  app.add_option("--optimizer", c.optimizer, "sgd (default), momentum or adam")
      ->check(one_of({"sgd", "momentum", "adam"}))
      ->type_name("sgd|momentum|adam");
  app.add_option("--lr", c.learning_rate,
                 "learning rate η (default: the data set's for sgd, η(1−μ) for momentum, 0.001 for adam)")
      ->check(positive_number())->type_name("X");
  app.add_option("--momentum", c.momentum, "momentum μ, in [0, 1) (default 0.9)")->type_name("X")
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            const std::optional<double> mu = parse_number(s);
            return mu && *mu >= 0.0 && *mu < 1.0 ? "" : fmt::format("expected a number in [0, 1), got '{}'", s);
          },
          ""));
  add_batch_size_option(app, [&c](std::size_t n) { c.batch_size = n; },
                        "examples per step; 0 = the whole set (default: the data set's)", count(), false);
  app.add_option("--epochs", c.epochs, "passes over the training set (default: the data set's)")->check(positive_count())->type_name("N");
  app.add_option("--stop-epsilon", c.stop_epsilon, "seed 003's rule: stop when every |Δθ| of a step is below ε")
      ->check(non_negative_number())
      ->type_name("ε");
  app.add_option("--max-iterations", c.max_iterations, "seed 003's MAX: stop after N optimizer steps in all")
      ->check(count())
      ->type_name("N");
  app.add_option_function<std::string>(
         "--gradients",
         [&c](const std::string& s) {
           if (s == "autodiff") c.gradients = nn::GradientSource::autodiff;
           else if (s == "backprop") c.gradients = nn::GradientSource::backprop;
           else throw CLI::ValidationError("--gradients", fmt::format("expected autodiff or backprop, got '{}'", s));
         },
         "where ∂C/∂θ comes from: autodiff (the engine, default) or backprop (BP1–BP4 by hand)")
      ->type_name("autodiff|backprop");
  app.add_option("--csv", c.csv, "write each epoch's train/test loss and accuracy to FILE (CSV)")
      ->check(non_empty("a file name"))->type_name("FILE");
  app.add_option("--save", c.save, "save a checkpoint in DIR at the end")
      ->check(non_empty("a directory name"))->type_name("DIR");
  app.add_option("--resume", c.resume, "start from the checkpoint in DIR, going on after its epochs")
      ->type_name("DIR")
      ->check(existing_directory());
  app.add_option("--progress", c.progress, "auto (a live line on a terminal, default), always, never")
      ->check(one_of({"auto", "always", "never"}))
      ->type_name("auto|always|never");
}

int run_train(const TrainCommand& command, std::FILE* out, std::FILE* err) {
  TrainCommand c = command;
  if (!c.resume.empty()) {  // what the command line leaves out is the checkpoint's
    const nn::CheckpointExtra notes = nn::load_checkpoint_extra(c.resume);
    fill_from_notes(notes, c.resume, c.data, c.model);
    fill_from_training_notes(notes, c.resume, c);
  }
  DataOptions data_options = c.data;
  data_options.seed = c.model.seed_or_default();
  const DataSet data = load_data_set(data_options);
  data_options.name = data.name;  // for the checkpoint's notes
  // The weights, the activations and the batches' copy, refused with the numbers before any is
  // allocated (a resumed network's sizes are known once its checkpoint is read).
  const std::string rule = c.optimizer.value_or("sgd");
  const auto require_room = [&](const std::vector<std::size_t>& sizes) {
    nn::require_training_memory(sizes, data.train.size(), data.test.size(), c.batch_size.value_or(data.defaults.batch_size),
                                rule == "adam" ? 2 : rule == "momentum" ? 1 : 0);
  };
  if (c.resume.empty()) require_room(network_sizes(c.model, data));
  std::size_t first_epoch = 1;
  nn::Mlp net = starting_network(c, data, first_epoch);
  if (!c.resume.empty()) require_room(net.sizes());
  const nn::Cost cost = build_cost(c.model, data);
  const std::unique_ptr<nn::Optimizer> optimizer = make_optimizer(c, data, net);
  check_outputs(c);

  nn::TrainOptions t;
  t.batch_size = c.batch_size.value_or(data.defaults.batch_size);  // larger than the set: train() says so
  t.epochs = c.epochs.value_or(data.defaults.epochs);
  t.shuffle_seed = c.model.seed_or_default();
  t.first_epoch = first_epoch;
  t.stop_epsilon = c.stop_epsilon;
  t.max_iterations = c.max_iterations;
  t.gradients = c.gradients;
  // the last epoch's number, or the largest count when first_epoch + epochs − 1 would wrap
  const std::size_t last_epoch = first_epoch - 1 + std::min(t.epochs, std::numeric_limits<std::size_t>::max() - (first_epoch - 1));

  fmt::print(out, "tapegrad train: {} ({} training, {} test examples)\n", data.name, data.train.size(), data.test.size());
  fmt::print(out, "  network {} {} hidden, {} output; cost {}\n", sizes_str(net.sizes()), to_string(net.hidden()),
             to_string(net.output()), nn::describe(cost));
  fmt::print(out, "  {} η={:g}, batch {}, epochs {}..{}, seed {}, gradients by {}\n", optimizer->name(),
             optimizer->learning_rate(), t.batch_size == 0 ? data.train.size() : t.batch_size, first_epoch, last_epoch,
             c.model.seed_or_default(), to_string(c.gradients));
  if (!c.resume.empty()) {
    fmt::print(out, "  resumed from {} after epoch {}\n", c.resume, first_epoch - 1);
    // The running averages (momentum's velocity, Adam's moments) and the step count come back
    // too when the checkpoint was saved by the same rule; then the run goes on exactly.
    if (!nn::load_optimizer_state(c.resume, *optimizer) && !optimizer->state().empty())
      fmt::print(out, "  note: the checkpoint holds no {} state; its running averages start again from 0\n",
                 optimizer->name());
  }
  std::fflush(out);

  const std::string title =
      run_title(data.name, net, nn::describe(cost), optimizer->name(), optimizer->learning_rate(),
                t.batch_size == 0 ? data.train.size() : t.batch_size, c.model.seed_or_default());
  const bool live = c.progress == "always" || (c.progress == "auto" && is_terminal(out));
  Progress progress(out, live, last_epoch);
  std::vector<std::string> csv_lines = c.csv.empty() || c.resume.empty() ? std::vector<std::string>{} : earlier_rows(c.csv, first_epoch);
  std::vector<EpochRow> rows;
  Clock::time_point epoch_start = Clock::now(), last_step = epoch_start;
  // The curves beside the CSV, drawn from its text (so a resumed run's earlier rows too); while
  // training at most once a second, so that thousands of short epochs are not slowed down.
  // No curves beside a CSV written to a device or a FIFO (/dev/null has no "beside").
  std::string csv_text;
  SideOutputs side(err);
  const bool curves = !c.csv.empty() && !is_written_in_place(c.csv);
  Clock::time_point last_curves{};
  const auto write_curves = [&] {
    if (curves) side.write(curves_svg_path(c.csv), curves_svg(parse_epoch_csv(csv_text, c.csv), title));
    last_curves = Clock::now();
  };
  std::size_t examples = 0;

  const auto on_step = [&](const nn::StepReport& s) {
    if (s.step == 0) {  // the epoch begins: time its steps only, not the evaluations around them
      epoch_start = last_step = Clock::now();
      return;
    }
    last_step = Clock::now();
    examples = s.examples;
    progress.step(s, s.examples / std::chrono::duration<double>(last_step - epoch_start).count());
  };
  const auto on_epoch = [&](const nn::EpochReport& e) {
    EpochRow r;
    r.epoch = e.epoch;
    r.train_loss = e.loss;
    r.train_accuracy = e.accuracy;
    const nn::Evaluation test = nn::evaluate(net, data.test.X, data.test.Y, cost);
    r.test_loss = test.cost;
    r.test_accuracy = test.accuracy;
    r.seconds = std::chrono::duration<double>(last_step - epoch_start).count();
    r.examples_per_second = r.seconds > 0 ? examples / r.seconds : 0.0;
    rows.push_back(r);
    if (!c.csv.empty()) {
      csv_lines.push_back(epoch_csv_line(r, data.classification()));
      std::string text = std::string(epoch_csv_header) + "\n";
      for (const std::string& line : csv_lines) text += line + "\n";
      side.write(c.csv, text);
      csv_text = std::move(text);
      if (Clock::now() - last_curves >= std::chrono::seconds(1)) write_curves();  // and at the end
    }
    if (live) {
      progress.clear();
      if (data.classification())
        fmt::print(out, "epoch {}/{}  train loss {:.4f} accuracy {}  test loss {:.4f} accuracy {}  {} examples/s\n",
                   r.epoch, last_epoch, r.train_loss, percent(r.train_accuracy), r.test_loss, percent(r.test_accuracy),
                   with_commas(r.examples_per_second));
      else
        fmt::print(out, "epoch {}/{}  train loss {:.6f}  test loss {:.6f}  {} examples/s\n", r.epoch, last_epoch,
                   r.train_loss, r.test_loss, with_commas(r.examples_per_second));
      std::fflush(out);
    }
  };
  const nn::TrainResult result = nn::train(net, data.train.X, data.train.Y, cost, *optimizer, t, on_epoch, on_step);
  progress.clear();
  if (!csv_text.empty()) write_curves();

  if (!live) {  // not a terminal: the epochs as one table at the end, at most about 20 rows of it
    fmt::print(out, "{:>6} {:>12} {:>10} {:>12} {:>10} {:>9} {:>12}\n", "epoch", "train loss", "train acc", "test loss",
               "test acc", "seconds", "examples/s");
    const std::size_t every = (rows.size() + 19) / 20;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if ((i + 1) % every != 0 && i + 1 != rows.size()) continue;
      const EpochRow& r = rows[i];
      fmt::print(out, "{:>6} {:>12.6g} {:>10} {:>12.6g} {:>10} {:>9.3f} {:>12}\n", r.epoch, r.train_loss,
                 data.classification() ? percent(r.train_accuracy) : "-", r.test_loss,
                 data.classification() ? percent(r.test_accuracy) : "-", r.seconds, with_commas(r.examples_per_second));
    }
    if (every > 1) fmt::print(out, "(every {} epoch shown{})\n", ordinal(every), c.csv.empty() ? "; --csv FILE keeps them all" : "");
  }
  if (result.reason == nn::StopReason::diverged) {  // an error: on err, after what out holds
    std::fflush(out);
    fmt::print(err, "tapegrad train: training diverged in epoch {}, {}: {}\n({}); nothing saved\n", result.divergence_epoch,
               result.divergence_step ? fmt::format("step {}", result.divergence_step) : std::string("evaluating the loss"),
               result.divergence, divergence_cause(result, c, optimizer->learning_rate()));
    return 1;
  }
  if (rows.empty()) throw std::logic_error("train: no epoch ran");  // train() runs at least one
  const EpochRow& last = rows.back();
  if (result.reason != nn::StopReason::epochs_done)
    fmt::print(out, "stopped after {} steps: {}\n", result.iterations, nn::to_string(result.reason));
  if (data.classification())
    fmt::print(out, "after epoch {}: test accuracy {}, test loss {:.6f}\n", last.epoch, percent(last.test_accuracy), last.test_loss);
  else
    fmt::print(out, "after epoch {}: test loss {:.6f}\n", last.epoch, last.test_loss);
  if (curves) fmt::print(out, "per-epoch figures: {} (curves: {})\n", c.csv, curves_svg_path(c.csv).string());
  else if (!c.csv.empty()) fmt::print(out, "per-epoch figures: {}\n", c.csv);
  if (!c.save.empty()) {
    nn::CheckpointExtra notes = problem_notes(data_options, c.model, cost);
    notes.merge(training_notes(*optimizer, t));
    notes["epochs"] = std::to_string(last.epoch);
    notes["train_loss"] = fmt::format("{:.9g}", last.train_loss);
    notes["test_loss"] = fmt::format("{:.9g}", last.test_loss);
    if (data.classification()) notes["test_accuracy"] = fmt::format("{:.6f}", last.test_accuracy);
    save_trained(net, c.save, notes, *optimizer);
    fmt::print(out, "checkpoint saved in {} (tapegrad eval --checkpoint {})\n", c.save, c.save);
  }
  if (side.failed()) {
    std::fflush(out);
    fmt::print(err, "tapegrad train: --csv {}: not every write succeeded (see above){}\n", c.csv,
               c.save.empty() ? "" : "; the checkpoint is saved");
    return 1;
  }
  return 0;
}

}  // namespace tg::cli
