#include "cli/explain_command.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "cli/small_network.hpp"
#include "cli/any_network.hpp"
#include "nn/explain.hpp"
#include "nn/network_explain.hpp"

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
  add_layers_options(app, c.model);
  app.add_option("--example", c.example, "which training example, from 0 (default 0)")
      ->check(count())
      ->type_name("K");
  CLI::Option* worked = add_worked_example_flag(app, c.worked_example);
  CLI::Option* conv =
      app.add_flag("--conv-example", c.conv_example,
                   "docs/conv.md's worked example: one 5×5 image, one 2×2 kernel with ReLU, max "
                   "pooling 2×2 and a softmax layer of 2, y = (1, 0), log-likelihood");
  conv->excludes(worked);
  for (const char* other : {"--checkpoint", "--data", "--train-size", "--test-size", "--sizes", "--hidden",
                            "--output", "--init", "--example", "--layers", "--model"})
    if (CLI::Option* o = app.get_option_no_throw(other)) conv->excludes(o);
  app.add_option("--digits", c.digits, "significant digits of the numbers (default 4)")
      ->check(CLI::Range(1, 17).description(""))
      ->type_name("N");
  app.add_flag("--force", c.force,
               fmt::format("explain layers wider than {} neurons (or maps) too (long lines)", widest_layer));
  app.add_option("--map", c.map,
                 "networks of layers: only feature map F (from 0) of each conv and pooling layer")
      ->check(count())
      ->type_name("F");
  app.add_option("--at", c.at,
                 "networks of layers: the input position of the BP2-conv rows (default the middle)")
      ->delimiter(',')
      ->expected(2)
      ->check(count())
      ->type_name("Y,X");
}

namespace {

// An Mlp's explanation: BP1–BP4 neuron by neuron (nn/explain.hpp).
void explain_mlp(const ExplainCommand& c, const std::string& title, const nn::Mlp& net, const nn::Cost& cost,
                 const Tensor& x, const Tensor& y, std::FILE* out) {
  if (c.map || !c.at.empty())
    throw std::invalid_argument(fmt::format("{} is for networks of layers; {} is fully connected",
                                            c.map ? "--map" : "--at", sizes_str(net.sizes())));
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
  const nn::Explanation e = nn::explain(net, cost, x, y, options);
  fmt::print(out, "tapegrad explain: {}, {} {} hidden, {} output, {}\n", title, sizes_str(sizes),
             to_string(net.hidden()), to_string(net.output()), nn::describe(cost));
  fmt::print(out, "  x = a^1 = {}, y = {}\n\n", column_str(x, c.digits), column_str(y, c.digits));
  fmt::print(out, "{}", nn::format_explanation(e, c.digits));
}

// x, an image (C, H, W) row by row: one block per channel.
std::string image_str(const Tensor& x, const Shape& image, int digits) {
  std::string s;
  for (std::size_t ch = 0; ch < image[0]; ++ch) {
    s +=
        fmt::format("  x = a^1[{},y,x], y = 0..{} down, x = 0..{} across:\n", ch, image[1] - 1, image[2] - 1);
    for (std::size_t y = 0; y < image[1]; ++y) {
      s += "   ";
      for (std::size_t x0 = 0; x0 < image[2]; ++x0)
        s += fmt::format(" {:>{}}", fmt::format("{:.{}g}", x((ch * image[1] + y) * image[2] + x0, 0), digits),
                         digits + 3);
      s += "\n";
    }
  }
  return s;
}

// A network of layers: nn/network_explain.hpp.
void explain_layers(const ExplainCommand& c, const std::string& title, const nn::Network& net,
                    const nn::Cost& cost, const Tensor& x, const Tensor& y, std::FILE* out) {
  nn::NetworkExplainOptions options;
  options.digits = c.digits;
  options.max_width = c.force ? 0 : widest_layer;
  options.map = c.map;
  if (!c.at.empty()) options.at = std::array<std::size_t, 2>{c.at[0], c.at[1]};
  nn::Explanation e;
  try {
    e = nn::explain(net, cost, x, y, options);
  } catch (const std::invalid_argument& error) {  // the program's prefix already says "explain"
    std::string what = error.what();
    if (what.rfind("explain: ", 0) == 0) what = what.substr(9);
    if (what.find("too many equations") != std::string::npos) what += ": choose --map F, or add --force";
    throw std::invalid_argument(what);
  }
  fmt::print(out, "tapegrad explain: {}, {}, {}\n", title, network_str(net), nn::describe(cost));
  if (net.input_shape().size() == 3) fmt::print(out, "{}", image_str(x, net.input_shape(), c.digits));
  else fmt::print(out, "  x = a^1 = {}\n", column_str(x, c.digits));
  fmt::print(out, "  y = {}\n\n", column_str(y, c.digits));
  fmt::print(out, "{}", nn::format_explanation(e, c.digits));
}

}  // namespace

int run_explain(const ExplainCommand& c, std::FILE* out) {
  if (c.worked_example) {
    const WorkedExample w = worked_example(c.model);
    explain_mlp(c, "seed 002's network", w.problem.net, w.problem.cost, w.x, w.y, out);
    return 0;
  }
  if (c.conv_example) {
    const WorkedConvExample w = worked_conv_example(c.model);
    explain_layers(c, "the conv worked example", w.net, w.cost, w.x, w.y, out);
    return 0;
  }
  NetworkChoice choice = c;
  if (choice.checkpoint.empty() && choice.data.name.empty()) choice.data.name = "xor";
  const AnyProblem p = chosen_any_problem(choice);
  std::visit(
      [&](const auto& s) {
        const std::size_t m = s.data.train.size();
        if (c.example >= m)
          throw std::out_of_range(
              fmt::format("--example {} is out of range: {} has {} training examples (0..{})", c.example,
                          s.data.name, m, m - 1));
        const nn::data::Examples example = s.data.train.range(c.example, c.example + 1);
        const std::string title =
            fmt::format("{} on training example {} of {}",
                        c.checkpoint.empty() ? "a new network" : c.checkpoint, c.example, s.data.name);
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Problem>)
          explain_mlp(c, title, s.net, s.cost, example.X, example.Y, out);
        else explain_layers(c, title, s.net, s.cost, example.X, example.Y, out);
      },
      p);
  return 0;
}

}  // namespace tg::cli
