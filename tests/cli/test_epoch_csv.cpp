// The per-epoch CSV (cli/epoch_csv.cpp): rows written and read back, regression rows without
// accuracies, diverged losses, each epoch's η and files of older runs without it, and a
// malformed file named with its line.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "cli/epoch_csv.hpp"
#include "cli/files.hpp"
#include "support/temp_dir.hpp"

using tg::cli::EpochRow;
using tg::cli::EpochTable;
using tg::cli::parse_epoch_csv;

namespace {

std::string csv(const std::string& rows) { return std::string(tg::cli::epoch_csv_header) + "\n" + rows; }
// A file of an older run, without the learning_rate column.
std::string legacy_csv(const std::string& rows) {
  return std::string(tg::cli::legacy_epoch_csv_header) + "\n" + rows;
}

}  // namespace

TEST_CASE("a row written by epoch_csv_line reads back with the same figures") {
  const EpochRow r{3, 0.123456789, 0.875, 0.2345678901, 0.8125, 1.5, 12345.6, 0.1 * 0.5 * 0.5};
  const std::string line = tg::cli::epoch_csv_line(r, true);
  CHECK(line == "3,0.123456789,0.875000,0.23456789,0.812500,1.5000,12345.6,0.025");
  const EpochTable t = parse_epoch_csv(csv(line + "\n"), "e.csv");
  REQUIRE(t.rows.size() == 1);
  CHECK(t.has_accuracy);
  CHECK(t.rows[0].epoch == 3);
  CHECK(t.rows[0].train_loss == 0.123456789);
  CHECK(t.rows[0].train_accuracy == 0.875);
  CHECK(t.rows[0].test_loss == 0.23456789);
  CHECK(t.rows[0].test_accuracy == 0.8125);
  CHECK(t.rows[0].seconds == 1.5);
  CHECK(t.rows[0].examples_per_second == 12345.6);
  CHECK(t.rows[0].learning_rate == 0.1 * 0.5 * 0.5);  // the shortest digits that give the same double

  // Regression: the accuracies are empty, and the table says it has none.
  const std::string sine = tg::cli::epoch_csv_line(r, false);
  CHECK(sine == "3,0.123456789,,0.23456789,,1.5000,12345.6,0.025");
  const EpochTable s = parse_epoch_csv(csv(sine + "\n" + sine + "\n"), "sine.csv");
  CHECK(s.rows.size() == 2);
  CHECK_FALSE(s.has_accuracy);
}

TEST_CASE("a diverged run's nan and inf losses are read as such, and CRLF line ends are accepted") {
  const EpochTable t =
      parse_epoch_csv(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\r\n2,nan,0.1,inf,0.1,0.1,10.0,0.5\r\n"), "d.csv");
  REQUIRE(t.rows.size() == 2);
  CHECK(std::isnan(t.rows[1].train_loss));
  CHECK(std::isinf(t.rows[1].test_loss));
  CHECK(parse_epoch_csv(csv(""), "header-only.csv").rows.empty());
}

TEST_CASE("a malformed CSV is an error naming the file and the line") {
  const auto fails = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK_THROWS_WITH_AS(parse_epoch_csv(text, "runs/e.csv"), message.c_str(), std::runtime_error);
  };
  fails(
      "",
      "runs/e.csv: empty, expected the header 'epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,"
      "examples_per_second,learning_rate'");
  fails("epoch,loss\n1,2\n",
        "runs/e.csv:1: expected the header 'epoch,train_loss,train_accuracy,test_loss,"
        "test_accuracy,seconds,examples_per_second,learning_rate', got 'epoch,loss'");
  fails(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n2,0.4,0.9\n"), "runs/e.csv:3: expected 8 fields, got 3");
  fails(csv("1,0.5,0.9,0.6,0.8,0.1,10.0\n"), "runs/e.csv:2: expected 8 fields, got 7");
  fails(legacy_csv("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n"), "runs/e.csv:2: expected 7 fields, got 8");
  fails(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,fast\n"),
        "runs/e.csv:2: learning_rate: expected a number, got 'fast'");
  fails(csv("1,0.5x,0.9,0.6,0.8,0.1,10.0,0.5\n"), "runs/e.csv:2: train_loss: expected a number, got '0.5x'");
  fails(csv("1,0.5,0.9,,0.8,0.1,10.0,0.5\n"), "runs/e.csv:2: test_loss: expected a number, got ''");
  fails(csv("0,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n"), "runs/e.csv:2: epoch: expected a whole number ≥ 1, got '0'");
  fails(csv("1.5,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n"),
        "runs/e.csv:2: epoch: expected a whole number ≥ 1, got '1.5'");
  fails(csv("1,0.5,,0.6,0.8,0.1,10.0,0.5\n"),
        "runs/e.csv:2: train_accuracy and test_accuracy: one is empty, the other not");
  fails(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n2,0.5,,0.6,,0.1,10.0,0.5\n"),
        "runs/e.csv: some rows have accuracies, others not");
}

TEST_CASE(
    "an η that no step can have (nan, inf, 0 or negative) is an error naming the file, line and field") {
  for (const char* eta : {"nan", "-nan", "inf", "-inf", "0", "-0", "-0.1", "1e999"}) {
    INFO(eta);
    const std::string text =
        csv(fmt::format("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n2,0.4,0.9,0.5,0.8,0.1,10.0,{}\n", eta));
    const std::string message =
        fmt::format("runs/e.csv:3: learning_rate: expected a finite number > 0 (the epoch's η), got '{}'",
                    eta);
    CHECK_THROWS_WITH_AS(parse_epoch_csv(text, "runs/e.csv"), message.c_str(), std::runtime_error);
  }
  // the smallest positive double is an η (a schedule's last before it underflows)
  CHECK(parse_epoch_csv(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,5e-324\n"), "e.csv").rows[0].learning_rate ==
        std::numeric_limits<double>::denorm_min());
}

TEST_CASE("a file of an older run, without the η column, still reads, and an empty η is one not recorded") {
  const EpochTable old =
      parse_epoch_csv(legacy_csv("1,0.5,0.9,0.6,0.8,0.1,10.0\n2,0.4,0.95,0.5,0.9,0.1,10.0\n"), "old.csv");
  REQUIRE(old.rows.size() == 2);
  CHECK(old.has_accuracy);
  CHECK(old.rows[1].test_accuracy == 0.9);
  CHECK_FALSE(old.rows[0].learning_rate.has_value());
  CHECK_FALSE(old.rows[1].learning_rate.has_value());
  // A run resumed into an older file keeps its rows with an empty η, then writes its own.
  const EpochTable mixed =
      parse_epoch_csv(csv("1,0.5,0.9,0.6,0.8,0.1,10.0,\n2,0.4,0.95,0.5,0.9,0.1,10.0,0.25\n"), "mixed.csv");
  REQUIRE(mixed.rows.size() == 2);
  CHECK_FALSE(mixed.rows[0].learning_rate.has_value());
  CHECK(mixed.rows[1].learning_rate == 0.25);
  // A row without η is written with the field empty, and reads back so.
  const EpochRow no_eta{4, 0.5, 0.9, 0.6, 0.8, 0.1, 10.0, std::nullopt};
  CHECK(tg::cli::epoch_csv_line(no_eta, true) == "4,0.5,0.900000,0.6,0.800000,0.1000,10.0,");
}

TEST_CASE("read_epoch_csv reads a file, and names one it cannot read") {
  tg::test::TempDir dir("epoch-csv");
  tg::cli::write_file_atomically(dir / "e.csv",
                                 csv("1,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n2,0.4,0.95,0.5,0.9,0.1,10.0,0.5\n"));
  CHECK(tg::cli::read_epoch_csv(dir / "e.csv").rows.size() == 2);
  CHECK_THROWS_WITH_AS(tg::cli::read_epoch_csv(dir / "missing.csv"),
                       doctest::Contains(fmt::format("cannot read '{}'", dir / "missing.csv").c_str()),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(tg::cli::read_epoch_csv(dir.path), doctest::Contains("it is a directory"),
                       std::runtime_error);
}

TEST_CASE("read_epoch_csv refuses a FIFO and a device by name instead of blocking or reading forever") {
  tg::test::TempDir dir("epoch-csv");
  REQUIRE(::mkfifo((dir / "fifo.csv").c_str(), 0600) == 0);  // no writer: a plain open would block forever
  CHECK_THROWS_WITH_AS(tg::cli::read_epoch_csv(dir / "fifo.csv"),
                       doctest::Contains("it is a FIFO (named pipe), not a regular file"),
                       std::runtime_error);
  std::filesystem::create_symlink("/dev/zero", dir / "zero.csv");  // endless zeros
  CHECK_THROWS_WITH_AS(
      tg::cli::read_epoch_csv(dir / "zero.csv"),
      doctest::Contains(fmt::format("cannot read '{}': it is a character device", dir / "zero.csv").c_str()),
      std::runtime_error);
}

TEST_CASE("an epoch number beyond what a count holds is a malformed row, not a conversion out of range") {
  CHECK_THROWS_WITH_AS(parse_epoch_csv(csv("1e30,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n"), "e.csv"),
                       doctest::Contains("e.csv:2: epoch: expected a whole number ≥ 1, got '1e30'"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_epoch_csv(csv("18446744073709551616,0.5,0.9,0.6,0.8,0.1,10.0,0.5\n"), "e.csv"),
                       doctest::Contains("epoch: expected a whole number"), std::runtime_error);
}
