#include "cli/problem.hpp"

#include <fmt/format.h>

namespace tg::cli {

std::optional<std::uint64_t> recorded_count(const nn::CheckpointExtra& extra, const std::string& key,
                                            const std::string& dir) {
  const auto it = extra.find(key);
  if (it == extra.end()) return std::nullopt;
  const std::optional<std::uint64_t> value = parse_count(it->second);
  if (!value)
    throw nn::checkpoint_error(fmt::format("checkpoint {}: its note \"{}\" is \"{}\", expected a whole number", dir, key, it->second));
  return value;
}

Problem load_problem(const std::string& dir, const DataOptions& data, const ModelOptions& model) {
  nn::Mlp net = nn::load_checkpoint(dir);
  const nn::CheckpointExtra extra = nn::load_checkpoint_extra(dir);
  const auto recorded = [&extra](const char* key) {
    const auto it = extra.find(key);
    return it == extra.end() ? std::string() : it->second;
  };
  DataOptions d = data;
  if (d.name.empty()) d.name = recorded("data");
  d.seed = model.seed ? *model.seed : recorded_count(extra, "seed", dir).value_or(1);
  DataSet set = load_data_set(d);
  check_fits(net, set, "the network in " + dir);
  ModelOptions m = model;
  if (!m.cost && !recorded("cost").empty()) m.cost = nn::parse_cost(recorded("cost"));
  nn::Cost cost = build_cost(m, set);
  return {std::move(net), std::move(set), cost};
}

Problem new_problem(const DataOptions& data, const ModelOptions& model) {
  DataOptions d = data;
  d.seed = model.seed_or_default();
  DataSet set = load_data_set(d);
  nn::Mlp net = build_network(model, set);
  const nn::Cost cost = build_cost(model, set);
  return {std::move(net), std::move(set), cost};
}

}  // namespace tg::cli
