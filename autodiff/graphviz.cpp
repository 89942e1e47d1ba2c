#include "autodiff/graphviz.hpp"

#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "autodiff/error.hpp"
#include "autodiff/node.hpp"

namespace tg {

namespace {

// Escapes text for a double-quoted DOT string.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label(const detail::Node& n, const DotOptions& opt, const DotAnnotation& note) {
  std::string text;
  if (!n.label.empty()) text = n.is_leaf ? n.label : fmt::format("{} = {}", n.label, n.op);
  else text = n.op;
  text += fmt::format("\n{}", shape_str(n.value));
  if (opt.values) text += fmt::format("\nvalue {}", format_tensor(n.value, opt.precision, opt.max_elements));
  if (opt.grads && n.grad)
    text += fmt::format("\n{} {}", note.grad_label.empty() ? "grad" : note.grad_label,
                        format_tensor(*n.grad, opt.precision, opt.max_elements));
  if (!note.note.empty()) text += "\n" + note.note;
  if (n.released) text += "\n(released)";
  return text;
}

}  // namespace

std::string to_dot(const std::vector<Variable>& outputs, const DotOptions& opt) {
  if (opt.precision < 0)
    throw std::invalid_argument(
        fmt::format("to_dot: DotOptions::precision must be ≥ 0, got {}", opt.precision));
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    if (!outputs[k].defined()) throw graph_error(fmt::format("to_dot: output {} is an empty Variable", k));
    if (outputs[k].node()->released)  // its edges are gone: the picture would be the one node
      throw graph_error(fmt::format(
          "to_dot: the graph through '{}' (shape {}) was released by backward(), which keeps only "
          "the leaves and the outputs: draw it before backward(), or pass retain_graph=true to "
          "backward()",
          outputs[k].op_name(), shape_str(outputs[k].value())));
  }
  std::unordered_map<const detail::Node*, std::size_t> id;
  std::vector<const Variable*> todo;  // handles held by the outputs and the nodes' edges
  std::string body;
  auto visit = [&](const Variable& v) {
    auto [it, fresh] = id.emplace(v.node(), id.size());
    if (fresh) todo.push_back(&v);
    return it->second;
  };
  for (const Variable& y : outputs) visit(y);
  // Iterative walk: graphs may be a million nodes deep.
  while (!todo.empty()) {
    const Variable& v = *todo.back();
    todo.pop_back();
    const detail::Node* n = v.node();
    const std::size_t me = id.at(n);
    const DotAnnotation note = opt.annotate ? opt.annotate(v) : DotAnnotation{};
    std::string style = n->is_leaf ? (n->requires_grad ? "shape=box, style=filled, fillcolor=lightblue"
                                                       : "shape=box, style=filled, fillcolor=gray90")
                                   : "shape=ellipse";
    if (!note.fillcolor.empty())
      style = fmt::format("shape={}, style=filled, fillcolor=\"{}\"", n->is_leaf ? "box" : "ellipse",
                          escape(note.fillcolor));
    body += fmt::format("  n{} [label=\"{}\", {}];\n", me, escape(label(*n, opt, note)), style);
    for (std::size_t i = 0; i < n->edges.size(); ++i) {
      const std::size_t from = visit(n->edges[i].input);
      if (n->edges.size() > 1) body += fmt::format("  n{} -> n{} [label=\"{}\"];\n", from, me, i);
      else body += fmt::format("  n{} -> n{};\n", from, me);
    }
  }
  for (const Variable& y : outputs) body += fmt::format("  n{} [peripheries=2];\n", id.at(y.node()));
  return "digraph tapegrad {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n" + body + "}\n";
}

std::string to_dot(const Variable& y, const DotOptions& options) {
  return to_dot(std::vector<Variable>{y}, options);
}

}  // namespace tg
