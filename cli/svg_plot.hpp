// Line charts as SVG text, written by hand: named series of (x, y) points, drawn in panels
// side by side, each with its axes, ticks, tick labels, axis labels and legend. Used for the
// training curves (cli/training_curves.hpp); no plotting library needed.
//
// Each series is one <path class="series" data-series="NAME" data-points="N"> whose d holds
// its N drawn points ("M x y L x y ..."); a NaN or ±inf value is not drawn (the line breaks
// there) and the panel says how many there were. Each panel's plot area is a
// <rect class="plot-box">: the scales map the smallest and largest finite values onto its
// edges (a constant series gets an interval around its value, so nothing divides by zero).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace tg::cli {

struct Series {
  std::string name;          // shown in the legend
  std::vector<double> x, y;  // the points (x.size() == y.size(): std::invalid_argument)
  std::string color = "#1f77b4";
  bool dashed = false;
};

struct Panel {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool integer_x = false;  // x ticks on whole numbers only (epochs)
};

struct Figure {
  std::string title;                             // above the panels
  std::vector<Panel> panels;                     // side by side, left to right
  double panel_width = 480, panel_height = 320;  // pixels, each panel with its margins
};

// A linear map of the data interval [lo, hi] onto pixels [from, to] (for y, from is the
// bottom edge: SVG's y grows downwards):  v ↦ from + (v − lo) / (hi − lo) · (to − from).
struct Scale {
  double lo = 0, hi = 1, from = 0, to = 1;
  double operator()(double v) const;
};

// The interval a scale shows for these values: [min, max] of the finite ones; around the value
// when they are all (nearly) equal; [0, 1] when none is finite.
std::pair<double, double> data_range(const std::vector<double>& values);

// Round tick values 1, 2 or 5 × 10^k apart inside [lo, hi], about `count` of them (whole
// numbers only if `integers`).
std::vector<double> nice_ticks(double lo, double hi, std::size_t count, bool integers = false);

// The figure as one standalone <svg> element (with xmlns, so it is also a valid .svg file).
std::string render_svg(const Figure& figure);

}  // namespace tg::cli
