// render_dot and graph_format_of (cli/graphviz_render.cpp): DOT into SVG and PNG by Graphviz.
#include <doctest/doctest.h>

#include <string>

#include "cli/graphviz_render.hpp"

using tg::cli::GraphFormat;

namespace {
const char* const small_graph = "digraph g { a -> b; }\n";
}

TEST_CASE("graph_format_of reads the extension") {
  CHECK(tg::cli::graph_format_of("g.dot") == GraphFormat::dot);
  CHECK(tg::cli::graph_format_of("dir/g.GV") == GraphFormat::dot);
  CHECK(tg::cli::graph_format_of("g.svg") == GraphFormat::svg);
  CHECK(tg::cli::graph_format_of("g.Png") == GraphFormat::png);
  CHECK(!tg::cli::graph_format_of("g.pdf").has_value());
  CHECK(!tg::cli::graph_format_of("graph").has_value());
  CHECK(!tg::cli::graph_format_of("svg").has_value());
}

TEST_CASE("render_dot makes SVG and PNG with Graphviz's dot, and passes DOT through") {
  REQUIRE_MESSAGE(tg::cli::graphviz_available(),
                  "Graphviz's dot is needed (scripts/install-deps.sh installs it)");
  const std::string svg = tg::cli::render_dot(small_graph, GraphFormat::svg);
  CHECK((svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0));
  CHECK(svg.find("</svg>") != std::string::npos);
  const std::string png = tg::cli::render_dot(small_graph, GraphFormat::png);
  REQUIRE(png.size() > 8);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(tg::cli::render_dot(small_graph, GraphFormat::dot) == small_graph);
}

TEST_CASE("render_dot says in one line when dot is missing or fails") {
  CHECK(!tg::cli::graphviz_available("/nonexistent/dot"));
  try {
    tg::cli::render_dot(small_graph, GraphFormat::svg, "/nonexistent/dot");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("'/nonexistent/dot' program is not installed (Debian package graphviz") !=
          std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
  try {
    tg::cli::render_dot("digraph { a -> ", GraphFormat::svg);
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("Graphviz's 'dot' failed to render svg (exit status 1)") != std::string::npos);
    CHECK(what.find("syntax error") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
}
