// An op's name, interned: each distinct name is stored once, for the program's life, and a
// node holds a pointer to it (8 bytes rather than a 32-byte std::string). Op names are few,
// one per kind of op; a per-use text belongs in the node's label. Internal: node.hpp uses it.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tg::detail {

class OpName {
 public:
  OpName();  // "leaf"
  explicit OpName(std::string_view name);
  const std::string& str() const { return *name_; }
  operator const std::string&() const { return *name_; }

 private:
  const std::string* name_;
};

}  // namespace tg::detail

// fmt::format("{}", node.op) prints the name.
template <>
struct fmt::formatter<tg::detail::OpName> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const tg::detail::OpName& n, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(n.str(), ctx);
  }
};
