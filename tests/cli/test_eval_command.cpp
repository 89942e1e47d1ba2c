// `tapegrad eval` (cli/eval_command.cpp): accuracy and the confusion matrix of a checkpoint.
#include <doctest/doctest.h>

#include <stdexcept>

#include "cli/eval_command.hpp"
#include "cli/problem.hpp"
#include "nn/metrics.hpp"
#include "support/idx_files.hpp"
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

TEST_CASE("eval's confusion matrix, taken a chunk at a time, is the one of a single pass over the test set") {
  // 2,100 test images of 8×8: three evaluation chunks; an Mlp and a conv network.
  TempDir dir("eval-chunks");
  tg::test::write_image_set(dir.path, 8, 8, 20, 2100);
  for (const std::vector<std::string>& model :
       {std::vector<std::string>{"--sizes", "64,10"},
        std::vector<std::string>{"--layers", "conv:2x3x3,pool:2,softmax:10"}}) {
    CAPTURE(model[1]);
    std::vector<std::string> args{"train",  "--data",   dir.path.string(), "--epochs", "1",
                                  "--save", dir / "ck", "--progress",      "never"};
    args.insert(args.end(), model.begin(), model.end());
    REQUIRE(run_tapegrad(args).code == 0);
    const auto r = run_tapegrad({"eval", "--checkpoint", dir / "ck"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const std::string reference = std::visit(
        [](const auto& p) {  // class_labels of one forward pass over all 2,100 images
          const auto predicted = tg::nn::class_labels(tg::nn::predict(p.net, p.data.test.X.matrix()));
          return tg::cli::format_confusion(
              tg::cli::confusion_matrix(predicted, tg::nn::class_labels(p.data.test.Y), 10), p.data.classes);
        },
        tg::cli::load_any_problem(dir / "ck", {}, {}));
    CHECK_MESSAGE(contains(r.out, reference), r.out);
    CHECK(contains(r.out, "on the 2100 test examples"));
    std::filesystem::remove_all(dir / "ck");
  }
}
