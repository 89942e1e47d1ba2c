// The per-epoch CSV that `tapegrad train --csv FILE` writes and `tapegrad report` reads:
//
//   epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second,learning_rate
//   1,0.202028,0.910000,0.188116,0.928000,0.0014,721048.0,0.5
//
// one row per epoch; the accuracies are empty for regression (sine); a diverged loss is nan
// or inf; learning_rate is the η the epoch's steps used (a schedule changes it), a finite
// number > 0 (nan, inf, 0 or a negative η is refused, naming the line). Files of
// older runs, without the learning_rate column (legacy_epoch_csv_header), still read; a row
// kept from one when a run resumes into it has that field empty.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg::cli {

// One epoch's figures: a row of the CSV.
struct EpochRow {
  std::size_t epoch = 0;
  double train_loss = 0, train_accuracy = 0, test_loss = 0, test_accuracy = 0;  // accuracies in [0, 1]
  double seconds = 0;  // the epoch's optimizer steps only (not the evaluation)
  double examples_per_second = 0;
  std::optional<double> learning_rate;  // η of the epoch; none in a file of an older run
};

struct EpochTable {
  std::vector<EpochRow> rows;
  bool has_accuracy = false;  // false when the accuracy columns are empty (regression)
};

extern const char* const epoch_csv_header;
extern const char* const legacy_epoch_csv_header;  // the same without learning_rate

// A row as a line (without its newline); the accuracies left empty unless `classification`.
std::string epoch_csv_line(const EpochRow& row, bool classification);

// The table in a CSV's text; `file` names it in errors, which give the line:
// "epochs.csv:3: expected 8 fields, got 5". Throws std::runtime_error.
EpochTable parse_epoch_csv(std::string_view text, const std::string& file);

// The largest CSV read: 256 MB, some three million epochs.
inline constexpr std::size_t max_epoch_csv_bytes = std::size_t{256} << 20;

// The same, read from a file (a missing or unreadable one throws, naming it; so does anything
// but a regular file, e.g. a FIFO or a device, and a file larger than max_epoch_csv_bytes).
EpochTable read_epoch_csv(const std::filesystem::path& file);

}  // namespace tg::cli
