#include "cli/report_command.hpp"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "cli/files.hpp"
#include "cli/graphviz_render.hpp"
#include "cli/html.hpp"
#include "cli/png.hpp"
#include "cli/progress.hpp"
#include "cli/problem.hpp"
#include "cli/training_curves.hpp"
#include "cli/any_network.hpp"
#include "cli/network_memory.hpp"
#include "nn/compare.hpp"
#include "nn/conv_layer.hpp"
#include "nn/loss_graph.hpp"
#include "nn/train.hpp"

namespace tg::cli {

namespace {

namespace fs = std::filesystem;

// Plain CSS, system fonts: nothing to fetch.
constexpr const char* style = R"(
body { font-family: sans-serif; margin: 24px auto; max-width: 1100px; color: #222; padding: 0 16px; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
p.note { color: #555; }
table { border-collapse: collapse; }
th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; }
table.settings th { text-align: left; font-weight: normal; color: #555; }
table.numbers td { text-align: right; font-family: monospace; }
table.numbers td:first-child, table.numbers td:nth-child(2) { text-align: left; }
tr.fail td { background: #fde0e0; }
.ok { color: #1a7f37; font-weight: bold; }
.fail { color: #c00000; font-weight: bold; }
.figure-box { overflow-x: auto; }
#graph svg { max-width: 100%; height: auto; cursor: zoom-in; }
#graph.natural svg { max-width: none; cursor: zoom-out; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.grid figure { margin: 0; width: 104px; text-align: center; font-size: 12px; border: 3px solid transparent; padding: 3px; }
.grid figure.wrong { border-color: #c00000; background: #fde0e0; }
.grid img { width: 84px; height: 84px; image-rendering: pixelated; }
.grid.kernels figure { width: 60px; }
.grid.kernels img { width: 48px; height: 48px; }
.grid .true { display: block; color: #555; }
)";

// Measures, once the page has loaded, whether the pictures and the table were laid out: the
// curves whose drawn box has a size, the table's rows with a height, the images decoded. The
// counts go into <body data-rendered="..."> (tests/cli/report_in_browser.sh reads them).
constexpr const char* render_check = R"(
window.addEventListener('load', function () {
  function count(selector, drawn) {
    var n = 0;
    document.querySelectorAll(selector).forEach(function (e) { if (drawn(e)) n++; });
    return n + '/' + document.querySelectorAll(selector).length;
  }
  var box = function (e) { var b = e.getBBox(); return b.width > 0 || b.height > 0; };
  var laid_out = function (e) { return e.getBoundingClientRect().height > 0; };
  document.body.setAttribute('data-rendered',
      'curves=' + count('#curves path.series', box) +
      ' table-rows=' + count('#verification tbody tr', laid_out) +
      ' graph=' + count('#graph svg', laid_out) +
      ' images=' + count('#images img', function (e) { return e.complete && e.naturalWidth > 0; }));
});
)";

std::string note(const nn::CheckpointExtra& notes, const std::string& key,
                 const std::string& fallback = "-") {
  const auto it = notes.find(key);
  return it == notes.end() ? fallback : it->second;
}

std::string row(const std::string& name, const std::string& value) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape_xml(name), escape_xml(value));
}

// The settings' network row: "[784,100,10]: sigmoid hidden layers, softmax output", or the layers.
std::string network_row(const nn::Mlp& net) {
  return fmt::format("{}: {} hidden layers, {} output", sizes_str(net.sizes()), to_string(net.hidden()),
                     to_string(net.output()));
}
std::string network_row(const nn::Network& net) { return network_str(net); }

template <class P>
std::string settings_section(const ReportCommand& c, const P& p, const nn::CheckpointExtra& notes,
                             const nn::Evaluation& test) {
  std::string s = "<section id=\"settings\">\n<table class=\"settings\">\n";
  s += row("checkpoint", c.checkpoint);
  s += row("data set", fmt::format("{} ({} training, {} test examples)", p.data.name, p.data.train.size(),
                                   p.data.test.size()));
  s += row("network", network_row(p.net));
  s += row("cost", nn::describe(p.cost));
  // The rates are noted with 17 digits, to restore them exactly; shown rounded.
  const auto rate = [&](const char* key) {
    const std::optional<double> x = parse_number(note(notes, key, ""));
    return x ? fmt::format("{:g}", *x) : note(notes, key);
  };
  std::string optimizer = fmt::format("{}, η = {}", note(notes, "optimizer"), rate("learning_rate"));
  if (const std::optional<nn::StepDecay> d = noted_schedule(notes, c.checkpoint))
    optimizer += fmt::format(" {}", nn::describe(*d));  // η₀, decayed by the schedule
  if (notes.count("momentum")) optimizer += fmt::format(", μ = {}", rate("momentum"));
  s += row("optimizer", optimizer + (note(notes, "batch_size") == "0"
                                         ? std::string(", full batch")
                                         : fmt::format(", batch {}", note(notes, "batch_size"))));
  s += row("epochs", note(notes, "epochs"));
  s += row("seed", note(notes, "seed"));
  if (p.data.classification())
    s += row("test set now", fmt::format("accuracy {:.2f}%, cost {:.6f}", 100.0 * test.accuracy, test.cost));
  else s += row("test set now", fmt::format("cost {:.6f}", test.cost));
  return s + "</table>\n</section>\n";
}

// table: the CSV's, when one was given.
std::string curves_section(const ReportCommand& c, const std::optional<EpochTable>& table,
                           const std::string& title) {
  std::string s = "<section id=\"curves\">\n<h2>Training curves</h2>\n";
  if (!table)
    return s +
           "<p class=\"note\">No per-epoch CSV was given (<code>tapegrad train --csv FILE</code> writes one; "
           "<code>tapegrad report --csv FILE</code> reads it).</p>\n</section>\n";
  s += fmt::format(
      "<p class=\"note\">From {}: {} epoch{}; the cost C and the fraction classified right after each epoch, on "
      "the training set (solid) and the test set (dashed).</p>\n",
      escape_xml(fs::path(c.csv).filename().string()), table->rows.size(),
      table->rows.size() == 1 ? "" : "s");
  return s + "<div class=\"figure-box\">\n" + curves_svg(*table, title) + "</div>\n</section>\n";
}

// The graph of C on the first training example (nn/loss_graph.hpp), drawn by Graphviz's dot
// as inline SVG; without dot, its DOT text.
template <class P>
std::string graph_section(const ReportCommand& c, const P& p) {
  const nn::data::Examples first = first_columns(p.data.train, 1);
  nn::LossGraphOptions options;
  std::size_t parameters = 0;
  for (const Variable& v : p.net.parameters()) parameters += v.value().size();
  options.values = parameters <= 100;  // the numbers on the nodes when they fit (xor, moons)
  const std::string dot = nn::loss_graph_dot(p.net, p.cost, first.X, first.Y, options);
  std::string s = "<section id=\"graph\">\n<h2>The graph of the loss</h2>\n";
  s +=
      "<p class=\"note\">The computation of the cost C on the first training example, one node per op, as the tape "
      "records it: the leaves x = a<sup>1</sup>, W<sup>l</sup>, b<sup>l</sup>, y; the nodes z<sup>l</sup>, a<sup>l</sup> "
      "and C; on z<sup>l</sup> the error δ<sup>l</sup> = ∂C/∂z<sup>l</sup> (BP1, BP2), on W<sup>l</sup> and "
      "b<sup>l</sup> their gradients (BP4, BP3), and the step of the backward pass that produced each. "
      "<code>tapegrad graph</code> draws it on its own.</p>\n";
  if constexpr (std::is_same_v<P, LayersProblem>)
    s +=
        "<p class=\"note\">In a network of layers a conv layer's kernels are w<sup>l</sup>, and its δ<sup>l</sup> comes "
        "from the layer above by (BP2-conv), (BP2-pool) or BP2; its kernels' and biases' gradients by (BP4-conv) and "
        "(BP3-conv) (docs/conv.md).</p>\n";
  if (options.values) s += "<p class=\"note\">Each node also shows its value and its gradient.</p>\n";
  const std::chrono::duration<double> timeout(c.dot_timeout);
  if (!graphviz_available(c.dot_program, timeout))
    return s +
           fmt::format(
               "<p class=\"note\">Graphviz's <code>{}</code> is not installed (Debian package graphviz), "
               "so here is the graph as DOT text; <code>dot -Tsvg</code> draws it.</p>\n<pre>{}</pre>\n</section>\n",
               escape_xml(c.dot_program), escape_xml(dot));
  std::string svg = render_dot(dot, GraphFormat::svg, c.dot_program, timeout);
  // Inline: the <svg> element without the XML prolog and DOCTYPE that come before it.
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos)
    throw std::runtime_error(fmt::format("{} -Tsvg: no <svg> element in its output", c.dot_program));
  s += "<p class=\"note\">Click the picture to see it at full size.</p>\n";
  return s +
         "<div class=\"figure-box\" onclick=\"document.getElementById('graph').classList.toggle('natural')\">\n" +
         svg.substr(start) + "</div>\n</section>\n";
}

// What finite differences checked: "finite differences at 310 of 79,510 weights, evenly spaced
// (--numeric checks every one)", or at all of them, or none.
std::string numeric_note(const nn::CompareReport& r) {
  if (!r.has_numeric) return "finite differences: none (--no-numeric)";
  if (r.numeric_checked() == r.elements())
    return fmt::format("finite differences at all {} weights", with_commas(r.numeric_checked()));
  return fmt::format("finite differences at {} of {} weights, evenly spaced (--numeric checks every one)",
                     with_commas(r.numeric_checked()), with_commas(r.elements()));
}

// file: where the hand-written equations are, "nn/backprop.cpp" or nn/network_backprop.cpp.
std::string verification_section(const nn::CompareReport& r, std::size_t m, const std::string& data_name,
                                 const std::string& file) {
  const std::string equations = r.by_hand_str();
  std::string s =
      fmt::format("<section id=\"verification\">\n<h2>Gradients: {} by hand against autodiff", equations);
  s += r.has_numeric ? " and finite differences</h2>\n" : "</h2>\n";
  s += fmt::format(
      "<p class=\"note\">∂C/∂W<sup>l</sup> and ∂C/∂b<sup>l</sup> on the first {} training examples of {}, computed by the "
      "equations alone ({}), by the autodiff engine{}; as <code>tapegrad verify</code> prints them. "
      "A relative difference is max|g − h| / max(‖g‖<sub>∞</sub>, ‖h‖<sub>∞</sub>). Cost C = {:.12g}.</p>\n",
      m, escape_xml(data_name), file, r.has_numeric ? " and by central finite differences" : "", r.cost);
  s +=
      "<table class=\"numbers\" id=\"verification-table\">\n<thead><tr><th>param</th><th>shape</th><th>‖grad‖∞</th>"
      "<th>autodiff abs</th><th>autodiff rel</th>";
  if (r.has_numeric) s += "<th>numeric abs</th><th>numeric rel</th>";
  s += "</tr></thead>\n<tbody>\n";
  for (const nn::ParameterReport& p : r.parameters) {
    s +=
        fmt::format("<tr><td>{}<sup>{}</sup></td><td>{}</td><td>{:.4e}</td><td>{:.3e}</td><td>{:.3e}</td>",
                    p.name, p.layer, shape_str(p.shape), p.grad_norm, p.autodiff.max_abs, p.autodiff.max_rel);
    if (r.has_numeric)
      s += fmt::format("<td>{:.3e}</td><td>{:.3e}</td>", p.numeric.max_abs, p.numeric.max_rel);
    s += "</tr>\n";
  }
  s += "</tbody>\n</table>\n";
  s += fmt::format("<p class=\"note\">{}.</p>\n", escape_xml(numeric_note(r)));
  // The verdict with verify's default tolerances; a NaN or infinite cost or gradient fails too.
  const nn::Tolerances tolerances;
  const std::vector<std::string> failed = nn::failures(r, tolerances);
  const bool ok = failed.empty();
  s += fmt::format("<p><span class=\"{}\">{}</span> largest relative difference, {} vs autodiff: {:.3e}",
                   ok ? "ok" : "fail", ok ? "OK" : "FAIL", equations, r.max_rel_autodiff());
  if (r.has_numeric) s += fmt::format("; vs finite differences: {:.3e}", r.max_rel_numeric());
  s += fmt::format(" (tolerances {:g} and {:g}, as <code>tapegrad verify</code>'s)</p>\n",
                   tolerances.autodiff, tolerances.numeric);
  for (const std::string& why : failed) s += fmt::format("<p class=\"fail\">FAIL: {}</p>\n", escape_xml(why));
  return s + "</section>\n";
}

// Column j of X as 8-bit pixels.   X: (rows·cols, m)
std::vector<std::uint8_t> pixels(const Tensor& X, std::size_t j) {
  std::vector<std::uint8_t> p(X.shape()[0]);
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = static_cast<std::uint8_t>(std::lround(std::clamp(X(i, j), 0.0, 1.0) * 255.0));
  return p;
}

template <class P>
std::string images_section(const ReportCommand& c, const P& p) {
  const DataSet& data = p.data;
  std::string s = "<section id=\"images\">\n<h2>Test images</h2>\n";
  const bool images = data.image_rows > 0 && data.image_rows * data.image_cols == data.inputs();
  if (!images)
    return s +
           fmt::format(
               "<p class=\"note\">The examples of {} are not images (each has {} input{}), so there is no grid "
               "of test images.</p>\n</section>\n",
               escape_xml(data.name), data.inputs(), data.inputs() == 1 ? "" : "s");
  const std::size_t n = std::min(c.images, data.test.size());
  if (n == 0)
    return s + "<p class=\"note\">No test images shown (<code>--images 0</code>).</p>\n</section>\n";
  const nn::data::Examples first = first_columns(data.test, n);
  const std::vector<std::size_t> predicted = nn::class_labels(nn::predict(p.net, first.X));
  const std::vector<std::size_t> truth = nn::class_labels(first.Y);
  const auto name = [&](std::size_t k) {
    return k < data.classes.size() ? data.classes[k] : std::to_string(k);
  };
  std::size_t wrong = 0;
  for (std::size_t j = 0; j < n; ++j) wrong += predicted[j] != truth[j];
  s += fmt::format(
      "<p class=\"note\">The first {} test images, with the class the network predicts (the largest output "
      "a<sup>L</sup><sub>j</sub>) and the true class below it; the {} it gets wrong are marked in red.</p>\n",
      n, wrong);
  s += "<div class=\"grid\">\n";
  for (std::size_t j = 0; j < n; ++j) {
    const bool right = predicted[j] == truth[j];
    const std::string png = encode_png_gray(pixels(first.X, j), data.image_cols, data.image_rows);
    s += fmt::format(
        "<figure class=\"{}\" data-predicted=\"{}\" data-true=\"{}\"><img src=\"{}\" alt=\"test image {}\">"
        "<figcaption><span class=\"predicted\">{}{}</span><span class=\"true\">true: {}</span></figcaption></figure>\n",
        right ? "right" : "wrong", predicted[j], truth[j], data_uri("image/png", png), j + 1,
        right ? "" : "✗ ", escape_xml(name(predicted[j])), escape_xml(name(truth[j])));
  }
  return s + "</div>\n</section>\n";
}

// A live "finite differences: 12,345 of 79,510 weights (15%)" line on a terminal, redrawn at
// each percent and erased at the end; nothing elsewhere.
std::function<void(std::size_t, std::size_t)> live_count(std::FILE* out) {
  if (!is_terminal(out)) return {};
  return [out, shown = std::size_t(101)](std::size_t done, std::size_t total) mutable {
    const std::size_t percent = 100 * done / total;
    if (percent == shown) return;
    shown = percent;
    fmt::print(out, "\rfinite differences: {} of {} weights ({}%)", with_commas(done), with_commas(total),
               percent);
    if (done == total) fmt::print(out, "\r\x1b[K");
    std::fflush(out);
  };
}

// The verification table's numbers: BP1–BP4 against autodiff and finite differences. A check of
// more than 10,000 weights says so first (2 forward passes each: seconds to minutes).
template <class P>
nn::CompareReport check_gradients(const ReportCommand& c, const P& p, const nn::data::Examples& batch,
                                  std::FILE* out) {
  nn::CompareOptions options;
  options.numeric = c.numeric;
  options.sample = c.numeric_sample;
  options.progress = live_count(out);
  std::size_t weights = 0;
  for (const Variable& v : p.net.parameters()) weights += v.value().size();
  if (c.numeric && c.numeric_sample == 0 && weights > 10000) {
    fmt::print(
        out,
        "checking all {} weights by finite differences (2 forward passes each; a sample is the default)...\n",
        with_commas(weights));
    std::fflush(out);
  }
  return nn::compare(p.net, batch.X, batch.Y, p.cost, options);
}

// For a network of layers: each layer as nn::Network::describe prints it, with its parameters.
std::string layers_section(const nn::Network& net) {
  std::string s =
      "<section id=\"layers\">\n<h2>The layers</h2>\n<p class=\"note\">Layer 1 is the input; each layer l takes "
      "a<sup>l−1</sup> and gives z<sup>l</sup> and a<sup>l</sup> = σ(z<sup>l</sup>), shapes per example "
      "(channels, height, width) or (N).</p>\n<table class=\"numbers\">\n<thead><tr><th>layer</th><th>what it "
      "does</th><th>parameters</th></tr></thead>\n<tbody>\n";
  s += fmt::format("<tr><td>1</td><td>input {}</td><td></td></tr>\n", shape_str(net.input_shape()));
  std::size_t total = 0;
  for (std::size_t l = 2; l <= net.num_layers(); ++l) {
    std::size_t n = 0;
    for (const nn::Parameter& q : net.layer(l).parameters()) n += q.value.value().size();
    total += n;
    s += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", l, escape_xml(net.layer(l).describe()),
                     n == 0 ? std::string() : with_commas(n));
  }
  return s + fmt::format("</tbody>\n</table>\n<p class=\"note\">{} parameters in all.</p>\n</section>\n",
                         with_commas(total));
}

// The first conv layer's kernels as small grey images, one per kernel and input channel: 0 is
// mid-grey, the layer's largest |w| white when positive and black when negative.
std::string kernels_section(const nn::Network& net) {
  const nn::Conv* conv = nullptr;
  std::size_t l = 2;
  for (; l <= net.num_layers() && !conv; ++l) conv = dynamic_cast<const nn::Conv*>(&net.layer(l));
  if (!conv) return "";
  const Tensor& w = conv->w().value();  // (F, C, K, K')
  const std::size_t F = w.shape()[0], C = w.shape()[1], K = w.shape()[2], K2 = w.shape()[3];
  double peak = 0;
  for (std::size_t i = 0; i < w.size(); ++i) peak = std::max(peak, std::abs(w.data()[i]));
  if (peak == 0) peak = 1;
  std::string s = fmt::format(
      "<section id=\"kernels\">\n<h2>The kernels of layer {}</h2>\n<p class=\"note\">Each of its {} kernel{} "
      "w<sup>{}</sup><sub>f</sub> per input channel, {}×{}: 0 is grey, +{:.3g} white, −{:.3g} black.</p>\n"
      "<div class=\"grid kernels\">\n",
      l - 1, F, F == 1 ? "" : "s", l - 1, K, K2, peak, peak);
  std::vector<std::uint8_t> pixels(K * K2);
  for (std::size_t f = 0; f < F; ++f)
    for (std::size_t c = 0; c < C; ++c) {
      for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] =
            static_cast<std::uint8_t>(std::lround(127.5 + 127.5 * w.data()[(f * C + c) * K * K2 + i] / peak));
      s += fmt::format(
          "<figure><img src=\"{}\" alt=\"kernel {}\"><figcaption>f = {}{}</figcaption></figure>\n",
          data_uri("image/png", encode_png_gray(pixels, K2, K)), f + 1, f + 1,
          C == 1 ? std::string() : fmt::format(", channel {}", c + 1));
    }
  return s + "</div>\n</section>\n";
}

// What a network's own pages add, and where its hand-written equations are.
std::string network_sections(const nn::Mlp&) { return ""; }
std::string network_sections(const nn::Network& net) { return layers_section(net) + kernels_section(net); }
std::string equations_file(const nn::Mlp&) { return "nn/backprop.cpp"; }
std::string equations_file(const nn::Network&) { return "each layer's, nn/network_backprop.cpp"; }

// The page for the problem p (an Mlp's or a network of layers'), written to c.output.
template <class P>
int write_report(const ReportCommand& c, const P& p, const std::optional<EpochTable>& epochs,
                 std::FILE* out) {
  const nn::CheckpointExtra notes = nn::load_checkpoint_extra(c.checkpoint);
  const std::size_t m = std::min(c.batch, p.data.train.size());
  require_gradient_check_memory(p.net, m, p.data.test.size());
  const nn::Evaluation test = nn::evaluate(p.net, p.data.test, p.cost);
  const nn::data::Examples batch = first_columns(p.data.train, m);
  const nn::CompareReport compared = check_gradients(c, p, batch, out);

  const std::uint64_t seed = recorded_count(notes, "seed", c.checkpoint).value_or(1);
  const std::optional<double> learning_rate = parse_number(note(notes, "learning_rate", ""));
  const std::size_t batch_size = recorded_count(notes, "batch_size", c.checkpoint).value_or(0);
  const std::string title =
      run_title(p.data.name, network_str(p.net), nn::describe(p.cost), note(notes, "optimizer", "?"),
                learning_rate.value_or(NAN), batch_size == 0 ? p.data.train.size() : batch_size, seed,
                noted_schedule(notes, c.checkpoint));

  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>tapegrad report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                      escape_xml(title), style);
  html += fmt::format("<h1>tapegrad report</h1>\n<p class=\"note\">{}</p>\n", escape_xml(title));
  html += settings_section(c, p, notes, test);
  html += network_sections(p.net);
  html += curves_section(c, epochs, title);
  html += graph_section(c, p);
  html += verification_section(compared, m, p.data.name, equations_file(p.net));
  html += images_section(c, p);
  html += fmt::format("<script>{}</script>\n</body>\n</html>\n", render_check);
  write_file_atomically(c.output, html);

  const std::vector<std::string> failed = nn::failures(compared);
  fmt::print(out, "tapegrad report: {} {} on {}: {}, {} vs autodiff {:.3e}{}\n", c.checkpoint,
             short_str(p.net), p.data.name,
             p.data.classification() ? fmt::format("test accuracy {:.2f}%", 100.0 * test.accuracy)
                                     : fmt::format("test cost {:.6f}", test.cost),
             compared.by_hand_str(), compared.max_rel_autodiff(),
             failed.empty() ? "" : fmt::format(": FAIL, {}", fmt::join(failed, "; ")));
  fmt::print(out, "{}\n", numeric_note(compared));
  fmt::print(out, "written to {} (one self-contained file: open it in a browser)\n", c.output);
  return 0;
}

}  // namespace

void add_report_options(CLI::App& app, ReportCommand& c) {
  add_checkpoint_option(app, c.checkpoint);
  app.add_option("--csv", c.csv,
                 "the run's per-epoch CSV (from tapegrad train --csv), for the training curves")
      ->check(non_empty("a file name"))
      ->type_name("FILE");
  app.add_option("-o,--out", c.output, "the HTML file to write (required)")
      ->check(non_empty("a file name"))
      ->type_name("FILE");
  add_old_spelling<std::string>(app, "--output", "--out", [&c](const std::string& f) { c.output = f; });
  // Required: one of the two spellings.
  app.callback([&c] {
    if (c.output.empty()) throw CLI::RequiredError("--out");
  });
  add_data_options(app, c.data, "the one the checkpoint was trained on");
  add_cost_options(app, c.model);
  add_batch_size_option(
      app, [&c](std::size_t n) { c.batch = n; },
      "the verification table's batch: the first N training examples (default 10)", positive_count(), true);
  CLI::Option* all = app.add_flag_callback(
      "--numeric", [&c] { c.numeric_sample = 0; },
      "finite differences at every weight (2 forward passes each: slow for a big network)");
  CLI::Option* sample =
      app.add_option("--numeric-sample", c.numeric_sample,
                     "finite differences at N weights of each W^l and b^l, evenly spaced (default 100)")
          ->check(positive_count())
          ->type_name("N");
  app.add_flag_callback(
         "--no-numeric", [&c] { c.numeric = false; },
         "leave finite differences out of the verification table")
      ->excludes(all)
      ->excludes(sample);
  all->excludes(sample);
  app.add_option("--dot-program", c.dot_program,
                 "Graphviz's dot, for the graph picture (default: dot on the PATH)")
      ->check(non_empty("a program"))
      ->type_name("PROGRAM");
  app.add_option("--dot-timeout", c.dot_timeout,
                 "seconds the dot program may run before it is stopped (default 60)")
      ->check(positive_number())
      ->type_name("SECONDS");
  app.add_option("--images", c.images, "test images in the grid, for image data (default 32)")
      ->check(count())
      ->type_name("N");
}

int run_report(const ReportCommand& c, std::FILE* out) {
  // The files first, before the work: a bad one is reported at once.
  check_writable(c.output);
  std::optional<EpochTable> epochs;
  if (!c.csv.empty()) {
    epochs = read_epoch_csv(c.csv);
    if (epochs->rows.empty())
      throw std::runtime_error(fmt::format("{}: no epochs in it, only the header", c.csv));
  }

  const AnyProblem problem = load_any_problem(c.checkpoint, c.data, c.model);
  return std::visit([&](const auto& p) { return write_report(c, p, epochs, out); }, problem);
}

}  // namespace tg::cli
