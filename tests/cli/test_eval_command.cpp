// `tapegrad eval` (cli/eval_command.cpp): accuracy and the confusion matrix of a checkpoint.
#include <doctest/doctest.h>

#include <stdexcept>

#include "cli/eval_command.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::run_tapegrad;
using tg::test::TempDir;

TEST_CASE("the confusion matrix counts true class against prediction") {
  // truth:     0 0 1 1 1 2
  // predicted: 0 1 1 1 2 2
  const auto m = tg::cli::confusion_matrix({0, 1, 1, 1, 2, 2}, {0, 0, 1, 1, 1, 2}, 3);
  CHECK(m == std::vector<std::vector<std::size_t>>{{1, 1, 0}, {0, 2, 1}, {0, 0, 1}});
  const std::string table = tg::cli::format_confusion(m, {"cat", "dog", "eel"});
  CHECK(contains(table, "dog 1"));
  CHECK(contains(table, "50.0%"));  // recall of cat: 1 of 2
  CHECK(contains(table, "66.7%"));  // recall of dog: 2 of 3; precision of dog: 2 of 3
  CHECK(contains(table, "precision"));
  CHECK_THROWS_WITH_AS(tg::cli::confusion_matrix({0, 3}, {0, 1}, 3),
                       doctest::Contains("prediction 3 for 3 classes"), std::invalid_argument);
  CHECK_THROWS_AS(tg::cli::confusion_matrix({0}, {0, 1}, 3), std::invalid_argument);
}

TEST_CASE("eval reports a checkpoint's accuracy and confusion matrix on its data set's test set") {
  TempDir dir("eval");
  const auto train = run_tapegrad({"train", "--data", "spirals", "--epochs", "40", "--optimizer", "adam",
                                   "--lr", "0.01", "--save", dir / "c"});
  REQUIRE(train.code == 0);
  const auto r = run_tapegrad({"eval", "--checkpoint", dir / "c"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "on the 300 test examples of spirals"));
  CHECK(contains(r.out, "arm 2 2"));
  // The accuracy is the one training reported for its last epoch.
  const std::size_t at = train.out.find("test accuracy ");
  REQUIRE(at != std::string::npos);
  CHECK(contains(r.out, "accuracy: " + train.out.substr(at + 14, train.out.find('%', at) - at - 14) + "%"));

  const auto other = run_tapegrad({"eval", "--checkpoint", dir / "c", "--data", "sine"});
  CHECK(other.code == 1);
  CHECK(contains(other.err, "does not fit data set 'sine'"));
}
