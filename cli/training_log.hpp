// What `tapegrad train` shows and writes while it trains: on a terminal a live progress line
// and one line per epoch, elsewhere one table at the end; with --csv the per-epoch CSV
// (rewritten after every epoch; a device or a FIFO gets the header, then each row as its epoch
// ends) and its curves beside it.
//
//   TrainingLog log(settings);
//   nn::train(..., [&](auto& e) { log.on_epoch(e, test set's evaluation); },
//             [&](auto& s) { log.on_step(s); });
//   log.finish();
//   log.print_result(result);     (unless it diverged)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/epoch_csv.hpp"
#include "cli/files.hpp"  // InPlaceStream
#include "cli/progress.hpp"
#include "nn/metrics.hpp"
#include "nn/train.hpp"

namespace tg::cli {

// The files written while training (--csv, its .svg). Once training runs, a failed write is
// reported on err (once per message) and training goes on, so that the weights are still saved.
class SideOutputs {
 public:
  explicit SideOutputs(std::FILE* err) : err_(err) {}
  // Whether the write succeeded.
  bool write(const std::filesystem::path& file, std::string_view bytes);
  bool write(InPlaceStream& stream, std::string_view bytes);
  bool failed() const { return !failures_.empty(); }

 private:
  std::FILE* err_;
  std::set<std::string> failures_;
  bool attempt(const std::function<void()>& write);
};

class TrainingLog {
 public:
  struct Settings {
    std::FILE* out;
    std::FILE* err;
    bool live;               // a terminal: progress and a line per epoch, no table at the end
    std::size_t last_epoch;  // for "epoch 3/10"
    bool classification;     // accuracies shown (else "-", or left out)
    std::string csv;         // --csv FILE, or empty
    std::vector<std::string> earlier_csv_rows;  // a resumed run's rows from before it (see earlier_rows)
    std::string title;                          // the curves' title: the run's settings
  };
  explicit TrainingLog(Settings settings);

  // The epoch begins (step 0, which starts its clock), or a step of it ended.
  void on_step(const nn::StepReport& s);
  // The epoch ended: the training set's figures in e, the test set's in test.
  void on_epoch(const nn::EpochReport& e, const nn::Evaluation& test);
  // After training: the progress line erased, the curves drawn last, the table printed.
  void finish();
  // After a run that did not diverge: why it stopped, the last epoch's test figures, where
  // the per-epoch figures are.
  void print_result(const nn::TrainResult& result) const;

  const std::vector<EpochRow>& rows() const { return rows_; }
  // Whether the curves are drawn beside the CSV (not for one written to a device or a FIFO).
  bool curves() const { return curves_; }
  bool write_failed() const { return side_.failed(); }
  // The last epoch whose row reached the CSV (0: none in this run).
  std::size_t csv_epochs() const { return csv_epochs_; }

 private:
  using Clock = std::chrono::steady_clock;
  void write_csv(const EpochRow& r);
  void write_curves();
  void print_epoch(const EpochRow& r);
  void print_table() const;

  Settings s_;
  Progress progress_;
  SideOutputs side_;
  bool curves_;
  std::vector<std::string> csv_lines_;
  std::string csv_text_;                     // what the CSV holds now, drawn as the curves
  std::optional<InPlaceStream> csv_stream_;  // a device or FIFO: the header, then a row an epoch
  std::size_t csv_epochs_ = 0;
  std::vector<EpochRow> rows_;
  Clock::time_point epoch_start_, last_step_, last_curves_{};
  std::size_t examples_ = 0;  // in the epoch so far
};

// The rows of an earlier run's CSV for epochs before `first_epoch` (kept when a run resumes
// into the same file, so that the file holds the whole history). Only a regular file is read
// (never a FIFO, which would block), and only up to the CSV's limit.
std::vector<std::string> earlier_rows(const std::string& csv, std::size_t first_epoch);

}  // namespace tg::cli
