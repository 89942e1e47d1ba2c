#include "cli/training_curves.hpp"

#include <vector>

#include <fmt/format.h>

#include "cli/options.hpp"
#include "cli/svg_plot.hpp"

namespace tg::cli {

namespace {

constexpr const char* train_color = "#1f77b4";  // blue
constexpr const char* test_color = "#d62728";   // red, dashed

Series series(const EpochTable& table, std::string name, double EpochRow::*field, double factor, bool test) {
  Series s{std::move(name), {}, {}, test ? test_color : train_color, test};
  for (const EpochRow& r : table.rows) {
    s.x.push_back(static_cast<double>(r.epoch));
    s.y.push_back(r.*field * factor);
  }
  return s;
}

}  // namespace

std::string curves_svg(const EpochTable& table, const std::string& title) {
  Figure figure;
  figure.title = title;
  figure.panels.push_back({"Loss per epoch",
                           "epoch",
                           "cost C",
                           {series(table, "train loss", &EpochRow::train_loss, 1.0, false),
                            series(table, "test loss", &EpochRow::test_loss, 1.0, true)},
                           true});
  if (table.has_accuracy)
    figure.panels.push_back({"Accuracy per epoch",
                             "epoch",
                             "accuracy (%)",
                             {series(table, "train accuracy", &EpochRow::train_accuracy, 100.0, false),
                              series(table, "test accuracy", &EpochRow::test_accuracy, 100.0, true)},
                             true});
  return render_svg(figure);
}

std::string run_title(const std::string& data, const std::string& network, const std::string& cost,
                      const std::string& optimizer, double learning_rate, std::size_t batch_size,
                      std::uint64_t seed, const std::optional<nn::StepDecay>& decay) {
  return fmt::format("{} · {} · {} · {} η={}, batch {}, seed {}", data, network, cost, optimizer,
                     learning_rate_str(learning_rate, decay), batch_size, seed);
}

std::string learning_rate_str(double eta0, const std::optional<nn::StepDecay>& decay) {
  return decay ? fmt::format("{:g} {}", eta0, nn::describe(*decay)) : fmt::format("{:g}", eta0);
}

std::filesystem::path curves_svg_path(const std::filesystem::path& csv) {
  std::filesystem::path svg = csv;
  if (svg.extension() == ".svg") return svg += ".svg";
  return svg.replace_extension(".svg");
}

}  // namespace tg::cli
