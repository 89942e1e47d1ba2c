#include "cli/train_command.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <variant>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "cli/any_network.hpp"
#include "cli/problem.hpp"
#include "cli/dataset.hpp"
#include "cli/files.hpp"
#include "cli/interrupt.hpp"
#include "cli/progress.hpp"
#include "cli/optimizer_choice.hpp"
#include "cli/training_curves.hpp"
#include "cli/training_log.hpp"
#include "nn/checkpoint.hpp"
#include "nn/checkpoint_lock.hpp"  // RunClaim
#include "nn/lr_schedule.hpp"
#include "nn/memory_estimate.hpp"
#include "nn/optimizer.hpp"

namespace tg::cli {

namespace {

// The training settings kept in a checkpoint's notes, besides the problem's (problem_notes):
// η is η₀, the first epoch's, also when a schedule (lr_decay, lr_decay_every) changed it since.
nn::CheckpointExtra training_notes(const nn::Optimizer& opt, double eta0,
                                   const std::optional<nn::StepDecay>& decay, const nn::TrainOptions& t) {
  nn::CheckpointExtra notes{{"optimizer", opt.name()},
                            {"learning_rate", fmt::format("{:.17g}", eta0)},
                            {"batch_size", std::to_string(t.batch_size)}};
  if (const auto* m = dynamic_cast<const nn::Momentum*>(&opt))
    notes["momentum"] = fmt::format("{:.17g}", m->mu());
  if (decay) {
    notes["lr_decay"] = fmt::format("{:.17g}", decay->factor);
    notes["lr_decay_every"] = std::to_string(decay->every);
  }
  return notes;
}

// --resume: the schedule the command line leaves out is the checkpoint's (as η's is).
void fill_schedule_from_notes(const nn::CheckpointExtra& notes, const std::string& dir, TrainCommand& c) {
  const std::optional<nn::StepDecay> noted = noted_schedule(notes, dir);
  if (!noted) return;
  if (!c.lr_decay) c.lr_decay = noted->factor;
  if (!c.lr_decay_every) c.lr_decay_every = noted->every;
}

// --lr-decay F and --lr-decay-every N come together (or from --resume's checkpoint).
std::optional<nn::StepDecay> step_decay(const TrainCommand& c) {
  if (c.lr_decay && !c.lr_decay_every)
    throw std::invalid_argument(
        fmt::format("--lr-decay {:g} needs --lr-decay-every N, the number of epochs between two decays of η",
                    *c.lr_decay));
  if (c.lr_decay_every && !c.lr_decay)
    throw std::invalid_argument(fmt::format(
        "--lr-decay-every {} needs --lr-decay F, the factor in (0, 1] that η is multiplied by every {} epochs",
        *c.lr_decay_every, *c.lr_decay_every));
  if (!c.lr_decay) return std::nullopt;
  const nn::StepDecay d{*c.lr_decay, *c.lr_decay_every};
  nn::check_step_decay(d, "--lr-decay");
  return d;
}

// The last epoch the run can reach: the last of --epochs, or an earlier one when --max-iterations ends the
// run first (this run's steps, ⌈m / batch⌉ an epoch; train() refuses a batch larger than m).
std::size_t reachable_last_epoch(std::size_t last_epoch, const nn::TrainOptions& t, std::size_t m) {
  if (t.max_iterations == 0 || m == 0 || t.batch_size > m) return last_epoch;
  const std::size_t batch = t.batch_size == 0 ? m : t.batch_size;
  const std::size_t steps = m / batch + (m % batch != 0);  // a step per batch
  const std::size_t epochs = t.max_iterations / steps + (t.max_iterations % steps != 0);
  const std::size_t done = t.first_epoch - 1;
  return done + std::min(epochs, last_epoch - done);  // last_epoch ≥ done: no wrap
}

// A schedule whose η would reach 0 (F^k below the smallest double) in an epoch the run can
// reach is refused before training. With --stop-epsilon, which may end the run sooner, only an
// η of 0 in its first epoch is; a later epoch's is an error when that epoch begins (η_of_epoch).
void check_schedule_reach(const nn::StepDecay& d, double eta0, const nn::TrainOptions& t,
                          std::size_t last_epoch, std::size_t reach) {
  const std::size_t checked = t.stop_epsilon > 0.0 ? t.first_epoch : reach;
  const std::size_t e = nn::first_vanishing_epoch(eta0, d, checked);
  if (e == 0) return;
  const std::string last =
      t.stop_epsilon > 0.0 ? fmt::format("or in this run's first epoch, {}", t.first_epoch)
      : reach < last_epoch
          ? fmt::format("the last epoch that --max-iterations {} reaches, {}", t.max_iterations, reach)
          : fmt::format("the last epoch, {}", last_epoch);
  throw std::invalid_argument(fmt::format(
      "--lr-decay {:g} --lr-decay-every {}: η = {:g} would fall to 0 (below the smallest double) in epoch "
      "{}, before {}; decay less often or run fewer epochs",
      d.factor, d.every, eta0, e, last));
}

// η_e of the schedule, set as epoch e begins. An η of 0 (underflow) can only be reached here when
// --stop-epsilon was to end the run first (check_schedule_reach refuses it otherwise): an error.
std::function<double(std::size_t)> eta_of_epoch(const nn::StepDecay& d, double eta0, double stop_epsilon) {
  return [d, eta0, stop_epsilon](std::size_t e) {
    const double eta = nn::scheduled_learning_rate(eta0, d, e);
    if (eta == 0.0)
      throw std::runtime_error(fmt::format(
          "--lr-decay {:g} --lr-decay-every {}: η = {:g} fell to 0 (below the smallest double) in epoch {} "
          "before --stop-epsilon {:g} ended the run; nothing saved (decay less often or give a larger ε)",
          d.factor, d.every, eta0, e, stop_epsilon));
    return eta;
  };
}

// --resume: the settings the command line leaves out are the checkpoint's.
void fill_from_training_notes(const nn::CheckpointExtra& notes, const std::string& dir, TrainCommand& c) {
  const auto number = [&](const char* key) -> std::optional<double> {
    const auto it = notes.find(key);
    if (it == notes.end()) return std::nullopt;
    const std::optional<double> x = parse_number(it->second);
    if (!x || !(*x >= 0.0))
      throw nn::checkpoint_error(
          fmt::format("checkpoint {}: its note \"{}\" is \"{}\", expected a number", dir, key, it->second));
    return x;
  };
  if (const auto saved = notes.find("optimizer"); saved != notes.end()) {
    if (!c.optimizer) c.optimizer = saved->second;
    if (!c.learning_rate && *c.optimizer == saved->second)
      c.learning_rate = number("learning_rate");  // the saved rule's η
  }
  if (!c.momentum) c.momentum = number("momentum");
  fill_schedule_from_notes(notes, dir, c);
  if (!c.batch_size) c.batch_size = recorded_count(notes, "batch_size", dir);
}

// --resume of an Mlp: the network options, if given, must match the checkpoint's.
void check_resumed(const TrainCommand& c, const nn::Mlp& net) {
  const auto mismatch = [&](const char* what, const std::string& given, const std::string& saved) {
    throw std::invalid_argument(fmt::format("--resume {}: the checkpoint's {} is {}, but {} was given",
                                            c.resume, what, saved, given));
  };
  if (c.model.layers)
    mismatch("network", fmt::format("{} {}", c.model.layers_option, *c.model.layers), network_str(net));
  if (c.model.sizes && *c.model.sizes != net.sizes())
    mismatch("--sizes", sizes_str(*c.model.sizes), sizes_str(net.sizes()));
  if (c.model.hidden && *c.model.hidden != net.hidden())
    mismatch("--hidden", to_string(*c.model.hidden), to_string(net.hidden()));
  if (c.model.output && *c.model.output != net.output())
    mismatch("--output", to_string(*c.model.output), to_string(net.output()));
}

// --resume of a network of layers: --layers or --model, if given, must describe the same
// layers; the options of an Mlp do not apply to it.
void check_resumed(const TrainCommand& c, const nn::Network& net, const DataSet& data) {
  const ModelOptions& m = c.model;
  if (m.sizes || m.hidden || m.output)
    throw std::invalid_argument(
        fmt::format("--resume {}: the checkpoint holds a network of layers ({}); {} is for a new network",
                    c.resume, layers_str(net),
                    m.sizes    ? "--sizes"
                    : m.hidden ? "--hidden"
                               : "--output"));
  if (m.layers && layers_str(build_layers_network(m, data)) != layers_str(net))
    throw std::invalid_argument(
        fmt::format("--resume {}: the checkpoint's layers are {}, but {} {} was given", c.resume,
                    layers_str(net), m.layers_option, *m.layers));
}

// The network to train: a new one, or the one in --resume's checkpoint, moved out of `resumed`
// (whose shape the network options, if given, must match). Sets first_epoch to go on after
// the checkpoint's.
AnyNetwork starting_network(const TrainCommand& c, const DataSet& data, nn::SavedCheckpoint* resumed,
                            std::size_t& first_epoch) {
  first_epoch = 1;
  if (!resumed) return build_any_network(c.model, data);
  AnyNetwork net = std::move(resumed->net);
  const std::string what = fmt::format("the network in {}", c.resume);
  if (const nn::Mlp* mlp = std::get_if<nn::Mlp>(&net)) {
    check_resumed(c, *mlp);
    check_fits(*mlp, data, what);
  } else {
    check_resumed(c, std::get<nn::Network>(net), data);
    check_fits(std::get<nn::Network>(net), data, what);
  }
  const std::size_t done = recorded_count(resumed->extra, "epochs", c.resume).value_or(0);
  if (done == std::numeric_limits<std::size_t>::max())
    throw nn::checkpoint_error(fmt::format(
        "checkpoint {}: its note \"epochs\" is {}: no epoch number after it to go on with", c.resume, done));
  first_epoch = done + 1;
  return net;
}

// Who is to blame for a divergence: η only if the loss was finite before the first step.
std::string divergence_cause(const nn::TrainResult& result, const TrainCommand& c, double learning_rate) {
  if (!std::isfinite(result.initial_loss))
    return fmt::format("the loss was already {} before the first step: {} or the data are at fault, not η",
                       non_finite_name(result.initial_loss),
                       c.resume.empty() ? std::string("the starting weights")
                                        : "the weights from --resume " + c.resume);
  return fmt::format(
      "the epoch was played again under detect_anomaly to find the first op; is η = {:g} too large?",
      learning_rate);
}

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
void save_trained(const AnyNetwork& net, const std::string& dir, const nn::CheckpointExtra& notes,
                  const nn::Optimizer& opt) {
  const auto save = [&](const std::string& where) {
    std::visit([&](const auto& n) { nn::save_checkpoint(n, where, notes, &opt); }, net);
  };
  try {
    save(dir);
  } catch (const nn::checkpoint_error& e) {
    std::string rescue = (std::filesystem::temp_directory_path() / "tapegrad-rescue-XXXXXX").string();
    if (::mkdtemp(rescue.data()) == nullptr) throw;  // the first failure is the one to report
    try {
      save(rescue);
    } catch (const std::exception&) {
      std::error_code ec;
      std::filesystem::remove_all(rescue, ec);
      throw e;
    }
    throw nn::checkpoint_error(
        fmt::format("{}; the trained network is saved in {} instead (tapegrad eval --checkpoint {})",
                    e.what(), rescue, rescue));
  }
}

// --resume: what the command line leaves out is the checkpoint's.
TrainCommand with_resumed_settings(TrainCommand c, const std::optional<nn::SavedCheckpoint>& resumed) {
  if (!resumed) return c;
  fill_from_notes(resumed->extra, c.resume, c.data, c.model);
  fill_from_training_notes(resumed->extra, c.resume, c);
  return c;
}

// Everything a run needs, built and checked before the first step.
struct Run {
  DataOptions data_options;  // with the data set's name, for the checkpoint's notes
  DataSet data;
  std::optional<nn::SavedCheckpoint> resumed;  // --resume's checkpoint, read once (its net moved to net)
  std::optional<AnyNetwork> net;
  nn::Cost cost;
  std::unique_ptr<nn::Optimizer> optimizer;
  double eta0 = 0.0;                   // η of epoch 1 (the schedule's η₀, the checkpoint's note)
  std::optional<nn::StepDecay> decay;  // --lr-decay, --lr-decay-every
  nn::TrainOptions t;
  std::size_t last_epoch = 0;
};

nn::TrainOptions train_options(const TrainCommand& c, const DataSet& data, std::size_t first_epoch) {
  nn::TrainOptions t;
  t.batch_size = c.batch_size.value_or(data.defaults.batch_size);  // larger than the set: train() says so
  t.epochs = c.epochs.value_or(data.defaults.epochs);
  t.shuffle_seed = c.model.seed_or_default();
  t.first_epoch = first_epoch;
  t.stop_epsilon = c.stop_epsilon;
  t.max_iterations = c.max_iterations;
  t.gradients = c.gradients;
  t.exact_figures = c.train_figures == "exact";
  t.stop_requested = [] { return StopOnInterrupt::requested(); };
  return t;
}

Run prepare_run(const TrainCommand& c, std::optional<nn::SavedCheckpoint> resumed) {
  Run run;
  run.resumed = std::move(resumed);
  run.data_options = c.data;
  run.data_options.seed = c.model.seed_or_default();
  run.data = load_data_set(run.data_options);
  run.data_options.name = run.data.name;
  const DataSet& data = run.data;
  // The weights, the activations and the batches' copy, refused with the numbers before any is
  // allocated (a resumed network's sizes are known once its checkpoint is read).
  const std::string rule = c.optimizer.value_or("sgd");
  const std::size_t slots = rule == "adam" ? 2 : rule == "momentum" ? 1 : 0;
  const std::size_t batch = c.batch_size.value_or(data.defaults.batch_size);
  // A resumed checkpoint's optimizer state stays in memory beside the new optimizer's until
  // start_run hands it over (measured: adam's on [2,2000,2000,2] raised the peak by 32 MB).
  std::size_t resumed_numbers = 0;
  if (run.resumed && run.resumed->optimizer)
    for (const auto& [name, tensors] : run.resumed->optimizer->state)
      for (const Tensor& t : tensors) resumed_numbers += t.size();
  const auto require_room = [&](const std::vector<std::size_t>& sizes) {
    nn::require_training_memory(sizes, data.train.size(), data.test.size(), batch, slots, resumed_numbers);
  };
  if (c.resume.empty() && !c.model.layers) require_room(network_sizes(c.model, data));
  std::size_t first_epoch = 1;
  run.net.emplace(starting_network(c, data, run.resumed ? &*run.resumed : nullptr,
                                   first_epoch));  // a network of layers' weights checked as built
  if (const nn::Mlp* mlp = std::get_if<nn::Mlp>(&*run.net); mlp && !c.resume.empty())
    require_room(mlp->sizes());
  if (const nn::Network* layers = std::get_if<nn::Network>(&*run.net))
    nn::require_training_memory(*layers, network_str(*layers), data.train.size(), data.test.size(), batch,
                                slots, resumed_numbers);
  run.cost = build_cost(c.model, data);
  run.optimizer = std::visit(
      [&](const auto& net) {
        return make_optimizer({c.optimizer.value_or("sgd"), c.learning_rate, c.momentum}, data, net);
      },
      *run.net);
  run.eta0 = run.optimizer->learning_rate();
  run.decay = step_decay(c);
  run.t = train_options(c, data, first_epoch);
  // the last epoch's number, or the largest count when first_epoch + epochs − 1 would wrap
  run.last_epoch =
      first_epoch - 1 + std::min(run.t.epochs, std::numeric_limits<std::size_t>::max() - (first_epoch - 1));
  if (run.decay) {
    check_schedule_reach(*run.decay, run.eta0, run.t, run.last_epoch,
                         reachable_last_epoch(run.last_epoch, run.t, data.train.size()));
    run.t.learning_rate = eta_of_epoch(*run.decay, run.eta0, run.t.stop_epsilon);
  }
  check_outputs(c);
  return run;
}

// What is about to run; with --resume, the optimizer's state comes back here.
void start_run(const TrainCommand& c, Run& run, std::FILE* out) {
  nn::Optimizer& optimizer = *run.optimizer;
  const std::size_t first_epoch = run.t.first_epoch;
  fmt::print(out, "tapegrad train: {} ({} training, {} test examples)\n", run.data.name,
             run.data.train.size(), run.data.test.size());
  fmt::print(out, "  network {}; cost {}\n", network_str(*run.net), nn::describe(run.cost));
  if (const nn::Network* layers = std::get_if<nn::Network>(&*run.net))
    for (std::size_t l = 2; l <= layers->num_layers(); ++l)
      fmt::print(out, "    layer {}: {}\n", l, layers->layer(l).describe());
  fmt::print(out, "  {} η={}, batch {}, epochs {}..{}, seed {}, gradients by {}\n", optimizer.name(),
             learning_rate_str(run.eta0, run.decay),
             run.t.batch_size == 0 ? run.data.train.size() : run.t.batch_size, first_epoch, run.last_epoch,
             c.model.seed_or_default(), to_string(c.gradients));
  if (!c.resume.empty()) {
    fmt::print(out, "  resumed from {} after epoch {}\n", c.resume, first_epoch - 1);
    // The running averages (momentum's velocity, Adam's moments) and the step count come back
    // too when the checkpoint was saved by the same rule; then the run goes on exactly.
    if (!nn::restore_optimizer_state(*run.resumed, c.resume, optimizer) && !optimizer.state().empty())
      fmt::print(out, "  note: the checkpoint holds no {} state; its running averages start again from 0\n",
                 optimizer.name());
  }
  std::fflush(out);
}

TrainingLog::Settings log_settings(const TrainCommand& c, const Run& run, std::FILE* out, std::FILE* err) {
  const nn::Optimizer& optimizer = *run.optimizer;
  return {out,
          err,
          c.progress == "always" || (c.progress == "auto" && is_terminal(out)),
          run.last_epoch,
          run.data.classification(),
          c.csv,
          c.csv.empty() || c.resume.empty() ? std::vector<std::string>{}
                                            : earlier_rows(c.csv, run.t.first_epoch),
          run_title(run.data.name, network_str(*run.net), nn::describe(run.cost), optimizer.name(), run.eta0,
                    run.t.batch_size == 0 ? run.data.train.size() : run.t.batch_size,
                    c.model.seed_or_default(), run.decay)};
}

// The checkpoint's notes: the problem, the training settings, and the last epoch's figures.
nn::CheckpointExtra checkpoint_notes(const TrainCommand& c, const Run& run, const EpochRow& last) {
  nn::CheckpointExtra notes = problem_notes(run.data_options, c.model, run.cost);
  notes.merge(training_notes(*run.optimizer, run.eta0, run.decay, run.t));
  notes["epochs"] = std::to_string(last.epoch);
  notes["train_loss"] = fmt::format("{:.9g}", last.train_loss);
  notes["test_loss"] = fmt::format("{:.9g}", last.test_loss);
  if (run.data.classification()) notes["test_accuracy"] = fmt::format("{:.6f}", last.test_accuracy);
  return notes;
}

// What the CSV holds after an interrupted run whose last whole epoch is `epoch`: "; run.csv
// holds epochs up to 2", or as far as its writes succeeded; a device or a FIFO was written to.
std::string csv_state(const std::string& csv, const TrainingLog& log, std::size_t epoch) {
  if (csv.empty()) return "";
  const bool stream = is_written_in_place(csv);
  if (!log.write_failed())
    return stream ? fmt::format("; epochs up to {} were written to {}", epoch, csv)
                  : fmt::format("; {} holds epochs up to {}", csv, epoch);
  if (log.csv_epochs() == 0) return fmt::format("; no epoch of this run could be written to {}", csv);
  return stream
             ? fmt::format("; epochs up to {} were written to {}, then a write failed", log.csv_epochs(), csv)
             : fmt::format("; {} holds epochs up to {} only: a later write failed", csv, log.csv_epochs());
}

// Ctrl-C stopped training: the last whole epoch's state is saved (with --save, when this run
// finished one), and err says which epoch that is. Exit code 130 (128 + SIGINT), as a shell's.
int interrupted(const TrainCommand& c, const Run& run, const TrainingLog& log, const nn::TrainResult& r,
                std::FILE* out, std::FILE* err) {
  const std::string where =
      r.state_epoch == r.interrupted_epoch
          ? fmt::format("after epoch {}", r.interrupted_epoch)
          : fmt::format("in epoch {} (after step {})", r.interrupted_epoch, r.interrupted_step);
  std::string saved;
  if (c.save.empty()) {
    saved = fmt::format("the state after epoch {} is not saved (no --save)", r.state_epoch);
  } else if (log.rows().empty()) {
    saved = fmt::format("no epoch finished, nothing saved in {}", c.save);
  } else {
    save_trained(*run.net, c.save, checkpoint_notes(c, run, log.rows().back()), *run.optimizer);
    saved = fmt::format("the saved state is after epoch {}, in {} (--resume {} goes on from epoch {})",
                        r.state_epoch, c.save, c.save, r.state_epoch + 1);
  }
  std::fflush(out);
  fmt::print(err, "tapegrad train: interrupted {}; {}{}\n", where, saved,
             csv_state(c.csv, log, r.state_epoch));
  return 130;
}

// All epochs ran (or a stop rule ended them): the result, and the checkpoint with --save.
int finished(const TrainCommand& c, const Run& run, const TrainingLog& log, const nn::TrainResult& r,
             std::FILE* out) {
  log.print_result(r);
  if (!c.save.empty()) {
    save_trained(*run.net, c.save, checkpoint_notes(c, run, log.rows().back()), *run.optimizer);
    fmt::print(out, "checkpoint saved in {} (tapegrad eval --checkpoint {})\n", c.save, c.save);
  }
  return 0;
}

// The run's claims on the checkpoints it saves into and resumes from, held until it ends, so
// that two runs never silently supersede each other's (nn::RunClaim): --save DIR alone,
// --resume DIR shared with other runs that only resume from it.
class RunClaims {
 public:
  explicit RunClaims(const TrainCommand& c) {
    claim(save_, c.save, "--save", nn::RunClaim::Use::save);
    std::error_code ec;
    if (!c.save.empty() && std::filesystem::equivalent(c.resume, c.save, ec)) return;  // claimed above
    claim(resume_, c.resume, "--resume", nn::RunClaim::Use::resume);
  }

 private:
  static void claim(std::optional<nn::RunClaim>& into, const std::string& dir, const char* option,
                    nn::RunClaim::Use use) {
    if (dir.empty()) return;
    try {
      into.emplace(dir, use);
    } catch (const nn::checkpoint_in_use& e) {
      throw nn::checkpoint_in_use(fmt::format("{} {}: {}", option, dir, e.what()));
    }
  }
  std::optional<nn::RunClaim> save_, resume_;
};

// The update rule: --optimizer, --lr, --momentum.
void add_optimizer_options(CLI::App& app, TrainCommand& c) {
  app.add_option("--optimizer", c.optimizer, "sgd (default), momentum or adam")
      ->check(one_of({"sgd", "momentum", "adam"}))
      ->type_name("sgd|momentum|adam");
  app.add_option("--lr", c.learning_rate,
                 "learning rate η (default: the data set's for sgd, η(1−μ) for momentum, 0.001 for adam)")
      ->check(positive_number())
      ->type_name("X");
  app.add_option("--momentum", c.momentum, "momentum μ, in [0, 1) (default 0.9)")
      ->type_name("X")
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            const std::optional<double> mu = parse_number(s);
            return mu && *mu >= 0.0 && *mu < 1.0 ? ""
                                                 : fmt::format("expected a number in [0, 1), got '{}'", s);
          },
          ""));
  app.add_option("--lr-decay", c.lr_decay,
                 "a schedule: η is multiplied by F in (0, 1] every --lr-decay-every N epochs, η·F^⌊(e−1)/N⌋ "
                 "in epoch e (the η of PyTorch's StepLR)")
      ->type_name("F")
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            const std::optional<double> f = parse_number(s);
            return f && *f > 0.0 && *f <= 1.0 ? "" : fmt::format("expected a number in (0, 1], got '{}'", s);
          },
          ""));
  app.add_option("--lr-decay-every", c.lr_decay_every,
                 "the epochs N between two decays of η (with --lr-decay)")
      ->check(positive_count())
      ->type_name("N");
}

// How long and how: --batch-size, --epochs, the stop rules, --gradients.
void add_schedule_options(CLI::App& app, TrainCommand& c) {
  add_batch_size_option(
      app, [&c](std::size_t n) { c.batch_size = n; },
      "examples per step; 0 = the whole set (default: the data set's)", count(), false);
  app.add_option("--epochs", c.epochs, "passes over the training set (default: the data set's)")
      ->check(positive_count())
      ->type_name("N");
  app.add_option("--stop-epsilon", c.stop_epsilon,
                 "seed 003's rule: stop when every |Δθ| of a step is below ε")
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
           else
             throw CLI::ValidationError("--gradients",
                                        fmt::format("expected autodiff or backprop, got '{}'", s));
         },
         "where ∂C/∂θ comes from: autodiff (the engine, default) or backprop (BP1–BP4 by hand)")
      ->type_name("autodiff|backprop");
}

// What the run writes and reads: --csv, --save, --resume, --progress, --train-figures.
void add_output_options(CLI::App& app, TrainCommand& c) {
  app.add_option("--csv", c.csv, "write each epoch's train/test loss and accuracy to FILE (CSV)")
      ->check(non_empty("a file name"))
      ->type_name("FILE");
  app.add_option("--save", c.save, "save a checkpoint in DIR at the end")
      ->check(non_empty("a directory name"))
      ->type_name("DIR");
  app.add_option("--resume", c.resume, "start from the checkpoint in DIR, going on after its epochs")
      ->type_name("DIR")
      ->check(existing_directory());
  app.add_option("--progress", c.progress, "auto (a live line on a terminal, default), always, never")
      ->check(one_of({"auto", "always", "never"}))
      ->type_name("auto|always|never");
  app.add_option("--train-figures", c.train_figures,
                 "the training set's loss and accuracy per epoch: running (the average over the epoch's "
                 "batches, default) or exact (a pass over the set after each epoch)")
      ->check(one_of({"running", "exact"}))
      ->type_name("running|exact");
}

}  // namespace

void add_train_options(CLI::App& app, TrainCommand& c) {
  add_data_options(app, c.data, default_data_name() + ", or with --resume the checkpoint's");
  add_model_options(app, c.model);
  add_layers_options(app, c.model);
  add_optimizer_options(app, c);
  add_schedule_options(app, c);
  add_output_options(app, c);
}

int run_train(const TrainCommand& command, std::FILE* out, std::FILE* err) {
  const RunClaims claims(command);  // first: a second run on one checkpoint is refused before it reads it
  std::optional<nn::SavedCheckpoint> resumed;
  if (!command.resume.empty()) resumed = nn::load_saved_checkpoint(command.resume);  // one read
  const TrainCommand c = with_resumed_settings(command, resumed);
  Run run = prepare_run(c, std::move(resumed));
  TrainingLog log(log_settings(c, run, out, err));  // opens a FIFO --csv: refused now if nothing reads it
  start_run(c, run, out);
  run.resumed.reset();           // the optimizer state is restored: its copy goes
  const StopOnInterrupt ctrl_c;  // the first Ctrl-C stops at the next step
  const nn::TrainResult result = std::visit(
      [&](auto& net) {
        return nn::train(
            net, run.data.train, run.cost, *run.optimizer, run.t,
            [&](const nn::EpochReport& e) { log.on_epoch(e, nn::evaluate(net, run.data.test, run.cost)); },
            [&](const nn::StepReport& s) { log.on_step(s); });
      },
      *run.net);
  log.finish();
  if (result.reason == nn::StopReason::diverged) {  // an error: on err, after what out holds
    std::fflush(out);
    fmt::print(err, "tapegrad train: training diverged in epoch {}, {}: {}\n({}); nothing saved\n",
               result.divergence_epoch,
               result.divergence_step ? fmt::format("step {}", result.divergence_step)
                                      : std::string("evaluating the loss"),
               result.divergence, divergence_cause(result, c, run.optimizer->learning_rate()));
    return 1;
  }
  const int code = result.reason == nn::StopReason::interrupted ? interrupted(c, run, log, result, out, err)
                                                                : finished(c, run, log, result, out);
  if (log.write_failed()) {  // an error, also when interrupted
    std::fflush(out);
    const bool saved = !c.save.empty() && !log.rows().empty();  // finished, or interrupted after an epoch
    fmt::print(err, "tapegrad train: --csv {}: not every write succeeded (see above){}\n", c.csv,
               saved ? fmt::format("; the checkpoint is saved in {}", c.save) : "");
    return 1;
  }
  return code;
}

}  // namespace tg::cli
