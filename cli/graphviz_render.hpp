// Rendering Graphviz DOT text (tg::to_dot, nn::loss_graph_dot) into a picture by running
// Graphviz's `dot` program (Debian's graphviz package, which scripts/install-deps.sh installs):
//
//   std::string svg = render_dot(dot_text, GraphFormat::svg);   // the SVG document's bytes
//
// and choosing the format from a file name's extension (.dot/.gv, .svg, .png).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tg::cli {

enum class GraphFormat { dot, svg, png };

// "dot", "svg", "png".
std::string to_string(GraphFormat format);
// The format a file's extension asks for: .dot or .gv, .svg, .png (any case); nullopt for any
// other extension or none.
std::optional<GraphFormat> graph_format_of(const std::filesystem::path& file);

// Is `dot_program` (found on the PATH unless it holds a '/') there and runnable?
bool graphviz_available(const std::string& dot_program = "dot");

// The picture `dot -T<format>` makes of dot_text: its bytes (for GraphFormat::dot, dot_text
// itself, without running anything). Throws std::runtime_error in one line when the program is
// missing ("... is not installed (Debian package graphviz)") or fails (its first line of
// error output and its exit status).
std::string render_dot(std::string_view dot_text, GraphFormat format, const std::string& dot_program = "dot");

}  // namespace tg::cli
