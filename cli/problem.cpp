#include "cli/problem.hpp"

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "cli/any_network.hpp"

namespace tg::cli {

std::optional<std::uint64_t> recorded_count(const nn::CheckpointExtra& extra, const std::string& key,
                                            const std::string& dir) {
  const auto it = extra.find(key);
  if (it == extra.end()) return std::nullopt;
  const std::optional<std::uint64_t> value = parse_count(it->second);
  if (!value)
    throw nn::checkpoint_error(fmt::format(
        "checkpoint {}: its note \"{}\" is \"{}\", expected a whole number", dir, key, it->second));
  return value;
}

std::optional<nn::StepDecay> noted_schedule(const nn::CheckpointExtra& extra, const std::string& dir) {
  const auto f = extra.find("lr_decay");
  const std::optional<std::uint64_t> n = recorded_count(extra, "lr_decay_every", dir);
  if (f == extra.end() && !n) return std::nullopt;
  const auto bad = [&](const char* key, const std::string& value, const char* expected) {
    return nn::checkpoint_error(
        fmt::format("checkpoint {}: its note \"{}\" is {}, expected {}", dir, key, value, expected));
  };
  if (f == extra.end()) throw bad("lr_decay", "missing", "the factor F beside \"lr_decay_every\"");
  if (!n) throw bad("lr_decay_every", "missing", "the epochs N beside \"lr_decay\"");
  const std::optional<double> factor = parse_number(f->second);
  if (!factor || !(*factor > 0.0 && *factor <= 1.0))
    throw bad("lr_decay", "\"" + f->second + "\"", "a number in (0, 1]");
  if (*n == 0) throw bad("lr_decay_every", "\"0\"", "a whole number >= 1");
  return nn::StepDecay{*factor, static_cast<std::size_t>(*n)};
}

nn::CheckpointExtra problem_notes(const DataOptions& data, const ModelOptions& model, const nn::Cost& cost) {
  nn::CheckpointExtra notes{{"data", data.name},
                            {"train_size", std::to_string(data.train_size)},
                            {"test_size", std::to_string(data.test_size)},
                            {"seed", std::to_string(model.seed_or_default())},
                            {"cost", to_string(cost.kind)},
                            {"reduction", reduction_name(cost.reduction)},
                            {"cost_description", nn::describe(cost)}};
  if (cost.regularization != nn::Regularization::none) {
    notes["l2"] = fmt::format("{:.17g}", cost.lambda);
    notes["l2_form"] = l2_form_name(cost.regularization);
  }
  return notes;
}

void fill_from_notes(const nn::CheckpointExtra& notes, const std::string& dir, DataOptions& data,
                     ModelOptions& model) {
  const auto note = [&](const char* key) -> std::optional<std::string> {
    const auto it = notes.find(key);
    if (it == notes.end()) return std::nullopt;
    return it->second;
  };
  // A note that does not parse names the checkpoint and the note.
  const auto parsed = [&](const char* key, auto parse) {
    try {
      return parse(*note(key));
    } catch (const std::invalid_argument& e) {
      throw nn::checkpoint_error(fmt::format("checkpoint {}: its note \"{}\": {}", dir, key, e.what()));
    }
  };
  if (data.name.empty() && note("data")) data.name = *note("data");
  if (data.train_size == 0) data.train_size = recorded_count(notes, "train_size", dir).value_or(0);
  if (data.test_size == 0) data.test_size = recorded_count(notes, "test_size", dir).value_or(0);
  if (!model.seed) model.seed = recorded_count(notes, "seed", dir);
  if (!model.cost && note("cost")) model.cost = parsed("cost", nn::parse_cost);
  if (!model.reduction && note("reduction")) model.reduction = parsed("reduction", parse_reduction);
  if (!model.l2 && note("l2")) {
    const std::optional<double> l2 = parse_number(*note("l2"));
    if (!l2 || *l2 < 0)
      throw nn::checkpoint_error(
          fmt::format("checkpoint {}: its note \"l2\" is \"{}\", expected a number >= 0", dir, *note("l2")));
    model.l2 = l2;
    if (!model.l2_form && note("l2_form")) model.l2_form = parsed("l2_form", parse_l2_form);
  }
}

namespace {

// The data set and the cost for the checkpoint in dir: the options', else its notes'.
std::pair<DataSet, nn::Cost> saved_setting(const std::string& dir, const DataOptions& data,
                                           const ModelOptions& model) {
  DataOptions d = data;
  ModelOptions m = model;
  fill_from_notes(nn::load_checkpoint_extra(dir), dir, d, m);
  d.seed = m.seed_or_default();
  DataSet set = load_data_set(d);
  const nn::Cost cost = build_cost(m, set);
  return {std::move(set), cost};
}

}  // namespace

AnyProblem load_any_problem(const std::string& dir, const DataOptions& data, const ModelOptions& model) {
  AnyNetwork saved = nn::load_any_network(dir);
  // Named, not a structured binding: the lambda below uses them, and clang before 16 cannot
  // capture a structured binding (the fuzz build is clang's).
  std::pair<DataSet, nn::Cost> setting = saved_setting(dir, data, model);
  DataSet& set = setting.first;
  const nn::Cost& cost = setting.second;
  if (model.layers)
    throw std::invalid_argument(fmt::format("--checkpoint {}: the network is the checkpoint's; leave out {}",
                                            dir, model.layers_option));
  return std::visit(
      [&](auto& net) -> AnyProblem {
        check_fits(net, set, "the network in " + dir);
        using Loaded =
            std::conditional_t<std::is_same_v<std::decay_t<decltype(net)>, nn::Mlp>, Problem, LayersProblem>;
        return Loaded{std::move(net), std::move(set), cost};
      },
      saved);
}

Problem load_problem(const std::string& dir, const DataOptions& data, const ModelOptions& model) {
  AnyNetwork saved = nn::load_any_network(dir);
  if (const nn::Network* layers = std::get_if<nn::Network>(&saved))  // before the data are read
    throw std::invalid_argument(fmt::format(
        "the checkpoint in {} holds a network of layers ({}); this command takes networks of fully "
        "connected layers (--sizes) only, so far",
        dir, network_str(*layers)));
  auto [set, cost] = saved_setting(dir, data, model);
  check_fits(std::get<nn::Mlp>(saved), set, "the network in " + dir);
  return {std::move(std::get<nn::Mlp>(saved)), std::move(set), cost};
}

Problem new_problem(const DataOptions& data, const ModelOptions& model) {
  DataOptions d = data;
  d.seed = model.seed_or_default();
  DataSet set = load_data_set(d);
  nn::Mlp net = build_network(model, set);
  const nn::Cost cost = build_cost(model, set);
  return {std::move(net), std::move(set), cost};
}

AnyProblem chosen_any_problem(const NetworkChoice& c) {
  if (!c.checkpoint.empty()) return load_any_problem(c.checkpoint, c.data, c.model);
  if (!c.model.layers) return new_problem(c.data, c.model);
  DataOptions d = c.data;
  d.seed = c.model.seed_or_default();
  DataSet set = load_data_set(d);
  nn::Network net = build_layers_network(c.model, set);
  const nn::Cost cost = build_cost(c.model, set);
  return LayersProblem{std::move(net), std::move(set), cost};
}

void add_network_options(CLI::App& app, NetworkChoice& choice, const std::string& verb,
                         const std::string& data_default) {
  app.add_option("--checkpoint", choice.checkpoint,
                 fmt::format("{} the network saved in DIR (default: a new one)", verb))
      ->type_name("DIR")
      ->check(existing_directory());
  add_data_options(app, choice.data, data_default);
  add_model_options(app, choice.model);
}

Problem chosen_problem(const NetworkChoice& c) {
  return c.checkpoint.empty() ? new_problem(c.data, c.model) : load_problem(c.checkpoint, c.data, c.model);
}

void add_checkpoint_option(CLI::App& app, std::string& checkpoint) {
  app.add_option("--checkpoint", checkpoint, "the checkpoint directory (from tapegrad train --save)")
      ->required()
      ->type_name("DIR")
      ->check(existing_directory());
}

}  // namespace tg::cli
