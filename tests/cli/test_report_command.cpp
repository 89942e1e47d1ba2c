// `tapegrad report` (cli/report_command.cpp): one self-contained HTML page with the run's
// settings, the training curves, the graph of the loss, the verification table (the numbers
// nn::compare computes) and, for images, a grid of test images with their labels; bad input
// is a one-line error naming the file.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "cli/any_network.hpp"
#include "cli/dataset.hpp"
#include "cli/html.hpp"
#include "cli/problem.hpp"
#include "nn/checkpoint.hpp"
#include "nn/compare.hpp"
#include "nn/train.hpp"
#include "support/files.hpp"
#include "support/memory_cap.hpp"
#include "support/idx_files.hpp"
#include "support/run_tapegrad.hpp"
#include "support/temp_dir.hpp"

using tg::test::contains;
using tg::test::count_lines;
using tg::test::read_file;
using tg::test::run_tapegrad;
using tg::test::TempDir;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t i = text.find(part); i != std::string::npos; i = text.find(part, i + 1)) ++n;
  return n;
}

// The text between <section id="ID"> and its </section>.
std::string section(const std::string& html, const std::string& id) {
  const std::size_t start = html.find(fmt::format("<section id=\"{}\">", id));
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

// A moons run of 3 epochs with its CSV and checkpoint in dir.
void train_moons(const TempDir& dir) {
  const auto r = run_tapegrad({"train", "--data", "moons", "--train-size", "200", "--test-size", "100",
                               "--epochs", "3", "--csv", dir / "moons.csv", "--save", dir / "ckpt"});
  REQUIRE(r.code == 0);
}

// An MNIST-format directory of 6×6 images in 10 classes: 60 training and 40 test images, each
// class a bright square in its own place plus noise, so that a small network learns some of it.
void write_image_set(const std::filesystem::path& dir) {
  using namespace tg::test;
  std::filesystem::create_directories(dir);
  const auto write_set = [&](const char* prefix, std::uint32_t n, std::uint32_t seed) {
    Bytes pixels, labels;
    for (std::uint32_t j = 0; j < n; ++j) {
      const std::uint32_t label = (j * 7 + seed) % 10;
      labels.push_back(static_cast<std::uint8_t>(label));
      for (std::uint32_t p = 0; p < 36; ++p)
        pixels.push_back(static_cast<std::uint8_t>(p / 3 == label ? 250 : (p * 37 + j * 11 + seed) % 60));
    }
    write_bytes(dir / fmt::format("{}-images-idx3-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n, 6, 6}, pixels));
    write_bytes(dir / fmt::format("{}-labels-idx1-ubyte", prefix),
                idx_file(tg::nn::data::IdxType::u8, {n}, labels));
  };
  write_set("train", 60, 1);
  write_set("t10k", 40, 2);
}

}  // namespace

TEST_CASE("report writes one page with the settings, the curves, the graph and the verification table") {
  TempDir dir("report");
  train_moons(dir);
  const auto r = run_tapegrad(
      {"report", "--checkpoint", dir / "ckpt", "--csv", dir / "moons.csv", "-o", dir / "r.html"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "[2,16,2] on moons: test accuracy"));
  CHECK(contains(r.out, fmt::format("written to {}", dir / "r.html")));
  const std::string html = read_file(dir / "r.html");
  REQUIRE(!html.empty());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "r.html.tmp"));

  // The settings.
  const std::string settings = section(html, "settings");
  CHECK(contains(settings, "moons (200 training, 100 test examples)"));
  CHECK(contains(settings, "[2,16,2]: tanh hidden layers, softmax output"));
  CHECK(contains(settings, "log_likelihood (mean)"));
  CHECK(contains(settings, "sgd, η = 0.5"));
  CHECK(contains(settings, "<th>epochs</th><td>3</td>"));
  CHECK(contains(settings, "accuracy "));

  // The curves: the CSV's four series through its 3 epochs.
  const std::string curves = section(html, "curves");
  CHECK(count(curves, "<svg") == 1);
  for (const char* name : {"train loss", "test loss", "train accuracy", "test accuracy"}) {
    INFO(name);
    CHECK(count(curves, fmt::format("data-series=\"{}\" data-points=\"3\"", name)) == 1);
  }

  // The graph: Graphviz's SVG inline (scripts/install-deps.sh installs graphviz), without the
  // XML prolog that may only start a document.
  const std::string graph = section(html, "graph");
  CHECK(count(graph, "<svg") == 1);
  CHECK(html.find("<?xml") == std::string::npos);
  CHECK(html.find("<!DOCTYPE svg") == std::string::npos);
  CHECK(contains(graph, "z^2"));

  // No image grid for points, and a sentence saying why.
  CHECK(contains(section(html, "images"), "are not images (each has 2 inputs)"));
  CHECK_FALSE(contains(html, "<img"));

  // Nothing fetched from elsewhere.
  for (const char* external :
       {"src=\"http", "href=\"http", "@import", "url(http", "src='http", "href='http", "<link"}) {
    INFO(external);
    CHECK_FALSE(contains(html, external));
  }
}

TEST_CASE("the report's verification table holds the numbers nn::compare computes") {
  TempDir dir("report");
  train_moons(dir);
  REQUIRE(run_tapegrad({"report", "--checkpoint", dir / "ckpt", "--csv", dir / "moons.csv", "-o",
                        dir / "r.html", "--batch-size", "7"})
              .code == 0);
  const std::string table = section(read_file(dir / "r.html"), "verification");

  const tg::cli::Problem p = tg::cli::load_problem(dir / "ckpt", {}, {});
  const tg::nn::data::Examples batch = tg::cli::first_columns(p.data.train, 7);
  tg::nn::CompareOptions options;
  options.numeric = true;
  const tg::nn::CompareReport expected = tg::nn::compare(p.net, batch.X, batch.Y, p.cost, options);
  REQUIRE(expected.parameters.size() == 4);
  CHECK(count(table, "<tr><td>") == 4);
  for (const tg::nn::ParameterReport& q : expected.parameters) {
    const std::string row = fmt::format(
        "<tr><td>{}<sup>{}</sup></td><td>{}</td><td>{:.4e}</td><td>{:.3e}</td><td>{:.3e}</td><td>{:.3e}</td>"
        "<td>{:.3e}</td></tr>",
        q.name, q.layer, tg::shape_str(q.shape), q.grad_norm, q.autodiff.max_abs, q.autodiff.max_rel,
        q.numeric.max_abs, q.numeric.max_rel);
    INFO(row);
    CHECK(contains(table, row));
  }
  CHECK(contains(table, fmt::format("Cost C = {:.12g}", expected.cost)));
  CHECK(contains(table, "first 7 training examples of moons"));
  CHECK(contains(
      table,
      fmt::format("<span class=\"ok\">OK</span> largest relative difference, BP1–BP4 vs autodiff: {:.3e}",
                  expected.max_rel_autodiff())));

  // --no-numeric leaves the finite differences out.
  const auto none =
      run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "q.html", "--no-numeric"});
  REQUIRE(none.code == 0);
  CHECK(contains(none.out, "finite differences: none (--no-numeric)"));
  const std::string quick = read_file(dir / "q.html");
  CHECK_FALSE(contains(section(quick, "verification"), "numeric rel"));
  CHECK(contains(section(quick, "curves"), "No per-epoch CSV was given"));
}

TEST_CASE(
    "the report checks a sample of the weights by finite differences unless --numeric, and says which") {
  TempDir dir("report");
  train_moons(dir);  // [2,16,2]: W^2 (16,2), b^2 (16,1), W^3 (2,16), b^3 (2,1), 82 weights
  // The default sample, 100 of each parameter, is all of this small network.
  const auto all = run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "a.html"});
  REQUIRE(all.code == 0);
  CHECK(contains(all.out, "finite differences at all 82 weights"));
  CHECK(contains(section(read_file(dir / "a.html"), "verification"), "finite differences at all 82 weights"));
  // 3 of each: 3 + 3 + 3 + 2 = 11.
  const auto sampled =
      run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "s.html", "--numeric-sample", "3"});
  REQUIRE(sampled.code == 0);
  CHECK(contains(sampled.out,
                 "finite differences at 11 of 82 weights, evenly spaced (--numeric checks every one)"));
  const std::string html = section(read_file(dir / "s.html"), "verification");
  CHECK(contains(html, "finite differences at 11 of 82 weights"));
  CHECK(contains(html, "numeric rel"));
  const auto every =
      run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "e.html", "--numeric"});
  REQUIRE(every.code == 0);
  CHECK(contains(every.out, "finite differences at all 82 weights"));
  // One way at a time.
  CHECK(run_tapegrad(
            {"report", "--checkpoint", dir / "ckpt", "-o", dir / "x.html", "--numeric", "--no-numeric"})
            .code == 2);
  CHECK(run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "x.html", "--numeric",
                      "--numeric-sample", "3"})
            .code == 2);
}

TEST_CASE("the report's verdict fails on a NaN cost or gradient, where nothing differs") {
  // A checkpoint whose W^3 makes z^3 overflow, so C and its gradients are NaN. Before, the report's maximum
  // dropped NaN: "OK ... 0.000e+00".
  TempDir dir("report");
  train_moons(dir);
  tg::nn::Mlp net = tg::nn::load_checkpoint(dir / "ckpt");
  net.layer(3).W.mutable_value().fill(
      1e308);  // finite (a NaN checkpoint is refused at load), but z^3 overflows
  tg::nn::save_checkpoint(net, dir / "nan", tg::nn::load_checkpoint_extra(dir / "ckpt"));
  const auto r = run_tapegrad({"report", "--checkpoint", dir / "nan", "-o", dir / "r.html", "--no-numeric"});
  REQUIRE(r.code == 0);  // the page is written; its verdict says FAIL
  CHECK(contains(r.out, "BP1–BP4 vs autodiff nan: FAIL, the cost C is nan, not a finite number"));
  const std::string table = section(read_file(dir / "r.html"), "verification");
  CHECK(contains(table, "<span class=\"fail\">FAIL</span>"));
  CHECK(contains(table,
                 "<p class=\"fail\">FAIL: ∂C/∂W^2 is not finite: ‖·‖∞ = nan by BP4, nan by autodiff</p>"));
  CHECK_FALSE(contains(table, "class=\"ok\""));
}

TEST_CASE(
    "for image data the report shows a grid of test images, predicted and true labels, wrong ones marked") {
  TempDir dir("report");
  write_image_set(dir.path / "images");
  REQUIRE(run_tapegrad({"train", "--data", dir / "images", "--sizes", "36,12,10", "--epochs", "3", "--csv",
                        dir / "e.csv", "--save", dir / "ckpt"})
              .code == 0);
  REQUIRE(run_tapegrad({"report", "--checkpoint", dir / "ckpt", "--csv", dir / "e.csv", "-o", dir / "r.html",
                        "--images", "32"})
              .code == 0);
  const std::string grid = section(read_file(dir / "r.html"), "images");

  const tg::cli::Problem p = tg::cli::load_problem(dir / "ckpt", {}, {});
  const tg::nn::data::Examples first = tg::cli::first_columns(p.data.test, 32);
  const std::vector<std::size_t> predicted = tg::nn::class_labels(tg::nn::predict(p.net, first.X));
  const std::vector<std::size_t> truth = tg::nn::class_labels(first.Y);

  const std::regex figure(
      R"re(<figure class="(right|wrong)" data-predicted="(\d+)" data-true="(\d+)"><img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="test image (\d+)"><figcaption><span class="predicted">(✗ )?(\d)</span><span class="true">true: (\d)</span>)re");
  std::size_t n = 0, wrong = 0;
  for (auto it = std::sregex_iterator(grid.begin(), grid.end(), figure); it != std::sregex_iterator();
       ++it, ++n) {
    const std::smatch& m = *it;
    REQUIRE(n < 32);
    INFO("image ", n + 1);
    CHECK(m[5] == std::to_string(n + 1));
    CHECK(m[2] == std::to_string(predicted[n]));
    CHECK(m[3] == std::to_string(truth[n]));
    CHECK(m[7] == std::to_string(predicted[n]));  // the class names of a DIR are its digits
    CHECK(m[8] == std::to_string(truth[n]));
    const bool is_wrong = predicted[n] != truth[n];
    wrong += is_wrong;
    CHECK(m[1] == (is_wrong ? "wrong" : "right"));
    CHECK(m[6].matched == is_wrong);
    CHECK(m[4].str().rfind("iVBORw0KGgo", 0) == 0);  // base64 of the PNG signature
  }
  CHECK(n == 32);
  CHECK(contains(grid, fmt::format("the {} it gets wrong are marked", wrong)));
}

TEST_CASE("report: a missing or bad file is a one-line error naming it") {
  TempDir dir("report");
  train_moons(dir);
  const std::string ckpt = dir / "ckpt";
  const auto one_line_error = [](const tg::test::Run& r, int code, const std::string& part) {
    INFO(r.err);
    CHECK(r.code == code);
    CHECK(count_lines(r.err) == 1);
    CHECK(contains(r.err, part));
  };
  // No such checkpoint directory: a wrong command line.
  one_line_error(run_tapegrad({"report", "--checkpoint", dir / "nowhere", "-o", dir / "r.html"}), 2,
                 "nowhere");
  // A directory without a checkpoint in it.
  std::filesystem::create_directories(dir.path / "empty");
  one_line_error(run_tapegrad({"report", "--checkpoint", dir / "empty", "-o", dir / "r.html"}), 1,
                 "checkpoint.json");
  // No such CSV.
  one_line_error(run_tapegrad(
                     {"report", "--checkpoint", ckpt, "--csv", dir / "missing.csv", "-o", dir / "r.html"}),
                 1, fmt::format("tapegrad report: cannot read '{}'", dir / "missing.csv"));
  // A malformed CSV: its line.
  std::ofstream(dir / "bad.csv") << read_file(dir / "moons.csv") << "4,0.1,0.9\n";
  one_line_error(run_tapegrad(
                     {"report", "--checkpoint", ckpt, "--csv", dir / "bad.csv", "-o", dir / "r.html"}),
                 1, fmt::format("{}:5: expected 8 fields, got 3", dir / "bad.csv"));
  // A CSV with no epochs in it.
  std::ofstream(dir / "header.csv")
      << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second\n";
  one_line_error(run_tapegrad(
                     {"report", "--checkpoint", ckpt, "--csv", dir / "header.csv", "-o", dir / "r.html"}),
                 1, fmt::format("{}: no epochs in it, only the header", dir / "header.csv"));
  // An output that cannot be written: its directory is missing, or it is a directory.
  one_line_error(run_tapegrad({"report", "--checkpoint", ckpt, "-o", dir / "no/such/dir/r.html"}), 1,
                 fmt::format("cannot write '{}'", dir / "no/such/dir/r.html"));
  one_line_error(run_tapegrad({"report", "--checkpoint", ckpt, "-o", dir.path.string()}), 1,
                 dir.path.string());
  // -o is required.
  one_line_error(run_tapegrad({"report", "--checkpoint", ckpt}), 2, "--out is required");
  CHECK_FALSE(std::filesystem::exists(dir / "r.html"));
}

TEST_CASE("without Graphviz's dot the report shows the graph as DOT text and says so") {
  TempDir dir("report");
  train_moons(dir);
  REQUIRE(run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "r.html", "--dot-program",
                        dir / "no-such-dot"})
              .code == 0);
  const std::string graph = section(read_file(dir / "r.html"), "graph");
  CHECK(contains(graph, "is not installed (Debian package graphviz)"));
  CHECK(contains(graph, "<pre>digraph"));
  CHECK_FALSE(contains(graph, "<svg"));
}

TEST_CASE("a --dot-program that never exits is stopped after --dot-timeout, with a clear error") {
  TempDir dir("report");
  train_moons(dir);
  {
    std::ofstream script(dir / "stuck-dot");
    script << "#!/bin/sh\nsleep 1000 &\nsleep 1000\n";  // a child of its own too: the whole group is stopped
  }
  std::filesystem::permissions(dir / "stuck-dot", std::filesystem::perms::owner_all);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "r.html", "--dot-program",
                               dir / "stuck-dot", "--dot-timeout", "0.5"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  CHECK(r.code == 1);
  CHECK(count_lines(r.err) == 1);
  CHECK(contains(r.err, fmt::format("Graphviz's '{}' did not finish within 0.5 s, so it was stopped",
                                    dir / "stuck-dot")));
  CHECK_FALSE(std::filesystem::exists(dir / "r.html"));
  CHECK(run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "r.html", "--dot-timeout", "0"})
            .code == 2);
}

TEST_CASE(
    "report on a conv network: its layers with their parameters, the first layer's kernels, the graph") {
  TempDir dir("report");
  write_image_set(dir.path / "images");
  REQUIRE(run_tapegrad({"train", "--data", dir / "images", "--layers", "conv:2x3x3:tanh,pool:2,softmax:10",
                        "--epochs", "2", "--csv", dir / "e.csv", "--save", dir / "ckpt"})
              .code == 0);
  const auto r = run_tapegrad({"report", "--checkpoint", dir / "ckpt", "--csv", dir / "e.csv", "-o",
                               dir / "r.html", "--images", "4", "--numeric"});
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "conv:2x3x3:tanh,pool:2,softmax:10 on "));
  const std::smatch rel = [&] {
    std::smatch m;
    // The summary names the equations compared: the conv layer's parameters', the pooling layer's δ.
    REQUIRE(std::regex_search(r.out, m,
                              std::regex("BP1–BP4, BP3-conv, BP4-conv, BP2-pool vs autodiff ([0-9.e+-]+)")));
    return m;
  }();
  CHECK(std::stod(rel[1]) < 1e-12);

  const auto any = tg::cli::load_any_problem(dir / "ckpt", {}, {});
  const tg::nn::Network& net = std::get<tg::cli::LayersProblem>(any).net;
  const std::string html = read_file(dir / "r.html");
  const std::string layers = section(html, "layers");
  std::size_t total = 0;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    std::size_t n = 0;
    for (const tg::nn::Parameter& q : net.layer(l).parameters()) n += q.value.value().size();
    total += n;
    INFO("layer ", l);
    CHECK(contains(layers, fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", l,
                                       tg::cli::escape_xml(net.layer(l).describe()),
                                       n == 0 ? "" : std::to_string(n))));
  }
  CHECK(contains(layers, fmt::format("{} parameters in all", total)));
  const tg::Tensor& w = net.layer(2).parameters()[0].value.value();
  const std::string kernels = section(html, "kernels");
  CHECK(count(kernels, "<img src=\"data:image/png;base64,") == 2);
  CHECK(contains(kernels, fmt::format("+{:.3g} white", xt::amax(xt::abs(w))())));
  CHECK(contains(section(html, "graph"), "conv2d"));
  CHECK(contains(section(html, "verification"), "<td>w<sup>2</sup></td><td>(2,1,3,3)</td>"));
  CHECK(count(section(html, "images"), "<figure class=") == 4);
  CHECK(count(section(html, "curves"), "class=\"series") > 0);

  // Its activations larger than memory: refused at once, with the numbers, and no page written.
  // Per example 36 inputs, 48 map values, 10 units: the 40 test images' chunk, 40 × 198 numbers,
  // outweighs the batch of 10, 10 × 652, recorded and by hand.
  const tg::test::MemoryCap cap("30K");
  const auto refused = run_tapegrad({"report", "--checkpoint", dir / "ckpt", "-o", dir / "small.html"});
  CHECK(refused.code == 1);
  CHECK(refused.out.empty());
  CHECK(contains(refused.err,
                 "checking the gradients of conv:2x3x3:tanh,pool:2,softmax:10 on (1,6,6) on 10 "
                 "examples (65.7 KB for the activations of the batch, recorded and by hand, or of an "
                 "evaluated chunk of the test set, the most of them in layer 2"));
  CHECK_FALSE(std::filesystem::exists(dir / "small.html"));
}
