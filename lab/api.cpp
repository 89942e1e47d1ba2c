// The lab's C interface, for the page (emscripten's cwrap): JSON strings in and out, so that
// every bad setting comes back as {"error": "..."} for the page to show, never as an abort.
//
//   lab_new(config)          {"data":"moons","train_size":200,"seed":1,"hidden":[8,8],"activation":"tanh",
//                             "output":"softmax","cost":"log_likelihood","l2":0,"optimizer":"sgd","eta":0.5,
//                             "batch":10} or {"preset":"seed002"}; absent keys: the data set's defaults
//   lab_train(steps)         {"steps","epoch","loss","accuracy","divergence"}
//   lab_data()               the training points and labels, the network's sizes and activations
//   lab_weights()            W^l and b^l of every layer
//   lab_grid(n, x0, x1, y0, y1)   every neuron's a^l_j on an n×n grid, as floats: {"ptr","count"}
//   lab_explain(k, digits)   explain's rows (k < 0: seed 002's example) and the backward steps
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/session.hpp"
#include "nn/activation.hpp"
#include "nn/cost.hpp"
#include "nn/metrics.hpp"

namespace {

using nlohmann::json;
using tg::lab::Session;

std::unique_ptr<Session> session;
std::string reply;               // the last answer, alive until the next call
std::vector<float> grid_values;  // lab_grid's numbers, read by the page from wasm memory

const char* answer(const json& j) {
  reply = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply.c_str();
}

// Runs f, turning any exception into {"error": message}.
template <class F>
const char* guarded(F f) {
  try {
    return answer(f());
  } catch (const std::exception& e) {
    return answer(json{{"error", e.what()}});
  }
}

Session& current() {
  if (!session) throw std::logic_error("no network yet: choose the settings first");
  return *session;
}

// A number that JSON can hold: NaN and ±∞ become null.
json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json matrix(const tg::Tensor& t) {
  json rows = json::array();
  for (std::size_t i = 0; i < t.shape()[0]; ++i) {
    json row = json::array();
    for (std::size_t j = 0; j < t.shape()[1]; ++j) row.push_back(number(t(i, j)));
    rows.push_back(row);
  }
  return rows;
}

tg::lab::LabConfig config_from(const json& j) {
  tg::lab::LabConfig c;
  if (j.value("preset", "") == "seed002") c.worked_example = true;
  c.data = j.value("data", "xor");
  c.train_size = j.value("train_size", std::size_t{0});
  if (j.contains("seed")) c.model.seed = j.at("seed").get<std::uint64_t>();
  if (j.contains("hidden")) {
    c.hidden = j.at("hidden").get<std::vector<std::size_t>>();
    c.default_hidden = false;
  }
  if (j.contains("activation"))
    c.model.hidden = tg::nn::parse_activation(j.at("activation").get<std::string>());
  if (j.contains("output")) c.model.output = tg::nn::parse_activation(j.at("output").get<std::string>());
  if (j.contains("cost")) c.model.cost = tg::nn::parse_cost(j.at("cost").get<std::string>());
  if (j.contains("l2")) {
    if (j.at("l2").is_null() || !(j.at("l2").get<double>() >= 0))
      throw std::invalid_argument(fmt::format("L2's λ must be a number ≥ 0, got {}", j.at("l2").dump()));
    c.model.l2 = j.at("l2").get<double>();
  }
  c.optimizer.name = j.value("optimizer", "sgd");
  if (j.contains("eta")) {  // the page sends null for NaN
    if (!j.at("eta").is_number())
      throw std::invalid_argument(fmt::format("η must be a finite number > 0, got {}", j.at("eta").dump()));
    c.optimizer.learning_rate = j.at("eta").get<double>();
  }
  if (j.contains("batch")) c.batch_size = j.at("batch").get<std::size_t>();
  return c;
}

json progress_json(const tg::lab::Progress& p) {
  return {{"steps", p.steps},
          {"epoch", p.epoch},
          {"loss", number(p.loss)},
          {"accuracy", number(p.accuracy)},
          {"divergence", p.divergence}};
}

// "z^3 = add (1,1)": a step as format_steps writes it, without its number.
std::string step_text(const tg::BackwardStep& s) {
  const std::string line = tg::format_steps({s});  // "   6  z^3 = add (1,1)\n"
  const std::size_t start = line.find("  ", line.find_first_not_of(' '));
  return line.substr(start + 2, line.size() - start - 3);
}

json row_json(const tg::nn::ExplainRow& r, int digits) {
  static const char* parts[] = {"forward", "cost", "backward"};
  json j{{"part", parts[static_cast<int>(r.part)]},
         {"equation", r.equation},
         {"quantity", r.quantity},
         {"line", tg::nn::explain_line(r, digits)},
         {"value", number(r.value)},
         {"layer", r.layer},
         {"j", r.j},
         {"k", r.k},
         {"engine_node", r.engine_node}};
  if (r.engine) j["engine"] = tg::nn::engine_value_str(*r.engine, digits);
  if (r.step) j["step"] = *r.step;
  return j;
}

}  // namespace

extern "C" {

const char* lab_new(const char* config) {
  return guarded([&] {
    session.reset();
    session = std::make_unique<Session>(config_from(json::parse(config)));
    return progress_json(session->progress());
  });
}

const char* lab_train(int steps) {
  return guarded([&] {
    if (steps < 0) throw std::invalid_argument("lab_train: steps must be ≥ 0");
    return progress_json(current().train(static_cast<std::size_t>(steps)));
  });
}

const char* lab_data() {
  return guarded([&] {
    const Session& s = current();
    const tg::cli::Problem& p = s.problem();
    const std::vector<std::size_t> labels = tg::nn::class_labels(p.data.train.Y);
    return json{{"name", p.data.name},
                {"X", matrix(p.data.train.X.matrix())},
                {"labels", labels},
                {"classes", p.data.classes},
                {"sizes", p.net.sizes()},
                {"hidden", tg::nn::to_string(p.net.hidden())},
                {"output", tg::nn::to_string(p.net.output())},
                {"cost", tg::nn::describe(p.cost)},
                {"batch", s.batch_size()},
                {"eta", s.learning_rate()}};
  });
}

const char* lab_weights() {
  return guarded([&] {
    const tg::nn::Mlp& net = current().problem().net;
    json layers = json::array();
    for (std::size_t l = 2; l <= net.num_layers(); ++l)
      layers.push_back({{"W", matrix(net.layer(l).W.value())}, {"b", matrix(net.layer(l).b.value())}});
    return layers;
  });
}

const char* lab_grid(int n, double x0, double x1, double y0, double y1) {
  return guarded([&] {
    if (n < 2 || n > 200) throw std::invalid_argument("lab_grid: n must be 2..200");
    const std::size_t m = static_cast<std::size_t>(n) * n;
    tg::Tensor X = tg::Tensor::from_shape({2, m});
    for (std::size_t r = 0; r < std::size_t(n); ++r)  // row r from the top: y from y1 down to y0
      for (std::size_t c = 0; c < std::size_t(n); ++c) {
        X(0, r * n + c) = x0 + (x1 - x0) * (c + 0.5) / n;
        X(1, r * n + c) = y1 - (y1 - y0) * (r + 0.5) / n;
      }
    grid_values.clear();
    for (const tg::Tensor& a : current().activations(X))  // a^1 = X, a^2, ..., a^L: neuron by neuron
      for (double v : a) grid_values.push_back(static_cast<float>(v));
    return json{{"ptr", reinterpret_cast<std::uintptr_t>(grid_values.data())}, {"count", grid_values.size()}};
  });
}

const char* lab_explain(int example, int digits) {
  return guarded([&] {
    tg::Tensor x, y;
    const std::optional<std::size_t> k = example < 0 ? std::nullopt : std::optional<std::size_t>(example);
    const tg::nn::Explanation e = current().explain(k, digits, x, y);
    json rows = json::array(), steps = json::array();
    for (const tg::nn::ExplainRow& r : e.rows) rows.push_back(row_json(r, digits));
    for (const tg::BackwardStep& s : e.backward)
      steps.push_back({{"step", s.step}, {"op", s.op}, {"label", s.label}, {"text", step_text(s)}});
    std::vector<double> xs(x.begin(), x.end()), ys(y.begin(), y.end());
    return json{{"x", xs}, {"y", ys}, {"rows", rows}, {"backward", steps}};
  });
}

}  // extern "C"
