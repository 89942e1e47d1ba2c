#include "cli/explain_command.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "cli/small_network.hpp"
#include "nn/explain.hpp"

namespace tg::cli {

namespace {

constexpr std::size_t widest_layer = 8;

std::string column_str(const Tensor& t, int digits) {
  std::vector<std::string> parts;
  for (const double v : t) parts.push_back(fmt::format("{:.{}g}", v, digits));
  return fmt::format("({})", fmt::join(parts, ", "));
}

}  // namespace

void add_explain_options(CLI::App& app, ExplainCommand& c) {
  add_network_options(app, c, "explain", "xor, or the checkpoint's");
  app.add_option("--example", c.example, "which training example, from 0 (default 0)")
      ->check(count())
      ->type_name("K");
  add_worked_example_flag(app, c.worked_example);
  app.add_option("--digits", c.digits, "significant digits of the numbers (default 4)")
      ->check(CLI::Range(1, 17).description(""))
      ->type_name("N");
  app.add_flag("--force", c.force,
               fmt::format("explain layers wider than {} neurons too (long lines)", widest_layer));
}

int run_explain(const ExplainCommand& c, std::FILE* out) {
  std::string title;
  std::optional<Problem> p;
  Tensor x, y;
  if (c.worked_example) {
    WorkedExample w = worked_example(c.model);
    p.emplace(std::move(w.problem));
    x = w.x;
    y = w.y;
    title = "seed 002's network";
  } else {
    p.emplace(small_problem(c));
    const std::size_t m = p->data.train.size();
    if (c.example >= m)
      throw std::out_of_range(fmt::format("--example {} is out of range: {} has {} training examples (0..{})",
                                          c.example, p->data.name, m, m - 1));
    nn::data::Examples example = p->data.train.range(c.example, c.example + 1);
    x = std::move(example.X);
    y = std::move(example.Y);
    title = fmt::format("{} on training example {} of {}",
                        c.checkpoint.empty() ? "a new network" : c.checkpoint, c.example, p->data.name);
  }
  const nn::Mlp& net = p->net;
  const std::vector<std::size_t>& sizes = net.sizes();
  const auto widest = std::max_element(sizes.begin(), sizes.end());
  if (*widest > widest_layer && !c.force)
    throw std::invalid_argument(fmt::format(
        "the network {} has a layer of {} neurons (layer {}); explain writes out every neuron's equations and takes "
        "at most {} a layer: choose smaller --sizes, or add --force",
        sizes_str(sizes), *widest, widest - sizes.begin() + 1, widest_layer));

  nn::ExplainOptions options;
  options.digits = c.digits;
  options.max_width = 0;  // checked above
  const nn::Explanation e = nn::explain(net, p->cost, x, y, options);
  fmt::print(out, "tapegrad explain: {}, {} {} hidden, {} output, {}\n", title, sizes_str(sizes),
             to_string(net.hidden()), to_string(net.output()), nn::describe(p->cost));
  fmt::print(out, "  x = a^1 = {}, y = {}\n\n", column_str(x, c.digits), column_str(y, c.digits));
  fmt::print(out, "{}", nn::format_explanation(e, c.digits));
  return 0;
}

}  // namespace tg::cli
