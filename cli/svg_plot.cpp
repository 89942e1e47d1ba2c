#include "cli/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/html.hpp"

namespace tg::cli {

namespace {

// A panel's margins around its plot box, in pixels: room for the title and legend above, the
// tick labels and axis labels left and below.
constexpr double margin_left = 72, margin_right = 20, margin_top = 60, margin_bottom = 50;
constexpr double figure_title_height = 36;
constexpr std::size_t max_points_with_markers = 50;  // more points: the line alone

std::string tick_label(double t, double step) {
  if (std::abs(t) < step * 1e-9) t = 0.0;  // not "-0" or "1e-17" for the tick at zero
  return fmt::format("{:.6g}", t);
}

std::string dash(const Series& s) { return s.dashed ? R"( stroke-dasharray="7 4")" : ""; }

// A panel's place on the figure: its plot box and the scales onto it.
struct PanelBox {
  double left, top;        // the panel's top-left corner
  double x0, x1;           // the plot box's left and right edges
  double y_top, y_bottom;  // its top and bottom edges
  Scale sx, sy;
};

// The finite values of every series, and how many points are not finite.
struct FiniteValues {
  std::vector<double> x, y;
  std::size_t not_finite = 0;
};

FiniteValues finite_values(const Panel& panel) {
  FiniteValues v;
  for (const Series& s : panel.series) {
    if (s.x.size() != s.y.size())
      throw std::invalid_argument(fmt::format("render_svg: series '{}' has {} x values and {} y values",
                                              s.name, s.x.size(), s.y.size()));
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        ++v.not_finite;
        continue;
      }
      v.x.push_back(s.x[i]);
      v.y.push_back(s.y[i]);
    }
  }
  return v;
}

// The title, the grid lines and ticks with their labels, the plot box and the axis labels.
std::string render_axes(const Panel& panel, const PanelBox& b) {
  const double x0 = b.x0, x1 = b.x1, y_top = b.y_top, y_bottom = b.y_bottom;
  std::string svg = fmt::format(
      R"(<text class="panel-title" x="{:.2f}" y="{:.2f}" text-anchor="middle" font-size="15" font-weight="bold">{}</text>)"
      "\n",
      (x0 + x1) / 2, b.top + 20, escape_xml(panel.title));
  const std::vector<double> xt = nice_ticks(b.sx.lo, b.sx.hi, 6, panel.integer_x);
  const std::vector<double> yt = nice_ticks(b.sy.lo, b.sy.hi, 6);
  const double x_step = xt.size() > 1 ? xt[1] - xt[0] : 1.0, y_step = yt.size() > 1 ? yt[1] - yt[0] : 1.0;
  for (const double t : xt) {
    const double px = b.sx(t);
    svg += fmt::format(R"(<line x1="{0:.2f}" y1="{1:.2f}" x2="{0:.2f}" y2="{2:.2f}" stroke="#e4e4e4"/>)"
                       "\n",
                       px, y_top, y_bottom);
    svg += fmt::format(R"(<line x1="{0:.2f}" y1="{1:.2f}" x2="{0:.2f}" y2="{2:.2f}" stroke="#444"/>)"
                       "\n",
                       px, y_bottom, y_bottom + 5);
    svg += fmt::format(
        R"(<text class="tick" x="{:.2f}" y="{:.2f}" text-anchor="middle" font-size="12">{}</text>)"
        "\n",
        px, y_bottom + 19, tick_label(t, x_step));
  }
  for (const double t : yt) {
    const double py = b.sy(t);
    svg += fmt::format(R"(<line x1="{1:.2f}" y1="{0:.2f}" x2="{2:.2f}" y2="{0:.2f}" stroke="#e4e4e4"/>)"
                       "\n",
                       py, x0, x1);
    svg += fmt::format(R"(<line x1="{1:.2f}" y1="{0:.2f}" x2="{2:.2f}" y2="{0:.2f}" stroke="#444"/>)"
                       "\n",
                       py, x0 - 5, x0);
    svg +=
        fmt::format(R"(<text class="tick" x="{:.2f}" y="{:.2f}" text-anchor="end" font-size="12">{}</text>)"
                    "\n",
                    x0 - 8, py + 4, tick_label(t, y_step));
  }
  svg += fmt::format(
      R"(<rect class="plot-box" x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="none" stroke="#444"/>)"
      "\n",
      x0, y_top, x1 - x0, y_bottom - y_top);
  svg += fmt::format(
      R"(<text class="axis-label" x="{:.2f}" y="{:.2f}" text-anchor="middle" font-size="13">{}</text>)"
      "\n",
      (x0 + x1) / 2, y_bottom + 40, escape_xml(panel.x_label));
  svg += fmt::format(
      R"~(<text class="axis-label" transform="translate({:.2f},{:.2f}) rotate(-90)" text-anchor="middle" font-size="13">{}</text>)~"
      "\n",
      b.left + 16, (y_top + y_bottom) / 2, escape_xml(panel.y_label));
  return svg;
}

// One path, broken where a value is not finite; markers on short series and on points standing
// alone (one epoch), which a path alone would not show.
std::string render_series(const Series& s, const PanelBox& b) {
  std::string d, markers;
  std::size_t drawn = 0;
  bool pen_down = false;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      pen_down = false;
      continue;
    }
    const double px = b.sx(s.x[i]), py = b.sy(s.y[i]);
    d += fmt::format("{}{}{:.2f} {:.2f}", d.empty() ? "" : " ", pen_down ? 'L' : 'M', px, py);
    pen_down = true;
    ++drawn;
    const bool alone =
        (i == 0 || !std::isfinite(s.y[i - 1])) && (i + 1 == s.x.size() || !std::isfinite(s.y[i + 1]));
    if (s.x.size() <= max_points_with_markers || alone)
      markers +=
          fmt::format(R"(<circle cx="{:.2f}" cy="{:.2f}" r="3" fill="{}"/>)", px, py, escape_xml(s.color));
  }
  std::string svg = fmt::format(
      R"(<path class="series" data-series="{}" data-points="{}" d="{}" fill="none" stroke="{}" stroke-width="2"{}/>)"
      "\n",
      escape_xml(s.name), drawn, d, escape_xml(s.color), dash(s));
  if (!markers.empty()) svg += "<g class=\"markers\">" + markers + "</g>\n";
  return svg;
}

// The legend, in a row between the title and the plot box.
std::string render_legend(const Panel& panel, const PanelBox& b) {
  std::string svg;
  double lx = b.x0;
  for (const Series& s : panel.series) {
    svg += fmt::format(
        R"(<g class="legend-entry"><line x1="{:.2f}" y1="{:.2f}" x2="{:.2f}" y2="{:.2f}" stroke="{}" stroke-width="2"{}/>)",
        lx, b.top + 40, lx + 24, b.top + 40, escape_xml(s.color), dash(s));
    svg += fmt::format(R"(<text x="{:.2f}" y="{:.2f}" font-size="12">{}</text></g>)"
                       "\n",
                       lx + 30, b.top + 44, escape_xml(s.name));
    lx += 50 + 7.0 * static_cast<double>(s.name.size());
  }
  return svg;
}

// One panel, its top-left corner at (left, top).
std::string render_panel(const Panel& panel, double left, double top, double width, double height) {
  const FiniteValues v = finite_values(panel);
  const auto [x_lo, x_hi] = data_range(v.x);
  const auto [y_lo, y_hi] = data_range(v.y);
  const double x0 = left + margin_left, x1 = left + width - margin_right;
  const double y_top = top + margin_top, y_bottom = top + height - margin_bottom;
  const PanelBox b{
      left, top, x0, x1, y_top, y_bottom, Scale{x_lo, x_hi, x0, x1}, Scale{y_lo, y_hi, y_bottom, y_top}};

  std::string svg = fmt::format(R"(<g class="panel">)"
                                "\n") +
                    render_axes(panel, b);
  for (const Series& s : panel.series) svg += render_series(s, b);
  if (v.not_finite > 0)
    svg += fmt::format(
        R"(<text class="note" x="{:.2f}" y="{:.2f}" font-size="12" fill="#c00000">{} value{} not finite (NaN or ±inf): not drawn</text>)"
        "\n",
        x0 + 8, y_top + 16, v.not_finite, v.not_finite == 1 ? " is" : "s are");
  if (v.y.empty())
    svg += fmt::format(
        R"(<text class="note" x="{:.2f}" y="{:.2f}" text-anchor="middle" font-size="13">no finite values to draw</text>)"
        "\n",
        (x0 + x1) / 2, (y_top + y_bottom) / 2);
  return svg + render_legend(panel, b) + "</g>\n";
}

}  // namespace

double Scale::operator()(double v) const {
  if (!(hi > lo)) return (from + to) / 2;
  // Halved so that no difference of two finite doubles overflows.
  return from + (v / 2 - lo / 2) / (hi / 2 - lo / 2) * (to - from);
}

std::pair<double, double> data_range(const std::vector<double>& values) {
  double lo = INFINITY, hi = -INFINITY;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi) return {0.0, 1.0};                                         // no finite value
  if (hi / 2 - lo / 2 <= 5e-10 * std::max(std::abs(lo), std::abs(hi))) {  // (nearly) constant
    const double c = lo / 2 + hi / 2;
    const double pad = c != 0.0 ? std::abs(c) * 0.05 : 1.0;
    return {c - pad, c + pad};
  }
  return {lo, hi};
}

std::vector<double> nice_ticks(double lo, double hi, std::size_t count, bool integers) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) return {};
  const double raw = (hi / 2 - lo / 2) / static_cast<double>(std::max<std::size_t>(count, 2)) * 2;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / magnitude;
  double step = (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * magnitude;
  if (integers) step = std::max(step, 1.0);
  std::vector<double> ticks;
  const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
  for (double k = first; k <= last && ticks.size() < 100; ++k) ticks.push_back(k * step);
  return ticks;
}

std::string render_svg(const Figure& figure) {
  const double width =
      figure.panel_width * static_cast<double>(std::max<std::size_t>(figure.panels.size(), 1));
  const double height = figure_title_height + figure.panel_height;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="figure" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" font-family="sans-serif">)"
      "\n",
      width, height);
  svg += fmt::format(R"(<rect width="{:.0f}" height="{:.0f}" fill="white"/>)"
                     "\n",
                     width, height);
  svg += fmt::format(
      R"(<text class="figure-title" x="{:.2f}" y="24" text-anchor="middle" font-size="16">{}</text>)"
      "\n",
      width / 2, escape_xml(figure.title));
  for (std::size_t i = 0; i < figure.panels.size(); ++i)
    svg += render_panel(figure.panels[i], figure.panel_width * static_cast<double>(i), figure_title_height,
                        figure.panel_width, figure.panel_height);
  return svg + "</svg>\n";
}

}  // namespace tg::cli
