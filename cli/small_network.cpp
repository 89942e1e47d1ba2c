#include "cli/small_network.hpp"

#include <vector>

#include <fmt/format.h>

namespace tg::cli {

Problem small_problem(const NetworkChoice& choice) {
  NetworkChoice c = choice;
  if (c.checkpoint.empty() && c.data.name.empty()) c.data.name = "xor";
  return chosen_problem(c);
}

WorkedExample worked_example(const ModelOptions& options) {
  std::vector<nn::Linear> layers;
  layers.emplace_back(Tensor{{0.15, 0.20}, {0.25, 0.30}},
                      column({0.35, 0.35}));                  // W^2, b^2 (the seed's W^[1], b^[1])
  layers.emplace_back(Tensor{{0.40, 0.45}}, column({0.60}));  // W^3, b^3 (W^[2], b^[2])
  ModelOptions model = options;
  if (!model.cost) model.cost = nn::CostKind::cross_entropy;
  DataOptions xor_set;
  xor_set.name = "xor";
  DataSet set = load_data_set(xor_set);  // seed 002's task: the cost's defaults
  nn::Cost cost = build_cost(model, set);
  return {Problem{nn::Mlp(std::move(layers), nn::Activation::sigmoid, nn::Activation::sigmoid),
                  std::move(set), cost},
          column({0.05, 0.10}), column({1.0})};
}

CLI::Option* add_worked_example_flag(CLI::App& app, bool& flag) {
  const Spelling& s = worked_example_spelling;
  CLI::Option* current = app.add_flag(
      s.name, flag,
      "the 2-2-1 worked example of seed 002: a sigmoid network with W^2 = [[.15,.20],[.25,.30]], "
      "b^2 = .35, W^3 = [.40,.45], b^3 = .60 on one example x = (.05, .10), y = 1, cross-entropy");
  std::vector<const CLI::Option*> others;
  for (const char* other :
       {"--checkpoint", "--data", "--train-size", "--test-size", "--sizes", "--hidden", "--output", "--init",
        "--example", batch_size_spelling.name, batch_size_spelling.old_name})
    if (CLI::Option* o = app.get_option_no_throw(other)) current->excludes(o), others.push_back(o);
  // The old spelling, hidden: CLI11 names no hidden option in an error, so it checks the others itself.
  app.add_flag_callback(
         s.old_name,
         [&flag, s, others] {
           for (const CLI::Option* o : others)
             if (o->count() > 0) throw CLI::ExcludesError(o->get_name(), s.old_name);
           note_old_spelling(s.old_name, s.name);
           flag = true;
         },
         "")
      ->group("");  // not in --help
  return current;
}

}  // namespace tg::cli
