#include "autodiff/backward_trace.hpp"

#include <fmt/format.h>

#include "autodiff/node.hpp"

namespace tg {

namespace {
thread_local backward_trace* active = nullptr;
}  // namespace

backward_trace::backward_trace() : previous_(active) { active = this; }

backward_trace::~backward_trace() { active = previous_; }

void backward_trace::begin_pass() { ++passes_; }

void backward_trace::record(const Variable& v) {
  const detail::Node& n = *v.node();
  steps_.push_back({steps_.size() + 1, passes_, n.op, n.label, shape_of(n.value), v});
}

std::optional<std::size_t> backward_trace::step_of(const Variable& v) const {
  if (!v.defined()) return std::nullopt;
  for (const BackwardStep& s : steps_)
    if (s.node.same_node(v)) return s.step;
  return std::nullopt;
}

std::string format_steps(const std::vector<BackwardStep>& steps) {
  std::string text;
  for (const BackwardStep& s : steps)
    text += fmt::format("{:>4}  {} {}\n", s.step,
                        s.label.empty()  ? s.op
                        : s.op == "leaf" ? s.label
                                         : s.label + " = " + s.op,
                        shape_str(s.shape));
  return text;
}

namespace detail {
backward_trace* active_backward_trace() { return active; }
}  // namespace detail

}  // namespace tg
