#include "cli/training_log.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "cli/files.hpp"
#include "cli/training_curves.hpp"
#include "nn/input_file.hpp"

namespace tg::cli {

namespace {

std::string percent(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

// 2 -> "2nd", 11 -> "11th", 21 -> "21st"
std::string ordinal(std::size_t n) {
  const std::size_t last = n % 10, tens = n / 10 % 10;
  const char* suffix = tens == 1 || last > 3 || last == 0 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : "rd";
  return fmt::format("{}{}", n, suffix);
}

}  // namespace

bool SideOutputs::attempt(const std::function<void()>& write) {
  try {
    write();
    return true;
  } catch (const std::exception& e) {
    if (failures_.insert(e.what()).second) {
      fmt::print(err_, "tapegrad train: {}; training goes on\n", e.what());
      std::fflush(err_);
    }
    return false;
  }
}

bool SideOutputs::write(const std::filesystem::path& file, std::string_view bytes) {
  return attempt([&] { write_file_atomically(file, bytes); });
}

bool SideOutputs::write(InPlaceStream& stream, std::string_view bytes) {
  return attempt([&] { stream.write(bytes); });
}

std::vector<std::string> earlier_rows(const std::string& csv, std::size_t first_epoch) {
  std::vector<std::string> rows;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(csv, ec)) return rows;
  std::string text;
  try {
    text = nn::read_regular_file(csv, max_epoch_csv_bytes);
  } catch (const nn::input_file_error& e) {
    throw std::runtime_error(fmt::format("--csv {}: cannot read its earlier epochs: {}", csv, e.what()));
  }
  std::istringstream in(text);
  std::string line;
  const auto next_line = [&] {  // without a CRLF file's \r
    const bool got = static_cast<bool>(std::getline(in, line));
    if (got && !line.empty() && line.back() == '\r') line.pop_back();
    return got;
  };
  if (!next_line()) return rows;
  const bool legacy = line == legacy_epoch_csv_header;  // an older run's: its rows get an empty η
  if (!legacy && line != epoch_csv_header) return rows;
  while (next_line()) {
    std::size_t epoch = 0;
    if (std::sscanf(line.c_str(), "%zu,", &epoch) == 1 && epoch < first_epoch)
      rows.push_back(legacy ? line + "," : line);
  }
  return rows;
}

// No curves beside a CSV written to a device or a FIFO (/dev/null has no "beside").
TrainingLog::TrainingLog(Settings settings)
    : s_(std::move(settings)),
      progress_(s_.out, s_.live, s_.last_epoch),
      side_(s_.err),
      curves_(!s_.csv.empty() && !is_written_in_place(s_.csv)),
      csv_lines_(std::move(s_.earlier_csv_rows)),
      epoch_start_(Clock::now()),
      last_step_(epoch_start_) {
  // Opened once, before training: a FIFO needs its reader (an error now, not a wait)
  if (!s_.csv.empty() && is_written_in_place(s_.csv)) {
    csv_stream_.emplace(s_.csv);
    if (!side_.write(*csv_stream_, std::string(epoch_csv_header) + "\n")) csv_stream_.reset();
  }
}

void TrainingLog::on_step(const nn::StepReport& s) {
  if (s.step == 0) {  // the epoch begins: time its steps only, not the evaluations around them
    epoch_start_ = last_step_ = Clock::now();
    return;
  }
  last_step_ = Clock::now();
  examples_ = s.examples;
  progress_.step(s, s.examples / std::chrono::duration<double>(last_step_ - epoch_start_).count());
}

void TrainingLog::on_epoch(const nn::EpochReport& e, const nn::Evaluation& test) {
  EpochRow r;
  r.epoch = e.epoch;
  r.train_loss = e.loss;
  r.train_accuracy = e.accuracy;
  r.test_loss = test.cost;
  r.test_accuracy = test.accuracy;
  r.seconds = std::chrono::duration<double>(last_step_ - epoch_start_).count();
  r.examples_per_second = r.seconds > 0 ? examples_ / r.seconds : 0.0;
  r.learning_rate = e.learning_rate;
  rows_.push_back(r);
  if (!s_.csv.empty()) write_csv(r);
  if (s_.live) print_epoch(r);
}

// The CSV, whole, after every epoch; the curves beside it, drawn from its text (so a resumed
// run's earlier rows too), at most once a second, so that thousands of short epochs are not
// slowed down (and once more at the end).
void TrainingLog::write_csv(const EpochRow& r) {
  csv_lines_.push_back(epoch_csv_line(r, s_.classification));
  std::string text = std::string(epoch_csv_header) + "\n";
  for (const std::string& line : csv_lines_) text += line + "\n";
  const bool written =
      csv_stream_ ? side_.write(*csv_stream_, csv_lines_.back() + "\n") : side_.write(s_.csv, text);
  if (written) csv_epochs_ = r.epoch;
  csv_text_ = std::move(text);
  if (Clock::now() - last_curves_ >= std::chrono::seconds(1)) write_curves();
}

void TrainingLog::write_curves() {
  if (curves_) side_.write(curves_svg_path(s_.csv), curves_svg(parse_epoch_csv(csv_text_, s_.csv), s_.title));
  last_curves_ = Clock::now();
}

void TrainingLog::print_epoch(const EpochRow& r) {
  progress_.clear();
  if (s_.classification)
    fmt::print(s_.out,
               "epoch {}/{}  train loss {:.4f} accuracy {}  test loss {:.4f} accuracy {}  {} examples/s\n",
               r.epoch, s_.last_epoch, r.train_loss, percent(r.train_accuracy), r.test_loss,
               percent(r.test_accuracy), with_commas(r.examples_per_second));
  else
    fmt::print(s_.out, "epoch {}/{}  train loss {:.6f}  test loss {:.6f}  {} examples/s\n", r.epoch,
               s_.last_epoch, r.train_loss, r.test_loss, with_commas(r.examples_per_second));
  std::fflush(s_.out);
}

void TrainingLog::finish() {
  progress_.clear();
  if (!csv_text_.empty()) write_curves();
  if (!s_.live) print_table();
}

// Not a terminal: the epochs as one table at the end, at most about 20 rows of it.
void TrainingLog::print_table() const {
  fmt::print(s_.out, "{:>6} {:>12} {:>10} {:>12} {:>10} {:>9} {:>12}\n", "epoch", "train loss", "train acc",
             "test loss", "test acc", "seconds", "examples/s");
  const std::size_t every = (rows_.size() + 19) / 20;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if ((i + 1) % every != 0 && i + 1 != rows_.size()) continue;
    const EpochRow& r = rows_[i];
    fmt::print(s_.out, "{:>6} {:>12.6g} {:>10} {:>12.6g} {:>10} {:>9.3f} {:>12}\n", r.epoch, r.train_loss,
               s_.classification ? percent(r.train_accuracy) : "-", r.test_loss,
               s_.classification ? percent(r.test_accuracy) : "-", r.seconds,
               with_commas(r.examples_per_second));
  }
  if (every > 1)
    fmt::print(s_.out, "(every {} epoch shown{})\n", ordinal(every),
               s_.csv.empty() ? "; --csv FILE keeps them all" : "");
}

void TrainingLog::print_result(const nn::TrainResult& result) const {
  if (rows_.empty()) throw std::logic_error("train: no epoch ran");  // train() runs at least one
  const EpochRow& last = rows_.back();
  if (result.reason != nn::StopReason::epochs_done)
    fmt::print(s_.out, "stopped after {} steps: {}\n", result.iterations, nn::to_string(result.reason));
  if (s_.classification)
    fmt::print(s_.out, "after epoch {}: test accuracy {}, test loss {:.6f}\n", last.epoch,
               percent(last.test_accuracy), last.test_loss);
  else fmt::print(s_.out, "after epoch {}: test loss {:.6f}\n", last.epoch, last.test_loss);
  if (curves_)
    fmt::print(s_.out, "per-epoch figures: {} (curves: {})\n", s_.csv, curves_svg_path(s_.csv).string());
  else if (!s_.csv.empty()) fmt::print(s_.out, "per-epoch figures: {}\n", s_.csv);
}

}  // namespace tg::cli
