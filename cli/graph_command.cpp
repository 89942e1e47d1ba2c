#include "cli/graph_command.hpp"

#include <algorithm>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "cli/any_network.hpp"
#include "cli/files.hpp"
#include "cli/graphviz_render.hpp"
#include "cli/small_network.hpp"
#include "nn/loss_graph.hpp"

namespace tg::cli {

void add_graph_options(CLI::App& app, GraphCommand& c) {
  add_network_options(app, c, "draw", "xor, or the checkpoint's");
  add_layers_options(app, c.model);
  add_batch_size_option(
      app, [&c](std::size_t n) { c.batch = n; },
      "how many training examples the cost is taken over (default 1)", positive_count(), true);
  add_worked_example_flag(app, c.worked_example);
  app.add_flag("--values", c.values, "show each node's value and gradient (δ^l on z^l)");
  app.add_option("--digits", c.digits, "significant digits of the values (default 4)")
      ->check(CLI::Range(1, 17).description(""))
      ->type_name("N");
  app.add_option(
         "-o,--out", c.output,
         "write to FILE: .dot or .gv (DOT), .svg or .png (drawn by Graphviz's dot); default: DOT on stdout")
      ->type_name("FILE")
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            if (graph_format_of(s)) return {};
            return fmt::format("expected a file name ending in .dot, .gv, .svg or .png, got '{}'", s);
          },
          ""));
}

namespace {

// The DOT of the network's cost on its batch, with the command's options.
template <class Net>
std::string dot_of(const GraphCommand& c, const Net& net, const nn::Cost& cost,
                   const nn::data::Examples& batch) {
  nn::LossGraphOptions options;
  options.values = c.values;
  options.precision = c.digits;
  return nn::loss_graph_dot(net, cost, batch.X, batch.Y, options);
}

// "the first 3 training examples of xor"
std::string batch_str(std::size_t m, const std::string& data) {
  return fmt::format("the first {} training example{} of {}", m, m == 1 ? "" : "s", data);
}

}  // namespace

int run_graph(const GraphCommand& c, std::FILE* out) {
  if (!c.output.empty()) check_writable(c.output);  // before dot runs
  std::string dot, what;                            // the graph, and one line about it
  if (c.worked_example) {
    WorkedExample worked = worked_example(c.model);
    dot = dot_of(c, worked.problem.net, worked.problem.cost, {worked.x, worked.y});
    what = fmt::format("{}, {} on seed 002's example", network_str(worked.problem.net),
                       nn::describe(worked.problem.cost));
  } else {
    const AnyProblem chosen = small_any_problem(c);
    std::visit(
        [&](const auto& p) {
          const std::size_t m = std::min(c.batch, p.data.train.size());
          dot = dot_of(c, p.net, p.cost, first_columns(p.data.train, m));
          what = fmt::format("{}, {} on {}", network_str(p.net), nn::describe(p.cost),
                             batch_str(m, p.data.name));
        },
        chosen);
  }
  if (c.output.empty()) {
    fmt::print(out, "{}", dot);
    return 0;
  }
  const GraphFormat format = *graph_format_of(c.output);  // checked when parsed
  write_file_atomically(c.output, render_dot(dot, format));
  fmt::print(out, "tapegrad graph: the cost of {}, written to {} ({})\n", what, c.output, to_string(format));
  return 0;
}

}  // namespace tg::cli
