#include "cli/graph_command.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "cli/files.hpp"
#include "cli/graphviz_render.hpp"
#include "cli/small_network.hpp"
#include "nn/loss_graph.hpp"

namespace tg::cli {

void add_graph_options(CLI::App& app, GraphCommand& c) {
  add_network_options(app, c, "draw", "xor, or the checkpoint's");
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

int run_graph(const GraphCommand& c, std::FILE* out) {
  if (!c.output.empty()) check_writable(c.output);  // before dot runs
  std::optional<WorkedExample> worked =
      c.worked_example ? std::optional(worked_example(c.model)) : std::nullopt;
  const Problem p = worked ? std::move(worked->problem) : small_problem(c);  // Mlp: moved, never copied
  const std::size_t m = worked ? 1 : std::min(c.batch, p.data.train.size());
  const nn::data::Examples batch =
      worked ? nn::data::Examples{worked->x, worked->y} : first_columns(p.data.train, m);
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
             sizes_str(p.net.sizes()), to_string(p.net.hidden()), to_string(p.net.output()),
             nn::describe(p.cost),
             worked ? "seed 002's example"
                    : fmt::format("the first {} training example{} of {}", m, m == 1 ? "" : "s", p.data.name),
             c.output, to_string(format));
  return 0;
}

}  // namespace tg::cli
