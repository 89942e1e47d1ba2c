#include "autodiff/detail/op_name.hpp"

#include <cstddef>
#include <mutex>
#include <unordered_set>

namespace tg::detail {

namespace {
// The one stored copy of `name`. Never destroyed: a node may be named during static destruction.
const std::string* intern(std::string_view name) {
  // The names this thread used last: a handful of ops make almost every node. Plain pointers,
  // trivially destructible, so usable however late in the thread's life.
  constexpr std::size_t recent_size = 16;
  thread_local const std::string* recent[recent_size] = {};
  thread_local std::size_t next = 0;
  for (const std::string* s : recent)
    if (s && *s == name) return s;
  static std::mutex& m = *new std::mutex;
  static auto& names = *new std::unordered_set<std::string>;
  const std::string* s;
  {
    std::lock_guard lock(m);
    s = &*names.emplace(name).first;
  }
  recent[next++ % recent_size] = s;
  return s;
}
}  // namespace

OpName::OpName() {
  static const std::string* const leaf = intern("leaf");
  name_ = leaf;
}
OpName::OpName(std::string_view name) : name_(intern(name)) {}

}  // namespace tg::detail
