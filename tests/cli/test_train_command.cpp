// `tapegrad train` (cli/train_command.cpp): per-epoch CSV, checkpoints, --resume going on
// exactly where a run stopped (a schedule of η too), progress only on a terminal, and
// divergence reported.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "nn/checkpoint.hpp"
#include "nn/npy.hpp"
#include "nn/posix_file.hpp"  // Fd
#include "support/idx_files.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::count_lines;
using tg::test::run_tapegrad;
using tg::test::TempDir;

namespace {

std::vector<std::string> lines_of(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) f.push_back(field);
  if (!line.empty() && line.back() == ',') f.emplace_back();
  return f;
}

// Every weight and bias of the checkpoint in dir (an Mlp or a network of layers), in order.
std::vector<double> weights(const std::string& dir) {
  std::vector<double> w;
  const auto net = tg::nn::load_any_network(dir);
  for (const tg::Variable& p : std::visit([](const auto& n) { return n.parameters(); }, net))
    w.insert(w.end(), p.value().begin(), p.value().end());
  return w;
}

const std::vector<std::string> moons{"train", "--data", "moons", "--train-size", "200", "--test-size", "100"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("train writes one CSV row per epoch and a checkpoint that eval reads") {
  TempDir dir("train");
  const auto r = run_tapegrad(with(moons, {"--epochs", "4", "--csv", dir / "m.csv", "--save", dir / "ckpt"}));
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "moons (200 training, 100 test examples)"));
  CHECK(contains(r.out, "network [2,16,2] tanh hidden, softmax output"));

  const std::vector<std::string> csv = lines_of(dir / "m.csv");
  REQUIRE(csv.size() == 5);
  CHECK(csv[0] ==
        "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second,learning_rate");
  for (std::size_t e = 1; e <= 4; ++e) {
    const auto f = fields(csv[e]);
    REQUIRE(f.size() == 8);
    CHECK(f[7] == "0.5");  // moons' η, fixed without a schedule
    CHECK(f[0] == std::to_string(e));
    CHECK(std::stod(f[1]) > 0.0);
    CHECK(std::stod(f[2]) >= 0.0);
    CHECK(std::stod(f[2]) <= 1.0);
    CHECK(std::stod(f[6]) > 0.0);  // examples per second
  }
  CHECK(std::stod(fields(csv[4])[1]) < std::stod(fields(csv[1])[1]));  // the loss fell
  // The summary's test accuracy is the last row's.
  CHECK(contains(r.out,
                 fmt::format("after epoch 4: test accuracy {:.2f}%", 100 * std::stod(fields(csv[4])[4]))));

  const tg::nn::CheckpointExtra extra = tg::nn::load_checkpoint_extra(dir / "ckpt");
  CHECK(extra.at("epochs") == "4");
  CHECK(extra.at("data") == "moons");
  CHECK(extra.at("cost") == "log_likelihood");
  CHECK(tg::nn::load_checkpoint(dir / "ckpt").sizes() == std::vector<std::size_t>{2, 16, 2});
}

TEST_CASE("train draws the curves as an SVG next to the CSV, a resumed run's earlier epochs included") {
  TempDir dir("train");
  const auto r = run_tapegrad(with(moons, {"--epochs", "3", "--csv", dir / "m.csv", "--save", dir / "ckpt"}));
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, fmt::format("per-epoch figures: {} (curves: {})", dir / "m.csv", dir / "m.svg")));
  const auto svg_of = [&] {
    std::ifstream in(dir / "m.svg");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  std::string svg = svg_of();
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  for (const char* name : {"train loss", "test loss", "train accuracy", "test accuracy"}) {
    INFO(name);
    CHECK(contains(svg, fmt::format("data-series=\"{}\" data-points=\"3\"", name)));
  }
  CHECK(contains(
      svg,
      "moons · [2,16,2] tanh hidden, softmax output · log_likelihood (mean) · sgd η=0.5, batch 10, seed 1"));
  CHECK(!std::filesystem::exists(dir / "m.svg.tmp"));

  REQUIRE(
      run_tapegrad(with(moons, {"--epochs", "2", "--resume", dir / "ckpt", "--csv", dir / "m.csv"})).code ==
      0);
  svg = svg_of();
  CHECK(contains(svg, "data-series=\"test accuracy\" data-points=\"5\""));

  // Regression: the loss alone.
  REQUIRE(run_tapegrad({"train", "--data", "sine", "--train-size", "50", "--test-size", "20", "--epochs", "2",
                        "--csv", dir / "sine.csv"})
              .code == 0);
  std::ifstream in(dir / "sine.svg");
  std::stringstream sine;
  sine << in.rdbuf();
  CHECK(contains(sine.str(), "data-series=\"test loss\" data-points=\"2\""));
  CHECK(!contains(sine.str(), "accuracy"));
}

TEST_CASE("--resume goes on after the checkpoint's epochs, exactly as a run that never stopped") {
  TempDir dir("train");
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "4", "--save", dir / "straight"})).code == 0);
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--save", dir / "half", "--csv", dir / "h.csv"})).code ==
          0);
  const auto r = run_tapegrad(with(moons, {"--epochs", "2", "--resume", dir / "half", "--save",
                                           dir / "resumed", "--csv", dir / "h.csv"}));
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "epochs 3..4"));
  CHECK(contains(r.out, "resumed from"));
  CHECK(weights(dir / "resumed") == weights(dir / "straight"));  // SGD keeps no state: bit for bit
  CHECK(tg::nn::load_checkpoint_extra(dir / "resumed").at("epochs") == "4");
  // The CSV holds the whole history, epochs 1..4.
  const std::vector<std::string> csv = lines_of(dir / "h.csv");
  REQUIRE(csv.size() == 5);
  for (std::size_t e = 1; e <= 4; ++e) CHECK(fields(csv[e])[0] == std::to_string(e));

  // Adam's moments and step count are saved too: 2 + 2 epochs are 4 in one go, bit for bit.
  const std::vector<std::string> adam{"--optimizer", "adam", "--lr", "0.01"};
  REQUIRE(run_tapegrad(with(with(moons, adam), {"--epochs", "4", "--save", dir / "adam4"})).code == 0);
  REQUIRE(run_tapegrad(with(with(moons, adam), {"--epochs", "2", "--save", dir / "adam2"})).code == 0);
  const auto adam_resumed = run_tapegrad(
      with(with(moons, adam), {"--epochs", "2", "--resume", dir / "adam2", "--save", dir / "adam2+2"}));
  REQUIRE(adam_resumed.code == 0);
  CHECK(!contains(adam_resumed.out, "note:"));
  CHECK(weights(dir / "adam2+2") == weights(dir / "adam4"));
  // Resuming an SGD checkpoint with Adam: no moments to restore, and the output says so.
  const auto switched = run_tapegrad(with(with(moons, adam), {"--epochs", "1", "--resume", dir / "half"}));
  CHECK(switched.code == 0);
  CHECK(contains(switched.out, "note: the checkpoint holds no adam state"));

  // The network options, when given, must be the checkpoint's.
  const auto other = run_tapegrad(with(moons, {"--resume", dir / "half", "--sizes", "2,8,2"}));
  CHECK(other.code == 1);
  CHECK(contains(other.err, "the checkpoint's --sizes is [2,16,2], but [2,8,2] was given"));
  const auto wrong_data = run_tapegrad({"train", "--data", "sine", "--resume", dir / "half"});
  CHECK(wrong_data.code == 1);
  CHECK(contains(wrong_data.err, "does not fit data set 'sine'"));
}

TEST_CASE("--resume alone goes on with the checkpoint's data, seed, cost, optimizer, η and batch size") {
  TempDir dir("train");
  const std::vector<std::string> setup{"train", "--data",      "moons",    "--train-size",
                                       "150",   "--test-size", "50",       "--seed",
                                       "3",     "--optimizer", "momentum", "--lr",
                                       "0.05",  "--momentum",  "0.8",      "--batch-size",
                                       "16",    "--l2",        "0.01"};
  REQUIRE(run_tapegrad(with(setup, {"--epochs", "3", "--save", dir / "straight"})).code == 0);
  REQUIRE(run_tapegrad(with(setup, {"--epochs", "1", "--save", dir / "first"})).code == 0);
  const auto r = run_tapegrad({"train", "--resume", dir / "first", "--epochs", "2", "--save", dir / "rest"});
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "moons (150 training, 50 test examples)"));
  CHECK(contains(r.out, "L2"));
  CHECK(contains(r.out, "momentum η=0.05, batch 16, epochs 2..3, seed 3"));
  CHECK(weights(dir / "rest") == weights(dir / "straight"));
  // What the command line gives wins: another η is taken as given.
  const auto other = run_tapegrad({"train", "--resume", dir / "first", "--epochs", "1", "--lr", "0.01"});
  CHECK(contains(other.out, "momentum η=0.01"));
}

TEST_CASE("progress is live on a terminal only, and a log gets one table at the end") {
  const auto quiet = run_tapegrad(with(moons, {"--epochs", "3"}));
  REQUIRE(quiet.code == 0);
  CHECK(!contains(quiet.out, "\r"));
  CHECK(contains(quiet.out, "epoch   train loss  train acc"));
  const auto live = run_tapegrad(with(moons, {"--epochs", "3", "--progress", "always"}));
  REQUIRE(live.code == 0);
  CHECK(contains(live.out, "\repoch 1/3 ["));
  CHECK(contains(live.out, "examples/s"));
  CHECK(contains(live.out, "epoch 3/3  train loss"));
  const auto many = run_tapegrad({"train", "--data", "xor", "--epochs", "100"});
  CHECK(count_lines(many.out) < 40);  // every 5th epoch of 100
  CHECK(contains(many.out, "(every 5th epoch shown"));
  // English ordinals: 21-40 epochs show every 2nd, 41-60 every 3rd, 401-420 every 21st.
  CHECK(contains(run_tapegrad({"train", "--data", "xor", "--epochs", "40"}).out, "(every 2nd epoch shown"));
  CHECK(contains(run_tapegrad({"train", "--data", "xor", "--epochs", "60"}).out, "(every 3rd epoch shown"));
  CHECK(contains(run_tapegrad({"train", "--data", "xor", "--epochs", "420"}).out, "(every 21st epoch shown"));
  CHECK(contains(run_tapegrad({"train", "--data", "xor", "--epochs", "220"}).out, "(every 11th epoch shown"));
}

TEST_CASE("train on each built-in synthetic set, and on an MNIST-format directory") {
  const auto x = run_tapegrad({"train", "--data", "xor"});  // seed 002's 2-2-1 task
  CHECK(x.code == 0);
  CHECK(contains(x.out, "network [2,2,1] sigmoid hidden, sigmoid output; cost cross_entropy"));
  CHECK(contains(x.out, "test accuracy 100.00%"));

  TempDir dir("train");
  const auto s = run_tapegrad({"train", "--data", "sine", "--epochs", "50", "--csv", dir / "s.csv"});
  CHECK(s.code == 0);
  CHECK(contains(s.out, "identity output; cost quadratic"));
  const auto row = fields(lines_of(dir / "s.csv").back());
  CHECK(row[2].empty());  // regression: no accuracy
  CHECK(std::stod(row[3]) < 0.01);

  const auto sp = run_tapegrad({"train", "--data", "spirals", "--epochs", "3", "--optimizer", "momentum"});
  CHECK(sp.code == 0);
  CHECK(contains(sp.out, "momentum η=0.005"));  // η(1 − μ) of the data set's 0.05
}

TEST_CASE("gradients by BP1–BP4 train the same network as gradients by autodiff") {
  TempDir dir("train");
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--save", dir / "a"})).code == 0);
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--gradients", "backprop", "--save", dir / "b"})).code ==
          0);
  const auto a = weights(dir / "a"), b = weights(dir / "b");
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-10));
}

TEST_CASE("a diverging run stops with a message and saves nothing") {
  TempDir dir("train");
  const auto r =
      run_tapegrad({"train", "--data", "sine", "--lr", "1e6", "--epochs", "5", "--save", dir / "never"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "tapegrad train: training diverged in epoch 1, step "));  // an error: on stderr
  CHECK(contains(r.err, "detect_anomaly: '"));  // the first op that made a NaN or an infinity, named
  CHECK(contains(r.err, "η = 1e+06 too large?"));
  CHECK(contains(r.err, "nothing saved"));
  CHECK(!contains(r.out, "diverged"));
  CHECK(!std::filesystem::exists(dir / "never"));
}

TEST_CASE("a run whose loss is not finite before its first step blames the starting weights, not η") {
  // Finite weights so large that the output overflows: the loss is inf before any step.
  TempDir dir("train");
  REQUIRE(run_tapegrad({"train", "--data", "sine", "--epochs", "1", "--save", dir / "ck"}).code == 0);
  const tg::nn::Mlp net = tg::nn::load_checkpoint(dir.path / "ck");
  std::filesystem::path W3;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path / "ck"))
    if (entry.path().filename().string().starts_with("W3.")) W3 = entry.path();
  REQUIRE(!W3.empty());
  tg::nn::write_npy(W3, tg::filled(tg::shape_of(net.layer(3).W.value()), 1e300));
  const auto r = run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "1", "--lr", "1e-9"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "tapegrad train: training diverged in epoch 2"));
  CHECK_MESSAGE(contains(r.err, "the loss was already inf before the first step: the weights from --resume " +
                                    (dir / "ck") + " or the data are at fault, not η"),
                r.err);
  CHECK(!contains(r.err, "too large?"));
}

TEST_CASE("a damaged data file is a one-line error naming it, never a crash") {
  using namespace tg::test;
  TempDir dir("train");
  const auto write_set = [&](const char* prefix, std::uint32_t n, std::size_t cut) {
    Bytes pixels(n * 4, 7), labels(n, 3);
    Bytes images = idx_file(tg::nn::data::IdxType::u8, {n, 2, 2}, pixels);
    images.resize(images.size() - cut);  // cut bytes off the end
    write_gz(dir.path / fmt::format("{}-images-idx3-ubyte.gz", prefix), images);
    write_bytes(dir.path / fmt::format("{}-labels-idx1-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n}, labels));
  };
  write_set("train", 20, 0);
  write_set("t10k", 10, 5);
  const auto r = run_tapegrad({"train", "--data", dir.path.string()});
  CHECK(r.code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(contains(r.err, "t10k-images-idx3-ubyte.gz"));
  CHECK(contains(r.err, "truncated"));
}

TEST_CASE("an empty test set or images of no pixels are refused before training, naming the file") {
  using namespace tg::test;
  TempDir dir("train");
  const auto write_set = [&](const char* prefix, std::uint32_t n, std::uint32_t rows) {
    write_bytes(dir.path / fmt::format("{}-images-idx3-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n, rows, 2}, Bytes(n * rows * 2, 7)));
    write_bytes(dir.path / fmt::format("{}-labels-idx1-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n}, Bytes(n, 3)));
  };
  write_set("train", 20, 2);
  write_set("t10k", 0, 2);
  auto r = run_tapegrad({"train", "--data", dir.path.string()});
  CHECK(r.code == 1);
  CHECK(r.out.empty());  // not a step was taken
  CHECK_MESSAGE(contains(r.err, "tapegrad train: load_mnist: '" + (dir / "t10k-images-idx3-ubyte") +
                                    "' holds no images"),
                r.err);
  write_set("t10k", 10, 2);
  write_set("train", 20, 0);
  r = run_tapegrad({"train", "--data", dir.path.string()});
  CHECK(r.code == 1);
  CHECK_MESSAGE(contains(r.err, "'" + (dir / "train-images-idx3-ubyte") + "' holds images of 0×2 pixels"),
                r.err);
}

TEST_CASE("seed 003's stop rules: --stop-epsilon and --max-iterations") {
  const auto r = run_tapegrad({"train", "--data", "xor", "--epochs", "100000", "--stop-epsilon", "1e-4"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "ε reached"));
  const auto m = run_tapegrad({"train", "--data", "moons", "--max-iterations", "7"});
  CHECK(m.code == 0);
  CHECK(contains(m.out, "stopped after 7 steps: max iterations reached"));
  CHECK(contains(m.out, "after epoch 1:"));  // 7 steps of batch 10 end in the first epoch
  CHECK(run_tapegrad({"train", "--stop-epsilon", "-1"}).code == 2);
}

TEST_CASE("train checks every output before it trains: an unwritable --save or curves file fails at once") {
  TempDir dir("train");
  { std::ofstream(dir / "plain") << "a file"; }
  const auto save = run_tapegrad(with(moons, {"--epochs", "2", "--save", dir / "plain/ckpt"}));
  CHECK(save.code == 1);
  CHECK(contains(save.err, fmt::format("cannot create directory '{}'", dir / "plain/ckpt")));
  CHECK(!contains(save.out, "epoch"));                 // no epoch was trained
  std::filesystem::create_directories(dir / "m.svg");  // where the curves would go
  const auto svg =
      run_tapegrad(with(moons, {"--epochs", "2", "--csv", dir / "m.csv", "--save", dir / "ckpt"}));
  CHECK(svg.code == 1);
  CHECK(contains(svg.err, fmt::format("cannot write '{}': it is a directory", dir / "m.svg")));
  CHECK(!std::filesystem::exists(dir / "m.csv"));
  CHECK(!contains(svg.out, "epoch"));
}

TEST_CASE("a --csv write that fails while training is reported, training goes on and the weights are saved") {
  TempDir dir("train");
  // /dev/full opens like any device, so the check before training passes; every write fails.
  const auto r = run_tapegrad(with(moons, {"--epochs", "3", "--csv", "/dev/full", "--save", dir / "ckpt"}));
  CHECK(r.code == 1);
  CHECK(contains(r.err,
                 "tapegrad train: cannot write '/dev/full': No space left on device; training goes on\n"));
  CHECK(count_lines(r.err) == 2);  // reported once, and once more at the end
  CHECK(contains(r.err, "--csv /dev/full: not every write succeeded (see above); the checkpoint is saved"));
  CHECK(contains(r.out, "after epoch 3"));
  CHECK(tg::nn::load_checkpoint_extra(dir / "ckpt").at("epochs") == "3");
  CHECK(!std::filesystem::exists("/dev/full.svg"));
}

TEST_CASE(
    "--csv naming a FIFO: refused before training when nothing reads it, and its reader gets one stream") {
  TempDir dir("train");
  const std::string fifo = dir / "rows";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto alone = run_tapegrad(with(moons, {"--epochs", "2", "--csv", fifo, "--save", dir / "ck"}));
  CHECK(alone.code == 1);
  CHECK_MESSAGE(contains(alone.err, fmt::format("tapegrad train: cannot write '{}': it is a FIFO and nothing "
                                                "reads it (start its reader first)",
                                                fifo)),
                alone.err);
  CHECK(!contains(alone.out, "epoch"));  // nothing trained
  CHECK(!std::filesystem::exists(dir / "ck"));
  // A reader (opened without waiting for a writer; the pipe keeps the rows until it reads them):
  // the header once, then one row per epoch, and the end of its input when the run ends.
  const tg::nn::Fd reader(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK));
  REQUIRE(reader.fd >= 0);
  const auto r = run_tapegrad(with(moons, {"--epochs", "3", "--csv", fifo}));
  CHECK_MESSAGE(r.code == 0, r.err);
  std::string got(4096, '\0');
  const ssize_t n = ::read(reader.fd, got.data(), got.size());
  REQUIRE(n > 0);
  got.resize(static_cast<std::size_t>(n));
  CHECK(got.rfind("epoch,train_loss,", 0) == 0);
  CHECK(count_lines(got) == 4);
  CHECK(got.find("\n3,") != std::string::npos);
  CHECK(::read(reader.fd, got.data(), 1) == 0);  // the end: the run closed it
}

TEST_CASE("--csv /dev/null is a sink: nothing is replaced and no curves are drawn beside it") {
  TempDir dir("train");
  const auto r = run_tapegrad(with(moons, {"--epochs", "2", "--csv", "/dev/null", "--save", dir / "ckpt"}));
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "per-epoch figures: /dev/null\n"));
  CHECK(std::filesystem::is_character_file("/dev/null"));
  CHECK(!std::filesystem::exists("/dev/null.svg"));
  // Resuming with it reads no earlier rows from it (and does not wait on it).
  CHECK(run_tapegrad(with(moons, {"--epochs", "1", "--resume", dir / "ckpt", "--csv", "/dev/null"})).code ==
        0);
}

TEST_CASE("a symlinked --csv keeps its link: the target gets the rows") {
  TempDir dir("train");
  std::filesystem::create_directories(dir / "runs");
  std::filesystem::create_symlink("runs/real.csv", dir / "m.csv");
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--csv", dir / "m.csv"})).code == 0);
  CHECK(std::filesystem::is_symlink(dir / "m.csv"));
  CHECK(lines_of(dir / "runs/real.csv").size() == 3);
}

TEST_CASE(
    "a --save that fails after training keeps the weights in a rescue directory, which the error names") {
  TempDir dir("train");
  const std::string ckpt = dir / "ckpt";
  tg::test::Run r;
  std::thread run([&] {
    r = run_tapegrad(with(moons, {"--epochs", "100000", "--max-iterations", "10000", "--csv", dir / "m.csv",
                                  "--save", ckpt}));
  });
  // Once training runs (the first epoch's row is written), the directory is taken away.
  while (!std::filesystem::exists(dir / "m.csv")) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::filesystem::remove_all(ckpt);
  { std::ofstream(ckpt) << "no longer a directory"; }
  run.join();
  CHECK(r.code == 1);
  CHECK(contains(
      r.err,
      fmt::format("save_checkpoint: '{}' exists and is not a directory; the trained network is saved in ",
                  ckpt)));
  const std::size_t at = r.err.find("saved in ") + 9;
  const std::string rescue = r.err.substr(at, r.err.find(' ', at) - at);
  CHECK(tg::nn::load_checkpoint_extra(rescue).at("epochs") ==
        "500");  // 10000 steps, 20 batches of 10 an epoch
  std::filesystem::remove_all(rescue);
}

TEST_CASE(
    "--epochs up to the largest count: the run goes on until --max-iterations, never wraps to an empty run") {
  TempDir dir("train");
  const auto r =
      run_tapegrad({"train", "--data", "moons", "--train-size", "40", "--test-size", "20", "--epochs",
                    "18446744073709551615", "--max-iterations", "9", "--save", dir / "ck"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "stopped after 9 steps: max iterations reached"));
  CHECK(contains(r.out, "after epoch 3:"));  // 4 batches of 10 an epoch: step 9 is in epoch 3
  // resumed after epoch 3: 4 + (2^64 − 2) − 1 wraps in size_t
  const auto resumed = run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "18446744073709551614",
                                     "--max-iterations", "2", "--save", dir / "ck"});
  CHECK(resumed.code == 0);
  CHECK(contains(resumed.out, "after epoch 4:"));
}

TEST_CASE("a checkpoint whose epochs note leaves no epoch number after it is a clear error") {
  TempDir dir("train");
  REQUIRE(run_tapegrad({"train", "--data", "xor", "--epochs", "1", "--save", dir / "ck"}).code == 0);
  {
    std::ifstream in(dir / "ck/checkpoint.json");
    std::stringstream text;
    text << in.rdbuf();
    std::string json = text.str();
    const std::size_t at = json.find("\"epochs\": \"1\"");
    REQUIRE(at != std::string::npos);
    json.replace(at, 13, "\"epochs\": \"18446744073709551615\"");
    std::ofstream(dir / "ck/checkpoint.json") << json;
  }
  const auto r = run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "1"});
  CHECK(r.code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(contains(r.err, "18446744073709551615"));
  CHECK(contains(r.err, "no epoch number after it"));
}

namespace {

// The η column of a CSV, one entry per epoch.
std::vector<std::string> eta_column(const std::string& csv) {
  std::vector<std::string> etas;
  const std::vector<std::string> lines = lines_of(csv);
  for (std::size_t i = 1; i < lines.size(); ++i) etas.push_back(fields(lines[i]).at(7));
  return etas;
}

// η₀·F^k as the CSV writes them (the shortest digits that read back the same), one per epoch e
// from first to last: k = ⌊(e−1)/N⌋.
std::vector<std::string> etas(double eta0, double f, std::size_t n, std::size_t first, std::size_t last) {
  std::vector<std::string> out;
  for (std::size_t e = first; e <= last; ++e)
    out.push_back(fmt::format("{}", eta0 * std::pow(f, static_cast<double>((e - 1) / n))));
  return out;
}

}  // namespace

TEST_CASE(
    "--lr-decay F --lr-decay-every N: each epoch's η in the CSV, the run line and the checkpoint's notes") {
  TempDir dir("schedule");
  const auto r = run_tapegrad(with(moons, {"--lr", "0.4", "--lr-decay", "0.5", "--lr-decay-every", "2",
                                           "--epochs", "5", "--csv", dir / "m.csv", "--save", dir / "ck"}));
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK_MESSAGE(contains(r.out, "sgd η=0.4 ×0.5 every 2 epochs, batch 10, epochs 1..5"), r.out);
  CHECK(eta_column(dir / "m.csv") == std::vector<std::string>{"0.4", "0.4", "0.2", "0.2", "0.1"});
  const tg::nn::CheckpointExtra notes = tg::nn::load_checkpoint_extra(dir / "ck");
  CHECK(notes.at("learning_rate") == "0.40000000000000002");  // η₀, not the last epoch's
  CHECK(notes.at("lr_decay") == "0.5");
  CHECK(notes.at("lr_decay_every") == "2");
  // The curves' title says it too.
  std::ifstream svg(dir / "m.svg");
  std::stringstream title;
  title << svg.rdbuf();
  CHECK(contains(title.str(), "sgd η=0.4 ×0.5 every 2 epochs, batch 10, seed 1"));
  // eval describes the schedule and the last epoch's η.
  const auto eval = run_tapegrad({"eval", "--checkpoint", dir / "ck"});
  REQUIRE(eval.code == 0);
  CHECK_MESSAGE(contains(eval.out,
                         "  trained with η = 0.4 ×0.5 every 2 epochs: η = 0.1 in epoch 5, its last\n"),
                eval.out);

  // report's settings and title say it.
  const auto report = run_tapegrad(
      {"report", "--checkpoint", dir / "ck", "--csv", dir / "m.csv", "-o", dir / "r.html", "--no-numeric"});
  REQUIRE_MESSAGE(report.code == 0, report.err);
  std::ifstream html_file(dir / "r.html");
  std::stringstream html;
  html << html_file.rdbuf();
  CHECK(contains(html.str(), "sgd, η = 0.4 ×0.5 every 2 epochs, batch 10"));
  CHECK(contains(html.str(), "sgd η=0.4 ×0.5 every 2 epochs, batch 10, seed 1"));

  // Without a schedule: no schedule notes, and eval says nothing about one.
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "1", "--save", dir / "plain"})).code == 0);
  CHECK(tg::nn::load_checkpoint_extra(dir / "plain").count("lr_decay") == 0);
  CHECK(!contains(run_tapegrad({"eval", "--checkpoint", dir / "plain"}).out, "trained with"));
}

TEST_CASE("with a schedule, 2 epochs and --resume 2 more are 4 in one go, bit for bit, for every optimizer") {
  TempDir dir("schedule");
  std::filesystem::create_directories(dir / "images");
  tg::test::write_image_set(dir / "images", 8, 8, 12, 6);
  const std::vector<std::string> images{
      "train", "--data", dir / "images", "--layers", "conv:2x3x3,pool:2,softmax:10", "--progress", "never"};
  struct Case {
    const char* name;
    std::vector<std::string> run;  // the data, the network, the optimizer, the batch and the schedule
  };
  const std::vector<Case> cases{
      {"sgd, full batch, N = 1",
       with(moons, {"--batch-size", "0", "--lr-decay", "0.5", "--lr-decay-every", "1"})},
      {"momentum (η(1−μ)), N = 3",
       with(moons, {"--optimizer", "momentum", "--lr-decay", "0.5", "--lr-decay-every", "3"})},
      {"adam, N = 1",
       with(moons, {"--optimizer", "adam", "--lr", "0.01", "--lr-decay", "0.3", "--lr-decay-every", "1"})},
      {"a conv net, momentum, batch 4", with(images, {"--optimizer", "momentum", "--batch-size", "4",
                                                      "--lr-decay", "0.5", "--lr-decay-every", "1"})},
      {"a conv net, adam, full batch", with(images, {"--optimizer", "adam", "--batch-size", "0", "--lr-decay",
                                                     "0.5", "--lr-decay-every", "2"})},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    const std::string straight = dir / fmt::format("straight{}", i), half = dir / fmt::format("half{}", i);
    const std::string csv = dir / fmt::format("{}.csv", i);
    REQUIRE(
        run_tapegrad(with(cases[i].run, {"--epochs", "4", "--save", straight, "--csv", csv + ".4"})).code ==
        0);
    REQUIRE(run_tapegrad(with(cases[i].run, {"--epochs", "2", "--save", half, "--csv", csv})).code == 0);
    // --resume alone: the schedule, η₀ and the rest are the checkpoint's.
    const auto r = run_tapegrad({"train", "--resume", half, "--epochs", "2", "--save", half, "--csv", csv});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK_MESSAGE(contains(r.out, "every"), r.out);
    CHECK(weights(half) == weights(straight));
    CHECK(eta_column(csv) == eta_column(csv + ".4"));
    CHECK(eta_column(csv)[0] != eta_column(csv)[3]);  // η did decay
  }
}

TEST_CASE("--resume with another schedule takes the one given, as it takes another --lr") {
  TempDir dir("schedule");
  const std::vector<std::string> decayed{"--lr", "0.4", "--lr-decay", "0.5", "--lr-decay-every", "1"};
  REQUIRE(run_tapegrad(with(with(moons, decayed), {"--epochs", "2", "--save", dir / "ck"})).code == 0);
  const auto resumed = [&](const std::vector<std::string>& more) {
    const std::string csv = dir / "r.csv";
    std::filesystem::remove(csv);
    const auto r = run_tapegrad(with({"train", "--resume", dir / "ck", "--epochs", "2", "--csv", csv}, more));
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return eta_column(csv);
  };
  CHECK(resumed({}) == etas(0.4, 0.5, 1, 3, 4));                   // the checkpoint's schedule
  CHECK(resumed({"--lr-decay", "1"}) == etas(0.4, 1.0, 1, 3, 4));  // F = 1: η₀ again, not epoch 2's 0.2
  CHECK(resumed({"--lr", "0.2", "--lr-decay", "1"}) == etas(0.2, 1.0, 1, 3, 4));  // epoch 2's η, held
  CHECK(resumed({"--lr-decay", "0.8"}) == etas(0.4, 0.8, 1, 3, 4));               // N still the checkpoint's
  CHECK(resumed({"--lr-decay-every", "2"}) == etas(0.4, 0.5, 2, 3, 4));           // F still the checkpoint's
  CHECK(resumed({"--lr", "0.1"}) == etas(0.1, 0.5, 1, 3, 4));  // another η₀, same epochs
  // A checkpoint without a schedule: half of one given is an error, a whole one applies from epoch 3.
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--save", dir / "plain"})).code == 0);
  const auto half = run_tapegrad({"train", "--resume", dir / "plain", "--lr-decay", "0.5"});
  CHECK(half.code == 1);
  CHECK_MESSAGE(contains(half.err, "--lr-decay 0.5 needs --lr-decay-every N"), half.err);
  const auto whole = run_tapegrad({"train", "--resume", dir / "plain", "--epochs", "2", "--lr-decay", "0.5",
                                   "--lr-decay-every", "1", "--csv", dir / "p.csv"});
  REQUIRE(whole.code == 0);
  CHECK(eta_column(dir / "p.csv") == etas(0.5, 0.5, 1, 3, 4));
}

TEST_CASE("a schedule given by halves, or one that takes η to 0 before the last epoch, is a clear error") {
  const auto f_alone = run_tapegrad(with(moons, {"--lr-decay", "0.5"}));
  CHECK(f_alone.code == 1);
  CHECK(
      f_alone.err ==
      "tapegrad train: --lr-decay 0.5 needs --lr-decay-every N, the number of epochs between two decays of η\n");
  const auto n_alone = run_tapegrad(with(moons, {"--lr-decay-every", "3"}));
  CHECK(n_alone.code == 1);
  CHECK(n_alone.err ==
        "tapegrad train: --lr-decay-every 3 needs --lr-decay F, the factor in (0, 1] that η is "
        "multiplied by every 3 epochs\n");
  // 0.5 · 0.5^1074 = 2^−1075 rounds to 0: epoch 1075 would have no step at all. Refused before training.
  const auto vanishing =
      run_tapegrad(with(moons, {"--lr-decay", "0.5", "--lr-decay-every", "1", "--epochs", "2000"}));
  CHECK(vanishing.code == 1);
  CHECK_MESSAGE(contains(vanishing.err,
                         "--lr-decay 0.5 --lr-decay-every 1: η = 0.5 would fall to 0 (below the "
                         "smallest double) in epoch 1075, before the last epoch, 2000"),
                vanishing.err);
  CHECK(vanishing.out.empty());
}

TEST_CASE(
    "a schedule with --epochs up to the largest count: --max-iterations or --stop-epsilon ends the run") {
  TempDir dir("schedule");
  const std::string csv = dir / "m.csv";
  const std::vector<std::string> halving = with(moons, {"--lr-decay", "0.5", "--lr-decay-every", "1",
                                                        "--epochs", "18446744073709551615", "--csv", csv});
  // 40 steps are 2 epochs of 20 batches: η = 0.5·0.5^1074 underflows in epoch 1075, far beyond.
  const auto steps = run_tapegrad(with(halving, {"--max-iterations", "40"}));
  REQUIRE_MESSAGE(steps.code == 0, steps.err);
  CHECK(contains(steps.out, "stopped after 40 steps: max iterations reached"));
  CHECK(eta_column(csv) == std::vector<std::string>{"0.5", "0.25"});
  // 30000 steps would reach epoch 1500: refused before training, naming the epochs.
  const auto far = run_tapegrad(with(halving, {"--max-iterations", "30000"}));
  CHECK(far.code == 1);
  CHECK_MESSAGE(contains(far.err,
                         "η = 0.5 would fall to 0 (below the smallest double) in epoch 1075, before "
                         "the last epoch that --max-iterations 30000 reaches, 1500"),
                far.err);
  CHECK(far.out.empty());
  // ε ends the run as η shrinks, long before η underflows.
  const auto eps = run_tapegrad(with(halving, {"--stop-epsilon", "1e-3"}));
  REQUIRE_MESSAGE(eps.code == 0, eps.err);
  CHECK_MESSAGE(contains(eps.out, "ε reached"), eps.out);
  // F = 1e-300: η = 0.4, then 4e-301, then 0 in epoch 3, whose steps ε = 1e-307 has not stopped.
  std::filesystem::remove(csv);
  const auto vanished =
      run_tapegrad({"train", "--data", "moons", "--train-size", "200", "--test-size", "100", "--lr", "0.4",
                    "--lr-decay", "1e-300", "--lr-decay-every", "1", "--epochs", "18446744073709551615",
                    "--stop-epsilon", "1e-307", "--csv", csv});
  CHECK(vanished.code == 1);
  CHECK_MESSAGE(
      vanished.err ==
          "tapegrad train: --lr-decay 1e-300 --lr-decay-every 1: η = 0.4 fell to 0 (below the smallest "
          "double) in epoch 3 before --stop-epsilon 1e-307 ended the run; nothing saved (decay less "
          "often or give a larger ε)\n",
      vanished.err);
  CHECK(eta_column(csv).size() == 2);  // epochs 1 and 2 are in the CSV
}

TEST_CASE("a run resumed into the CSV of an older run, without the η column, keeps its rows") {
  TempDir dir("schedule");
  REQUIRE(run_tapegrad(with(moons, {"--epochs", "2", "--save", dir / "ck"})).code == 0);
  {
    std::ofstream old(dir / "old.csv");
    old << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second\n"
        << "1,0.5,0.800000,0.6,0.700000,0.0100,20000.0\n"
        << "2,0.4,0.850000,0.5,0.750000,0.0100,20000.0\n";
  }
  const auto r = run_tapegrad({"train", "--resume", dir / "ck", "--epochs", "1", "--csv", dir / "old.csv"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::vector<std::string> csv = lines_of(dir / "old.csv");
  REQUIRE(csv.size() == 4);
  CHECK(csv[0] ==
        "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second,learning_rate");
  CHECK(csv[1] == "1,0.5,0.800000,0.6,0.700000,0.0100,20000.0,");  // η not recorded then
  CHECK(csv[2] == "2,0.4,0.850000,0.5,0.750000,0.0100,20000.0,");
  CHECK(fields(csv[3])[0] == "3");
  CHECK(fields(csv[3])[7] == "0.5");
  const auto report = run_tapegrad(
      {"report", "--checkpoint", dir / "ck", "--csv", dir / "old.csv", "-o", dir / "r.html", "--no-numeric"});
  CHECK_MESSAGE(report.code == 0, report.err);
}
