#include "cli/epoch_csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "nn/input_file.hpp"

namespace tg::cli {

const char* const epoch_csv_header =
    "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second,learning_rate";
const char* const legacy_epoch_csv_header =
    "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second";

std::string epoch_csv_line(const EpochRow& r, bool classification) {
  const auto acc = [&](double a) { return classification ? fmt::format("{:.6f}", a) : std::string(); };
  // η in the fewest digits that read back as the same double: 0.1, 0.025, 6.25e-05
  const std::string eta = r.learning_rate ? fmt::format("{}", *r.learning_rate) : std::string();
  return fmt::format("{},{:.9g},{},{:.9g},{},{:.4f},{:.1f},{}", r.epoch, r.train_loss, acc(r.train_accuracy),
                     r.test_loss, acc(r.test_accuracy), r.seconds, r.examples_per_second, eta);
}

namespace {

// Reads the rows of one file, naming it and the line in every error: "epochs.csv:3: ...".
struct RowReader {
  const std::string& file;
  std::size_t line_number = 0;
  std::size_t fields = 8;  // 7 in an older run's file

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(fmt::format("{}:{}: {}", file, line_number, what));
  }

  // The whole field as a number: digits, a sign, an exponent, or nan / inf (a diverged run).
  double number(const std::string& field, const char* column) const {
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(field.c_str(), &end);
    if (field.empty() || end != field.c_str() + field.size())
      fail(fmt::format("{}: expected a number, got '{}'", column, field));
    return x;
  }

  // η of an epoch: a step's factor, so finite and > 0 (as the optimizer requires of it).
  double learning_rate(const std::string& field) const {
    const double eta = number(field, "learning_rate");
    if (!(eta > 0.0) || !std::isfinite(eta))
      fail(fmt::format("learning_rate: expected a finite number > 0 (the epoch's η), got '{}'", field));
    return eta;
  }

  // One non-empty line after the header.
  EpochRow row(const std::string& line, bool& with_accuracy) const {
    std::vector<std::string> f;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, ',');) f.push_back(field);
    if (line.back() == ',') f.emplace_back();
    if (f.size() != fields) fail(fmt::format("expected {} fields, got {}", fields, f.size()));
    EpochRow r;
    const double epoch = number(f[0], "epoch");
    // (below 2^64 before the cast: converting a larger double to size_t is undefined)
    if (!(epoch >= 1) || !(epoch < 0x1p64) || epoch != static_cast<double>(static_cast<std::size_t>(epoch)))
      fail(fmt::format("epoch: expected a whole number ≥ 1, got '{}'", f[0]));
    r.epoch = static_cast<std::size_t>(epoch);
    r.train_loss = number(f[1], "train_loss");
    r.test_loss = number(f[3], "test_loss");
    if (f[2].empty() != f[4].empty()) fail("train_accuracy and test_accuracy: one is empty, the other not");
    with_accuracy = !f[2].empty();
    if (with_accuracy) {
      r.train_accuracy = number(f[2], "train_accuracy");
      r.test_accuracy = number(f[4], "test_accuracy");
    }
    r.seconds = number(f[5], "seconds");
    r.examples_per_second = number(f[6], "examples_per_second");
    if (fields == 8 && !f[7].empty()) r.learning_rate = learning_rate(f[7]);  // empty: not recorded
    return r;
  }
};

}  // namespace

EpochTable parse_epoch_csv(std::string_view text, const std::string& file) {
  EpochTable table;
  RowReader reader{file};
  std::size_t accuracy_rows = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++reader.line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (reader.line_number == 1) {
      if (line == legacy_epoch_csv_header) reader.fields = 7;
      else if (line != epoch_csv_header)
        reader.fail(fmt::format("expected the header '{}', got '{}'", epoch_csv_header, line));
      continue;
    }
    if (line.empty()) continue;
    bool with_accuracy = false;
    table.rows.push_back(reader.row(line, with_accuracy));
    accuracy_rows += with_accuracy ? 1 : 0;
  }
  if (reader.line_number == 0)
    throw std::runtime_error(fmt::format("{}: empty, expected the header '{}'", file, epoch_csv_header));
  if (accuracy_rows != 0 && accuracy_rows != table.rows.size())
    throw std::runtime_error(fmt::format("{}: some rows have accuracies, others not", file));
  table.has_accuracy = accuracy_rows > 0;
  return table;
}

EpochTable read_epoch_csv(const std::filesystem::path& file) {
  std::string text;
  try {
    text = nn::read_regular_file(file, max_epoch_csv_bytes);
  } catch (
      const nn::input_file_error& e) {  // a FIFO would block, /dev/zero never end: refused before reading
    throw std::runtime_error(fmt::format("cannot read '{}': {}", file.string(), e.what()));
  }
  return parse_epoch_csv(text, file.string());
}

}  // namespace tg::cli
