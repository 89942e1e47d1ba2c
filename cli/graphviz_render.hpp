// Rendering Graphviz DOT text (tg::to_dot, nn::loss_graph_dot) into a picture by running
// Graphviz's `dot` program (Debian's graphviz package, which scripts/install-deps.sh installs):
//
//   std::string svg = render_dot(dot_text, GraphFormat::svg);   // the SVG document's bytes
//
// and choosing the format from a file name's extension (.dot/.gv, .svg, .png).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tg::cli {

enum class GraphFormat { dot, svg, png };

// "dot", "svg", "png".
std::string to_string(GraphFormat format);
// The format a file's extension asks for: .dot or .gv, .svg, .png (any case); nullopt for any
// other extension or none.
std::optional<GraphFormat> graph_format_of(const std::filesystem::path& file);

// A run of dot longer than this is stopped (killed with its process group): a graph tapegrad
// draws takes dot well under a second, and a program that never exits must not hang the command.
inline constexpr std::chrono::seconds default_dot_timeout{60};

// "Graphviz's 'dot' did not finish within 60 s, so it was stopped (...)"
struct graphviz_timeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Is `dot_program` (found on the PATH unless it holds a '/') there and runnable? (`dot -V`
// exits 0.) One that does not finish within timeout throws graphviz_timeout.
bool graphviz_available(const std::string& dot_program = "dot",
                        std::chrono::duration<double> timeout = default_dot_timeout);

// The picture `dot -T<format>` makes of dot_text: its bytes (for GraphFormat::dot, dot_text
// itself, without running anything). Throws std::runtime_error in one line when the program is
// missing ("... is not installed (Debian package graphviz)") or fails (its first line of
// error output and its exit status), and graphviz_timeout when it runs longer than timeout.
std::string render_dot(std::string_view dot_text, GraphFormat format, const std::string& dot_program = "dot",
                       std::chrono::duration<double> timeout = default_dot_timeout);

}  // namespace tg::cli
