// The command-line options that train, verify and eval share, registered with CLI11.
//
// An option left out is std::nullopt, and then the data set's suggestion (cli/dataset.hpp) or
// a checkpoint's value is used; every value is checked as it is parsed, so that a wrong one is
// a one-line error naming the option: "--lr: expected a number > 0, got '-1'".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/dataset.hpp"
#include "cli/model.hpp"  // ModelOptions, build_network, build_cost
#include "nn/cost.hpp"
#include "nn/init.hpp"
#include "nn/mlp.hpp"

namespace tg::cli {

// The whole of s as a number / a whole number ≥ 0, or nullopt ("12x", "", "-3" for a count).
std::optional<double> parse_number(const std::string& s);
std::optional<std::uint64_t> parse_count(const std::string& s);

// Validators for numbers, with messages a student understands (CLI11's own would print the
// range as 0 to 1.8e308, and it would take -3 for a size_t).
const CLI::Validator& positive_number();                  // a finite number > 0
const CLI::Validator& non_negative_number();              // a finite number ≥ 0
const CLI::Validator& count();                            // 0, 1, 2, ... (digits only)
const CLI::Validator& positive_count();                   // 1, 2, ...
CLI::Validator one_of(std::vector<std::string> choices);  // one of these words
const CLI::Validator& existing_directory();
// Refuses "", which would otherwise pass for the option left out: "expected <description>, got ''".
CLI::Validator non_empty(const char* description);

// --sizes "784,100,10": at least two whole numbers >= 1, no empty field ("2,,2");
// std::invalid_argument otherwise.
std::vector<std::size_t> parse_sizes(const std::string& s);

// One spelling for each concept in every command (tests/cli/test_option_names.cpp checks it):
//   --batch-size N      how many examples form a batch (train's steps; the batch that verify and
//                       report check and graph draws)
//   -o, --out FILE      the file a command writes (graph, report)
//   --output NAME       the output layer's activation (never a file)
//   --worked-example    the 2-2-1 worked example of seed 002 (graph, explain)
// An old spelling still works for one release: hidden from --help, it says on stderr which
// name to use instead.
struct Spelling {
  const char* name;      // "--batch-size"
  const char* old_name;  // "--batch", or nullptr
};
inline constexpr Spelling batch_size_spelling{"--batch-size", "--batch"};
inline constexpr Spelling worked_example_spelling{"--worked-example", "--seed002"};

// Records "tapegrad: --batch is the old spelling of --batch-size; it still works in this release,
// not in the next" in old_spelling_notes(), which parse_command_line hands over for stderr.
void note_old_spelling(const char* old_name, const char* name);
std::vector<std::string>& old_spelling_notes();

// The old spelling `old_name` of the option `name`, for one release: a hidden option that checks
// its value with `check` (when given), does what `set` does with it and notes the new name.
template <class T>
CLI::Option* add_old_spelling(CLI::App& app, const char* old_name, const char* name,
                              std::function<void(const T&)> set, const CLI::Validator* check = nullptr) {
  return app
      .add_option_function<std::string>(
          old_name,
          [set, old_name, name, check](const std::string& text) {
            std::string value = text;
            if (check)
              if (const std::string error = (*check)(value); !error.empty())
                throw CLI::ValidationError(old_name, error);
            T parsed{};
            if (!CLI::detail::lexical_cast(value, parsed)) throw CLI::ConversionError(old_name, {value});
            note_old_spelling(old_name, name);
            set(parsed);
          },
          "")
      ->group("");  // not in --help
}

// --batch-size N (or its old spelling, when the command had one): `set` receives N, checked by
// `check` (count() or positive_count()).
void add_batch_size_option(CLI::App& app, std::function<void(std::size_t)> set, const std::string& help,
                           const CLI::Validator& check, bool old_spelling);

// --data, --train-size, --test-size (and --seed, shared with the network's). by_default: what
// --help says is used without --data (default: the default data set's name).
void add_data_options(CLI::App& app, DataOptions& data, const std::string& by_default = "");

void add_model_options(CLI::App& app, ModelOptions& model);
// --layers DESCRIPTION and --model NAME (cli/layer_description.hpp): a network of layers instead
// of an Mlp; each excludes the other and the Mlp's --sizes and --output (exit code 2).
void add_layers_options(CLI::App& app, ModelOptions& model);
// Only --cost, --reduction, --l2, --l2-form: for commands that load the network from a checkpoint.
void add_cost_options(CLI::App& app, ModelOptions& model);

// (parse_reduction / parse_l2_form take "mean"|"sum" and "nielsen"|"total"; to_string gives them back.)
nn::Reduction parse_reduction(const std::string& s);
nn::Regularization parse_l2_form(const std::string& s);
std::string reduction_name(nn::Reduction r);
std::string l2_form_name(nn::Regularization r);

}  // namespace tg::cli
