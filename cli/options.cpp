#include "cli/options.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/layer_description.hpp"

namespace tg::cli {

namespace {

// Parses the whole of s as a T, or nothing.
template <class T>
std::optional<T> parse_all(const std::string& s) {
  T value{};
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return value;
}

CLI::Validator number_validator(const char* description, bool allow_zero) {
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        const std::optional<double> v = parse_number(s);
        if (v && std::isfinite(*v) && (*v > 0.0 || (allow_zero && *v == 0.0))) return {};
        return fmt::format("expected {}, got '{}'", description, s);
      },
      "");  // no description: the option's type_name says it
}

CLI::Validator count_validator(const char* description, bool allow_zero) {
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        const std::optional<std::uint64_t> v = parse_count(s);
        if (v && (*v > 0 || allow_zero)) return {};
        return fmt::format("expected {}, got '{}'", description, s);
      },
      "");
}

// An option whose value goes through a parse_* function (nn's or ours, which throw
// std::invalid_argument listing the names they know): the error becomes CLI11's, one line.
// Target is T or std::optional<T>.
template <class T, class Target>
CLI::Option* add_choice(CLI::App& app, const std::string& flag, Target& target,
                        T (*parse)(const std::string&), const std::string& help) {
  return app.add_option_function<std::string>(
      flag,
      [&target, parse, flag](const std::string& s) {
        try {
          target = parse(s);
        } catch (const std::invalid_argument& e) {
          throw CLI::ValidationError(flag, e.what());
        }
      },
      help);
}

// --hidden: softmax normalises over the whole layer, an output's job (nn::Mlp refuses it as a hidden one).
nn::Activation parse_hidden_activation(const std::string& s) {
  const nn::Activation a = nn::parse_activation(s);
  if (!nn::row(a).hidden)
    throw std::invalid_argument(fmt::format("{} is an output activation, not a hidden one (expected {})", s,
                                            nn::or_list(nn::activation_names(true))));
  return a;
}

// "quadratic, cross_entropy (on sigmoid or softmax outputs only) or ...": the costs' table.
// "lenet: conv:20x5x5:relu,...": the named models for --help.
std::vector<std::string> named_models_help() {
  std::vector<std::string> lines;
  for (const auto& [name, description] : named_models()) lines.push_back(name + " = " + description);
  return lines;
}

std::string cost_choices() {
  std::vector<std::string> choices;
  for (const nn::CostRow& r : nn::cost_table())
    choices.push_back(
        r.pairings.empty() ? r.name : fmt::format("{} (on {} outputs only)", r.name, nn::paired_outputs(r)));
  return nn::or_list(choices);
}

}  // namespace

std::vector<std::size_t> parse_sizes(const std::string& s) {
  std::vector<std::size_t> sizes;
  for (std::size_t start = 0;;) {  // each field, "" included: "2,,2" has an empty one
    const std::size_t comma = std::min(s.find(',', start), s.size());
    const std::optional<std::uint64_t> n = parse_count(s.substr(start, comma - start));
    if (!n || *n == 0)
      throw std::invalid_argument(
          fmt::format("expected whole numbers >= 1 separated by commas, got '{}'", s));
    sizes.push_back(*n);
    if (comma == s.size()) break;
    start = comma + 1;
  }
  if (sizes.size() < 2)
    throw std::invalid_argument(
        fmt::format("expected at least two sizes (input and output layers), got '{}'", s));
  return sizes;
}

nn::Reduction parse_reduction(const std::string& s) {
  if (s == "mean") return nn::Reduction::mean;
  if (s == "sum") return nn::Reduction::sum;
  throw std::invalid_argument(fmt::format("unknown reduction '{}': expected mean or sum", s));
}

nn::Regularization parse_l2_form(const std::string& s) {
  if (s == "nielsen") return nn::Regularization::l2;
  if (s == "total") return nn::Regularization::l2_total;
  throw std::invalid_argument(
      fmt::format("unknown L2 form '{}': expected nielsen (λ/(2n) Σ‖W‖²) or total (λ/2 Σ‖W‖²)", s));
}

std::string reduction_name(nn::Reduction r) { return r == nn::Reduction::mean ? "mean" : "sum"; }
std::string l2_form_name(nn::Regularization r) {
  return r == nn::Regularization::l2_total ? "total" : "nielsen";
}

std::optional<double> parse_number(const std::string& s) { return parse_all<double>(s); }
std::optional<std::uint64_t> parse_count(const std::string& s) { return parse_all<std::uint64_t>(s); }

const CLI::Validator& positive_number() {
  static const CLI::Validator v = number_validator("a number > 0", false);
  return v;
}
const CLI::Validator& non_negative_number() {
  static const CLI::Validator v = number_validator("a number >= 0", true);
  return v;
}
const CLI::Validator& count() {
  static const CLI::Validator v = count_validator("a whole number >= 0", true);
  return v;
}
const CLI::Validator& positive_count() {
  static const CLI::Validator v = count_validator("a whole number >= 1", false);
  return v;
}

CLI::Validator one_of(std::vector<std::string> choices) {
  return CLI::Validator(
      [choices](std::string& s) -> std::string {
        if (std::find(choices.begin(), choices.end(), s) != choices.end()) return {};
        return fmt::format("expected {}, got '{}'", fmt::join(choices, ", "), s);
      },
      "");
}

CLI::Validator non_empty(const char* description) {
  return CLI::Validator(
      [description](std::string& s) -> std::string {
        return s.empty() ? fmt::format("expected {}, got ''", description) : std::string{};
      },
      "");
}

const CLI::Validator& existing_directory() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        std::error_code ec;
        if (std::filesystem::is_directory(s, ec)) return {};
        return fmt::format("no directory '{}'", s);
      },
      "");
  return v;
}

std::vector<std::string>& old_spelling_notes() {
  static std::vector<std::string> notes;  // the parse of one command line at a time
  return notes;
}

void note_old_spelling(const char* old_name, const char* name) {
  old_spelling_notes().push_back(
      fmt::format("tapegrad: {} is the old spelling of {}; it still works in this release, not in the next",
                  old_name, name));
}

void add_batch_size_option(CLI::App& app, std::function<void(std::size_t)> set, const std::string& help,
                           const CLI::Validator& check, bool old_spelling) {
  app.add_option_function<std::size_t>(batch_size_spelling.name, set, help)->check(check)->type_name("N");
  if (old_spelling)
    add_old_spelling<std::size_t>(app, batch_size_spelling.old_name, batch_size_spelling.name, set, &check);
}

void add_data_options(CLI::App& app, DataOptions& data, const std::string& by_default) {
  app.add_option("--data", data.name,
                 fmt::format("data set: {} or an MNIST-format directory (default: {})",
                             fmt::join(data_set_names(), ", "),
                             by_default.empty() ? default_data_name() : by_default))
      ->check(non_empty("a data set name or a directory"))
      ->type_name("NAME|DIR");
  app.add_option(
         "--train-size", data.train_size,
         "training examples: image sets keep the first N, synthetic sets make N (0: all / the default)")
      ->check(count())
      ->type_name("N");
  app.add_option("--test-size", data.test_size, "test examples, likewise")->check(count())->type_name("N");
}

void add_cost_options(CLI::App& app, ModelOptions& m) {
  add_choice(app, "--cost", m.cost, &nn::parse_cost,
             fmt::format("cost: {}; default: the data set's", cost_choices()))
      ->type_name("NAME");
  add_choice(app, "--reduction", m.reduction, &parse_reduction,
             "mean (1/m Σ over the batch, default) or sum (seed 003)")
      ->type_name("mean|sum");
  app.add_option("--l2", m.l2, "L2 regularisation strength λ (default 0: none)")
      ->check(non_negative_number())
      ->type_name("X");
  add_choice(app, "--l2-form", m.l2_form, &parse_l2_form,
             "nielsen: λ/(2n) Σ‖W‖² (default), total: λ/2 Σ‖W‖² (seed 004)")
      ->type_name("nielsen|total");
}

void add_layers_options(CLI::App& app, ModelOptions& m) {
  // Each excludes the other and the Mlp's --sizes and --output; checked here rather than with
  // CLI11's excludes(), whose --help lists them in no fixed order.
  const auto alone = [&app](const char* option) {
    for (const char* other : {"--layers", "--model", "--sizes", "--output"})
      if (other != std::string(option) && app.get_option_no_throw(other) && app.count(other) > 0)
        throw CLI::ValidationError(option, fmt::format("leave out {}: {} describes the whole network", other,
                                                       option));
  };
  app.add_option_function<std::string>(
         "--layers",
         [&m, alone](const std::string& s) {
           alone("--layers");
           try {
             parse_layers(s);  // the grammar now (exit code 2); the sizes against the data later
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError("--layers", e.what());
           }
           m.layers = s;
           m.layers_option = "--layers";
         },
         "a network of layers, e.g. conv:20x5x5,pool:2,fc:100,softmax:10 (docs/reference.md: the grammar)")
      ->type_name("L,L,...");
  std::vector<std::string> names;
  for (const auto& [name, description] : named_models()) names.push_back(name);
  app.add_option_function<std::string>(
         "--model",
         [&m, alone](const std::string& s) {
           alone("--model");
           try {
             m.layers = named_model(s);
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError("--model", e.what());
           }
           m.layers_option = "--model " + s;
         },
         fmt::format("a named network of layers: {}", fmt::join(named_models_help(), "; ")))
      ->type_name(fmt::format("{}", fmt::join(names, "|")));
}

void add_model_options(CLI::App& app, ModelOptions& m) {
  add_choice(app, "--sizes", m.sizes, &parse_sizes,
             "layer sizes N^1,...,N^L, e.g. 784,100,10 (default: the data set's)")
      ->type_name("N,N,...");
  add_choice(app, "--hidden", m.hidden, &parse_hidden_activation,
             fmt::format("hidden activation: {}", fmt::join(nn::activation_names(true), ", ")))
      ->type_name("NAME");
  add_choice(app, "--output", m.output, &nn::parse_activation,
             fmt::format("output activation: {}", fmt::join(nn::activation_names(), ", ")))
      ->type_name("NAME");
  add_choice(
      app, "--init", m.init, &nn::parse_init,
      "weights: normal N(0,1), scaled_normal N(0,1/n_in), xavier, he (default: he for relu, else scaled_normal)")
      ->type_name("NAME");
  add_cost_options(app, m);
  app.add_option("--seed", m.seed, "seed of the weights and of the synthetic data (default 1)")
      ->check(count())
      ->type_name("N");
}

}  // namespace tg::cli
