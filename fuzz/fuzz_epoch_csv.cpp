// libFuzzer target for the per-epoch CSV reader (cli/epoch_csv.cpp, which `tapegrad report`
// and `train --resume` read): any bytes must either parse or throw std::runtime_error naming
// the file. Any other exception, a crash or undefined behaviour (an epoch of 1e30 converted to
// a count, say) is a bug; a parsed table holds epochs >= 1 and, when it says so, accuracies.
//
//   fuzz/run.sh [seconds] fuzz_epoch_csv     on a copy of fuzz/corpus/epoch_csv
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "cli/epoch_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const tg::cli::EpochTable table = tg::cli::parse_epoch_csv(text, "fuzz.csv");
    for (const tg::cli::EpochRow& row : table.rows)
      if (row.epoch < 1) std::abort();
    // what parses is written back by epoch_csv_line and reads again as the same table
    std::string again = std::string(tg::cli::epoch_csv_header) + "\n";
    for (const tg::cli::EpochRow& row : table.rows)
      again += tg::cli::epoch_csv_line(row, table.has_accuracy) + "\n";
    if (tg::cli::parse_epoch_csv(again, "again.csv").rows.size() != table.rows.size()) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
