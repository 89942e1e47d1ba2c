// The training curves (cli/training_curves.cpp): the CSV's four series in two panels, the loss
// alone for regression, the settings in the title, and where the SVG goes.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "cli/any_network.hpp"
#include "cli/epoch_csv.hpp"
#include "cli/training_curves.hpp"
#include "nn/mlp.hpp"

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t i = text.find(part); i != std::string::npos; i = text.find(part, i + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("curves_svg draws the loss and the accuracy, train and test, one path each through every epoch") {
  const std::string text =
      std::string(tg::cli::epoch_csv_header) +
      "\n1,0.5,0.80,0.6,0.75,0.1,10.0,0.5\n2,0.4,0.85,0.5,0.80,0.1,10.0,0.5\n3,0.3,0.90,0.45,0.82,0.1,10.0,0.25\n";
  const std::string svg = tg::cli::curves_svg(tg::cli::parse_epoch_csv(text, "e.csv"), "moons · [2,16,2]");
  CHECK(count(svg, "<path class=\"series\"") == 4);
  for (const char* name : {"train loss", "test loss", "train accuracy", "test accuracy"}) {
    INFO(name);
    CHECK(count(svg, fmt::format("data-series=\"{}\" data-points=\"3\"", name)) == 1);
  }
  CHECK(count(svg, "class=\"plot-box\"") == 2);
  CHECK(svg.find(">Loss per epoch</text>") != std::string::npos);
  CHECK(svg.find(">Accuracy per epoch</text>") != std::string::npos);
  CHECK(svg.find(">accuracy (%)</text>") != std::string::npos);
  CHECK(svg.find(">moons · [2,16,2]</text>") != std::string::npos);
  CHECK(svg.find(">90</text>") != std::string::npos);  // accuracies as percentages: a tick at 90 %

  // Regression (sine): no accuracies, one panel.
  const std::string sine =
      std::string(tg::cli::epoch_csv_header) + "\n1,0.5,,0.6,,0.1,10.0,0.5\n2,0.4,,0.5,,0.1,10.0,0.5\n";
  const std::string one = tg::cli::curves_svg(tg::cli::parse_epoch_csv(sine, "s.csv"), "sine");
  CHECK(count(one, "<path class=\"series\"") == 2);
  CHECK(count(one, "class=\"plot-box\"") == 1);
  CHECK(one.find("accuracy") == std::string::npos);
}

TEST_CASE("run_title puts a run's settings on one line") {
  const tg::nn::Mlp net({2, 16, 2}, tg::nn::Activation::tanh, tg::nn::Activation::softmax, 1);
  CHECK(tg::cli::run_title("moons", tg::cli::network_str(net), "log_likelihood (mean)", "sgd", 0.5, 10, 1) ==
        "moons · [2,16,2] tanh hidden, softmax output · log_likelihood (mean) · sgd η=0.5, batch 10, seed 1");
  // With a schedule, η₀ and how it decays.
  CHECK(
      tg::cli::run_title("moons", tg::cli::network_str(net), "log_likelihood (mean)", "adam", 0.001, 32, 1,
                         tg::nn::StepDecay{0.5, 3}) ==
      "moons · [2,16,2] tanh hidden, softmax output · log_likelihood (mean) · adam η=0.001 ×0.5 every 3 epochs, "
      "batch 32, seed 1");
}

TEST_CASE("the curves go next to the CSV, with its stem and .svg") {
  CHECK(tg::cli::curves_svg_path("runs/epochs.csv") == "runs/epochs.svg");
  CHECK(tg::cli::curves_svg_path("epochs") == "epochs.svg");
  CHECK(tg::cli::curves_svg_path("a.b/run.1.csv") == "a.b/run.1.svg");
  CHECK(tg::cli::curves_svg_path("odd.svg") == "odd.svg.svg");  // never the CSV itself
}
