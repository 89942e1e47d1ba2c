// Problems from checkpoints (cli/problem.cpp): the data set, seed and cost recorded by train.
#include <doctest/doctest.h>

#include "cli/problem.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using namespace tg::cli;

TEST_CASE("a checkpoint's recorded data set, seed and cost are used unless the options say otherwise") {
  tg::test::TempDir dir("problem");
  REQUIRE(tg::test::run_tapegrad({"train", "--data", "moons", "--epochs", "1", "--seed", "7", "--cost",
                                  "quadratic", "--save", dir / "c"})
              .code == 0);
  const Problem p = load_problem(dir / "c", {}, {});
  CHECK(p.data.name == "moons");
  CHECK(p.cost.kind == tg::nn::CostKind::quadratic);
  CHECK(p.data.test.X.matrix() ==
        load_data_set(DataOptions{"moons", 0, 0, 7}).test.X.matrix());  // seed 7's test set

  ModelOptions m;
  m.cost = tg::nn::CostKind::log_likelihood;
  CHECK(load_problem(dir / "c", {}, m).cost.kind == tg::nn::CostKind::log_likelihood);
}

TEST_CASE("recorded_count reads whole numbers and names a bad note") {
  const tg::nn::CheckpointExtra extra{{"epochs", "12"}, {"seed", "x1"}};
  CHECK(recorded_count(extra, "epochs", "dir") == 12u);
  CHECK(!recorded_count(extra, "missing", "dir"));
  CHECK_THROWS_WITH_AS(recorded_count(extra, "seed", "dir"),
                       doctest::Contains(
                           "checkpoint dir: its note \"seed\" is \"x1\", expected a whole number"),
                       tg::nn::checkpoint_error);
}
