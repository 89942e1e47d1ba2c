#include "cli/verify_command.hpp"

#include <filesystem>
#include <stdexcept>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/any_network.hpp"
#include "cli/network_memory.hpp"
#include "cli/problem.hpp"
#include "cli/files.hpp"
#include "nn/compare.hpp"
#include "nn/npy.hpp"
#include "nn/posix_file.hpp"
#include "nn/train.hpp"

namespace tg::cli {

namespace {

nlohmann::ordered_json file_entry(const std::string& file, const Tensor& t) {
  return {{"file", file}, {"shape", std::vector<std::size_t>(t.shape().begin(), t.shape().end())}};
}

}  // namespace

void write_dump(const std::string& dir, const nn::Mlp& net, const nn::Cost& cost, const Tensor& X,
                const Tensor& Y) {
  namespace fs = std::filesystem;
  if (const std::string problem = nn::make_directory(dir); !problem.empty())
    throw std::runtime_error(fmt::format("--dump: {}", problem));
  const auto put = [&](const std::string& file, const Tensor& t) {
    write_file_atomically(fs::path(dir) / file, nn::encode_npy(t));
    return file_entry(file, t);
  };
  // In net.parameters() order: ∂C/∂W^2, ∂C/∂b^2, ..., ∂C/∂b^L.
  const std::vector<Tensor> by_backprop = nn::gradients(net, X, Y, cost, nn::GradientSource::backprop);
  const std::vector<Tensor> by_autodiff = nn::gradients(net, X, Y, cost, nn::GradientSource::autodiff);

  nlohmann::ordered_json index;
  index["format"] = "tapegrad-verify-dump";
  index["version"] = 1;
  index["notation"] = "Nielsen: z^l = W^l a^(l-1) + b^l, a^l = act(z^l), one column per example";
  index["sizes"] = net.sizes();
  index["hidden_activation"] = to_string(net.hidden());
  index["output_activation"] = to_string(net.output());
  index["cost"] = {{"kind", to_string(cost.kind)},
                   {"reduction", reduction_name(cost.reduction)},
                   {"regularization", cost.regularization == nn::Regularization::none ? "none"
                                      : cost.regularization == nn::Regularization::l2
                                          ? "l2: lambda/(2n) sum W^2"
                                          : "l2_total: lambda/2 sum W^2"},
                   {"lambda", cost.lambda},
                   {"n", cost.training_set_size == 0 ? X.shape()[1] : cost.training_set_size},
                   {"value", nn::evaluate_cost(net, X, Y, cost)},
                   {"description", nn::describe(cost)}};
  index["X"] = put("X.npy", X);
  index["Y"] = put("Y.npy", Y);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    const std::size_t i = 2 * (l - 2);  // ∂C/∂W^l at i, ∂C/∂b^l at i + 1
    layers.push_back({{"layer", l},
                      {"W", put(fmt::format("W{}.npy", l), net.layer(l).W.value())},
                      {"b", put(fmt::format("b{}.npy", l), net.layer(l).b.value())},
                      {"dW_backprop", put(fmt::format("dW{}.backprop.npy", l), by_backprop[i])},
                      {"dW_autodiff", put(fmt::format("dW{}.autodiff.npy", l), by_autodiff[i])},
                      {"db_backprop", put(fmt::format("db{}.backprop.npy", l), by_backprop[i + 1])},
                      {"db_autodiff", put(fmt::format("db{}.autodiff.npy", l), by_autodiff[i + 1])}});
  }
  index["layers"] = layers;
  write_file_atomically(fs::path(dir) / "index.json", index.dump(2) + "\n");
}

void add_verify_options(CLI::App& app, VerifyCommand& c) {
  add_network_options(app, c, "verify", default_data_name() + ", or the checkpoint's");
  add_layers_options(app, c.model);
  add_batch_size_option(
      app, [&c](std::size_t n) { c.batch = n; }, "how many training examples form the batch (default 10)",
      positive_count(), true);
  app.add_flag("--numeric", c.numeric,
               "also compare with central finite differences (2 forward passes per weight)");
  app.add_option("--eps", c.eps, "finite differences' step (default 1e-6)")
      ->check(positive_number())
      ->type_name("X");
  app.add_option("--tolerance", c.tolerance,
                 "largest relative difference allowed, BP1–BP4 vs autodiff (default 1e-10)")
      ->check(positive_number())
      ->type_name("X");
  app.add_option("--numeric-tolerance", c.numeric_tolerance,
                 "largest relative difference allowed vs finite differences (default 1e-6)")
      ->check(positive_number())
      ->type_name("X");
  app.add_option("--dump", c.dump, "write the batch, the weights and both gradients as .npy files in DIR")
      ->check(non_empty("a directory name"))
      ->type_name("DIR");
}

namespace {

void dump(const VerifyCommand& c, const Problem& s, const Tensor& X, const Tensor& Y, std::FILE* out) {
  write_dump(c.dump, s.net, s.cost, X, Y);
  fmt::print(out, "dumped the batch, the weights and both gradients in {} (see {}/index.json)\n", c.dump,
             c.dump);
}
void dump(const VerifyCommand& c, const LayersProblem&, const Tensor&, const Tensor&, std::FILE*) {
  throw std::invalid_argument(fmt::format(
      "--dump {}: writes the weights of networks of fully connected layers only, so far", c.dump));
}

template <class AProblem>
int verify(const VerifyCommand& c, const AProblem& s, std::FILE* out) {
  const std::size_t m = std::min(c.batch, s.data.train.size());
  require_gradient_check_memory(s.net, m, 0);  // refused before anything is printed
  const nn::data::Examples batch = first_columns(s.data.train, m);
  const Tensor& X = batch.X;
  const Tensor& Y = batch.Y;
  fmt::print(out, "tapegrad verify: {} {}, {} on the first {} training examples of {}\n",
             c.checkpoint.empty() ? "a new network" : c.checkpoint, network_str(s.net), nn::describe(s.cost),
             m, s.data.name);
  nn::CompareOptions options;
  options.numeric = c.numeric;
  options.eps = c.eps;
  const nn::CompareReport report = nn::compare(s.net, X, Y, s.cost, options);
  fmt::print(out, "{}", nn::format_report(report));
  if (!c.dump.empty()) dump(c, s, X, Y, out);

  // A NaN or infinite cost or gradient fails too (nn::failures).
  const std::vector<std::string> failed = nn::failures(report, {c.tolerance, c.numeric_tolerance});
  for (const std::string& why : failed) fmt::print(out, "FAIL: {}\n", why);
  const bool ok = failed.empty();
  if (ok)
    fmt::print(out, "OK: {} and autodiff agree to a relative {:.3g}{}\n", report.by_hand_str(),
               report.max_rel_autodiff(),
               c.numeric ? fmt::format(", and finite differences to {:.3g}", report.max_rel_numeric()) : "");
  return ok ? 0 : 1;
}

}  // namespace

int run_verify(const VerifyCommand& c, std::FILE* out) {
  return std::visit([&](const auto& s) { return verify(c, s, out); }, chosen_any_problem(c));
}

}  // namespace tg::cli
