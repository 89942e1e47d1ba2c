#include "cli/graph_command.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "cli/files.hpp"
#include "cli/graphviz_render.hpp"
#include "nn/loss_graph.hpp"

namespace tg::cli {

Problem small_problem(const std::string& checkpoint, const DataOptions& data, const ModelOptions& model) {
  if (!checkpoint.empty()) return load_problem(checkpoint, data, model);
  DataOptions d = data;
  if (d.name.empty()) d.name = "xor";
  return new_problem(d, model);
}

WorkedExample seed002_example(const ModelOptions& options) {
  std::vector<nn::Linear> layers;
  layers.emplace_back(Tensor{{0.15, 0.20}, {0.25, 0.30}}, column({0.35, 0.35}));  // W^2, b^2 (the seed's W^[1], b^[1])
  layers.emplace_back(Tensor{{0.40, 0.45}}, column({0.60}));                      // W^3, b^3 (W^[2], b^[2])
  ModelOptions model = options;
  if (!model.cost) model.cost = nn::CostKind::cross_entropy;
  DataOptions xor_set;
  xor_set.name = "xor";
  DataSet set = load_data_set(xor_set);  // seed 002's task: the cost's defaults
  nn::Cost cost = build_cost(model, set);
  return {Problem{nn::Mlp(std::move(layers), nn::Activation::sigmoid, nn::Activation::sigmoid), std::move(set), cost},
          column({0.05, 0.10}), column({1.0})};
}

CLI::Option* add_seed002_flag(CLI::App& app, bool& flag) {
  CLI::Option* seed002 = app.add_flag("--seed002", flag,
                                      "seed 002's 2-2-1 network (W^2 = [[.15,.20],[.25,.30]], b^2 = .35, W^3 = [.40,.45], "
                                      "b^3 = .60) on its example x = (.05, .10), y = 1, cross-entropy");
  for (const char* other : {"--checkpoint", "--data", "--train-size", "--test-size", "--sizes", "--hidden", "--output",
                            "--init", "--example", "--batch"})
    if (CLI::Option* o = app.get_option_no_throw(other)) seed002->excludes(o);
  return seed002;
}

void add_graph_options(CLI::App& app, GraphCommand& c) {
  app.add_option("--checkpoint", c.checkpoint, "draw the network saved in DIR (default: a new one)")
      ->type_name("DIR")
      ->check(existing_directory());
  add_data_options(app, c.data);
  app.get_option("--data")->description(
      fmt::format("data set: {} or an MNIST-format directory (default: xor, or the checkpoint's)",
                  fmt::join(data_set_names(), ", ")));
  add_model_options(app, c.model);
  app.add_option("--batch", c.batch, "how many training examples the cost is taken over (default 1)")
      ->check(positive_count())->type_name("N");
  add_seed002_flag(app, c.seed002);
  app.add_flag("--values", c.values, "show each node's value and gradient (δ^l on z^l)");
  app.add_option("--digits", c.digits, "significant digits of the values (default 4)")
      ->check(CLI::Range(1, 17).description(""))->type_name("N");
  app.add_option("-o,--out", c.output, "write to FILE: .dot or .gv (DOT), .svg or .png (drawn by Graphviz's dot); default: DOT on stdout")
      ->type_name("FILE")
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            if (graph_format_of(s)) return {};
            return fmt::format("expected a file name ending in .dot, .gv, .svg or .png, got '{}'", s);
          },
          ""));
}

int run_graph(const GraphCommand& c, std::FILE* out) {
  const std::optional<WorkedExample> seed002 = c.seed002 ? std::optional(seed002_example(c.model)) : std::nullopt;
  const Problem p = seed002 ? seed002->problem : small_problem(c.checkpoint, c.data, c.model);
  const std::size_t m = seed002 ? 1 : std::min(c.batch, p.data.train.size());
  const nn::data::Examples batch = seed002 ? nn::data::Examples{seed002->x, seed002->y} : first_columns(p.data.train, m);
  nn::LossGraphOptions options;
  options.values = c.values;
  options.precision = c.digits;
  const std::string dot = nn::loss_graph_dot(p.net, p.cost, batch.X, batch.Y, options);
  if (c.output.empty()) {
    fmt::print(out, "{}", dot);
    return 0;
  }
  const GraphFormat format = *graph_format_of(c.output);  // checked when parsed
  write_file_atomically(c.output, render_dot(dot, format));
  fmt::print(out, "tapegrad graph: the cost of {} {} hidden, {} output, {} on {}, written to {} ({})\n",
             sizes_str(p.net.sizes()), to_string(p.net.hidden()), to_string(p.net.output()), nn::describe(p.cost),
             seed002 ? "seed 002's example"
                     : fmt::format("the first {} training example{} of {}", m, m == 1 ? "" : "s", p.data.name),
             c.output, to_string(format));
  return 0;
}

}  // namespace tg::cli
