// The training curves: the per-epoch CSV (cli/epoch_csv.hpp) drawn as an SVG figure of two
// panels, the loss per epoch and the accuracy per epoch, each for the training and the test
// set (one panel, the loss, when the CSV has no accuracies). `tapegrad train --csv FILE.csv`
// writes it as FILE.svg while it trains (at most once a second) and at the end;
// `tapegrad report` puts it in its page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/epoch_csv.hpp"
#include "nn/lr_schedule.hpp"
#include "nn/mlp.hpp"

namespace tg::cli {

// The figure as a standalone SVG; title: the run's settings.
std::string curves_svg(const EpochTable& table, const std::string& title);

// A run's settings in one line, for titles: "moons · [2,16,2] tanh hidden, softmax output ·
// log_likelihood (mean) · sgd η=0.5, batch 10, seed 1", with a schedule "adam η=0.001 ×0.5
// every 3 epochs, batch 32, seed 1". network: cli/any_network.hpp's network_str.
std::string run_title(const std::string& data, const std::string& network, const std::string& cost,
                      const std::string& optimizer, double learning_rate, std::size_t batch_size,
                      std::uint64_t seed, const std::optional<nn::StepDecay>& decay = std::nullopt);

// η₀ and its schedule: "0.5", "0.001 ×0.5 every 3 epochs".
std::string learning_rate_str(double eta0, const std::optional<nn::StepDecay>& decay);

// Where the curves of a CSV go: the same path with .svg for its extension (epochs.csv →
// epochs.svg; a CSV that is itself named .svg gets .svg appended).
std::filesystem::path curves_svg_path(const std::filesystem::path& csv);

}  // namespace tg::cli
