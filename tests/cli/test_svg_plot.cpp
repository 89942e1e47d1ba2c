// Line charts as SVG (cli/svg_plot.cpp): one path per series with its points, scales that map
// the data's smallest and largest values onto the plot box, escaped text, and values that are
// NaN, infinite, alone or all equal drawn without a NaN in the picture.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/svg_plot.hpp"

using tg::cli::Figure;
using tg::cli::Panel;
using tg::cli::Series;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

struct Point {
  char command;  // 'M' (a line starts) or 'L'
  double x, y;
};

struct Path {
  std::string name;
  std::size_t points_attribute;
  std::vector<Point> points;
};

std::string attribute(const std::string& element, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(element, m, std::regex(" " + name + "=\"([^\"]*)\""))) return "";
  return m[1];
}

// The <path class="series"> elements of an SVG, their points read from d.
std::vector<Path> series_paths(const std::string& svg) {
  std::vector<Path> paths;
  const std::regex element(R"(<path class="series"[^>]*>)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it) {
    const std::string e = it->str();
    Path p{attribute(e, "data-series"), std::stoul(attribute(e, "data-points")), {}};
    const std::string d = attribute(e, "d");
    const std::regex point(R"(([ML])(-?[0-9.]+) (-?[0-9.]+))");
    for (auto q = std::sregex_iterator(d.begin(), d.end(), point); q != std::sregex_iterator(); ++q)
      p.points.push_back({(*q)[1].str()[0], std::stod((*q)[2]), std::stod((*q)[3])});
    paths.push_back(p);
  }
  return paths;
}

struct Box {
  double x, y, width, height;
};

std::vector<Box> plot_boxes(const std::string& svg) {
  std::vector<Box> boxes;
  const std::regex element(R"(<rect class="plot-box"[^>]*>)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it) {
    const std::string e = it->str();
    boxes.push_back({std::stod(attribute(e, "x")), std::stod(attribute(e, "y")),
                     std::stod(attribute(e, "width")), std::stod(attribute(e, "height"))});
  }
  return boxes;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t i = text.find(part); i != std::string::npos; i = text.find(part, i + 1)) ++n;
  return n;
}

Figure one_panel(std::vector<Series> series) {
  Figure f;
  f.title = "test";
  f.panels.push_back(Panel{"panel", "epoch", "value", std::move(series), true});
  return f;
}

}  // namespace

TEST_CASE("render_svg draws one path per series through all its points, in panels side by side") {
  Figure f;
  f.title = "two panels";
  f.panels.push_back(Panel{"loss",
                           "epoch",
                           "C",
                           {Series{"train", {1, 2, 3, 4, 5}, {2.0, 1.5, 1.0, 0.8, 0.7}},
                            Series{"test", {1, 2, 3, 4, 5}, {2.2, 1.6, 1.2, 1.0, 0.9}, "#d62728", true}},
                           true});
  f.panels.push_back(Panel{"accuracy", "epoch", "%", {Series{"train", {1, 2, 3}, {50, 60, 70}}}, true});
  const std::string svg = tg::cli::render_svg(f);
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(count(svg, "</svg>") == 1);

  const std::vector<Path> paths = series_paths(svg);
  REQUIRE(paths.size() == 3);
  CHECK(paths[0].name == "train");
  CHECK(paths[1].name == "test");
  const std::size_t expected[] = {5, 5, 3};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(paths[i].points_attribute == expected[i]);
    REQUIRE(paths[i].points.size() == expected[i]);
    CHECK(paths[i].points[0].command == 'M');
    for (std::size_t k = 1; k < paths[i].points.size(); ++k) CHECK(paths[i].points[k].command == 'L');
  }
  CHECK(count(svg, "stroke-dasharray") == 2);  // the dashed series and its legend entry
  CHECK(count(svg, "class=\"legend-entry\"") == 3);
  // The second panel sits to the right of the first.
  const std::vector<Box> boxes = plot_boxes(svg);
  REQUIRE(boxes.size() == 2);
  CHECK(boxes[1].x >= boxes[0].x + boxes[0].width);
  CHECK(svg.find(">loss</text>") != std::string::npos);
  CHECK(svg.find(">two panels</text>") != std::string::npos);
}

TEST_CASE("the scales map the data's smallest and largest values onto the edges of the plot box") {
  // x from 2 to 6, y from -1 to 3 (the largest and smallest in different series).
  const std::string svg = tg::cli::render_svg(
      one_panel({Series{"a", {2, 3, 4}, {0.5, 3.0, 1.0}}, Series{"b", {4, 5, 6}, {-1.0, 0.0, 2.0}}}));
  const std::vector<Box> boxes = plot_boxes(svg);
  REQUIRE(boxes.size() == 1);
  const Box b = boxes[0];
  const std::vector<Path> paths = series_paths(svg);
  REQUIRE(paths.size() == 2);
  const double eps = 0.011;                                       // coordinates are written with two decimals
  CHECK(std::abs(paths[0].points[0].x - b.x) < eps);              // x = 2, the smallest: left edge
  CHECK(std::abs(paths[1].points[2].x - (b.x + b.width)) < eps);  // x = 6: right edge
  CHECK(std::abs(paths[0].points[1].y - b.y) < eps);              // y = 3, the largest: top edge
  CHECK(std::abs(paths[1].points[0].y - (b.y + b.height)) < eps);  // y = -1: bottom edge
  // and linearly in between: y = 1 is halfway.
  CHECK(std::abs(paths[0].points[2].y - (b.y + b.height / 2)) < eps);

  const tg::cli::Scale s{-1, 3, 300, 60};
  CHECK(s(-1) == 300);
  CHECK(s(3) == 60);
  CHECK(s(1) == 180);
  // Extreme values do not overflow.
  const tg::cli::Scale wide{-1e308, 1e308, 0, 100};
  CHECK(wide(1e308) == 100);
  CHECK(wide(0) == 50);
}

TEST_CASE("ticks are round numbers inside the data's interval") {
  const auto check_ticks = [](const std::vector<double>& ticks, const std::vector<double>& expected) {
    REQUIRE(ticks.size() == expected.size());
    for (std::size_t i = 0; i < ticks.size(); ++i) CHECK(ticks[i] == doctest::Approx(expected[i]));
  };
  check_ticks(tg::cli::nice_ticks(0, 1, 5), {0, 0.2, 0.4, 0.6, 0.8, 1});
  check_ticks(tg::cli::nice_ticks(0.37, 0.52, 3), {0.4, 0.45, 0.5});
  check_ticks(tg::cli::nice_ticks(0.37, 0.52, 5), {0.38, 0.4, 0.42, 0.44, 0.46, 0.48, 0.5, 0.52});
  check_ticks(tg::cli::nice_ticks(-3e-5, 2e-5, 5), {-3e-5, -2e-5, -1e-5, 0, 1e-5, 2e-5});
  CHECK(tg::cli::nice_ticks(1, 5, 6, true) == std::vector<double>{1, 2, 3, 4, 5});
  CHECK(tg::cli::nice_ticks(1, 100, 6, true) == std::vector<double>{20, 40, 60, 80, 100});
  CHECK(tg::cli::nice_ticks(0.95, 1.05, 6, true) == std::vector<double>{1});  // one epoch
  CHECK(tg::cli::nice_ticks(1, 1, 5).empty());
  CHECK(tg::cli::nice_ticks(0, not_a_number, 5).empty());
}

TEST_CASE("data_range: the finite values' extent, an interval around a constant, [0, 1] for none") {
  using Range = std::pair<double, double>;
  CHECK(tg::cli::data_range({3, -2, not_a_number, 7, infinity}) == Range{-2, 7});
  const Range constant = tg::cli::data_range({0.5, 0.5, 0.5});
  CHECK(constant.first == doctest::Approx(0.475));
  CHECK(constant.second == doctest::Approx(0.525));
  CHECK(tg::cli::data_range({0, 0}) == Range{-1, 1});
  CHECK(tg::cli::data_range({not_a_number, -infinity}) == Range{0, 1});
  CHECK(tg::cli::data_range({}) == Range{0, 1});
}

TEST_CASE("NaN and infinite values are left out: the line breaks there and the panel says how many") {
  const std::string svg = tg::cli::render_svg(
      one_panel({Series{"diverged", {1, 2, 3, 4, 5, 6}, {1.0, 0.5, not_a_number, 0.4, infinity, 0.3}}}));
  const std::vector<Path> paths = series_paths(svg);
  REQUIRE(paths.size() == 1);
  CHECK(paths[0].points_attribute == 4);
  REQUIRE(paths[0].points.size() == 4);
  // M L (break) M (break) M: three pieces, the last two points alone.
  CHECK(paths[0].points[0].command == 'M');
  CHECK(paths[0].points[1].command == 'L');
  CHECK(paths[0].points[2].command == 'M');
  CHECK(paths[0].points[3].command == 'M');
  CHECK(svg.find("2 values are not finite (NaN or ±inf): not drawn") != std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf\"") == std::string::npos);

  const std::string none =
      tg::cli::render_svg(one_panel({Series{"all NaN", {1, 2}, {not_a_number, not_a_number}}}));
  CHECK(none.find("no finite values to draw") != std::string::npos);
  CHECK(series_paths(none).at(0).points.empty());
  CHECK(none.find("nan") == std::string::npos);
}

TEST_CASE("one point and a constant series are drawn inside the box, with markers") {
  for (const Series& s :
       {Series{"one epoch", {1}, {0.7}}, Series{"constant", {1, 2, 3}, {0.25, 0.25, 0.25}}}) {
    INFO(s.name);
    const std::string svg = tg::cli::render_svg(one_panel({s}));
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    const Box b = plot_boxes(svg).at(0);
    const std::vector<Path> paths = series_paths(svg);
    REQUIRE(paths.at(0).points.size() == s.x.size());
    for (const Point& p : paths[0].points) CHECK(std::abs(p.y - (b.y + b.height / 2)) < 0.011);  // the middle
    CHECK(count(svg, "<circle") == s.x.size());
  }
}

TEST_CASE("titles, labels and series names are escaped for XML") {
  Figure f;
  f.title = "a <b> & \"c\"";
  f.panels.push_back(Panel{"<panel>", "x & y", "'y'", {Series{"train <&>", {1, 2}, {1, 2}}}});
  const std::string svg = tg::cli::render_svg(f);
  CHECK(svg.find(">a &lt;b&gt; &amp; &quot;c&quot;</text>") != std::string::npos);
  CHECK(svg.find(">&lt;panel&gt;</text>") != std::string::npos);
  CHECK(svg.find(">x &amp; y</text>") != std::string::npos);
  CHECK(svg.find(">&#39;y&#39;</text>") != std::string::npos);
  CHECK(svg.find("data-series=\"train &lt;&amp;&gt;\"") != std::string::npos);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("<&>") == std::string::npos);
}

TEST_CASE("render_svg: a series with more x than y values is an error naming it") {
  CHECK_THROWS_WITH_AS(tg::cli::render_svg(one_panel({Series{"odd", {1, 2, 3}, {1, 2}}})),
                       "render_svg: series 'odd' has 3 x values and 2 y values", std::invalid_argument);
}
