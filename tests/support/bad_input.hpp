// Table-driven tests of misuse: every public function's preconditions are checked with a clear
// exception. Each test file has one TEST_CASE "... bad arguments are clear errors" holding a
// table of rows, one call each:
//
//   tg::test::check_bad_inputs({
//       {"matmul: inner sizes differ", [] { tg::matmul(a23, b45); },
//        TG_ERROR(tg::shape_error), "matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ"},
//   });
//
// A row passes when the call throws exactly that type (not merely a base of it) with the
// substring in its message. Rows are counted by grepping "TG_ERROR(" in tests/.
#pragma once

#include <doctest/doctest.h>

#include <exception>
#include <functional>
#include <string>
#include <typeinfo>
#include <vector>

namespace tg::test {

// The exception type a row expects: its name (for failure messages) and its type_info.
struct ErrorType {
  const char* name;
  const std::type_info* type;
};

#define TG_ERROR(E) (::tg::test::ErrorType{#E, &typeid(E)})

struct BadInput {
  std::string description;     // what is wrong, e.g. "matmul: inner sizes differ"
  std::function<void()> call;  // the misuse
  ErrorType error;             // the exception it must throw
  std::string message;         // a substring its what() must contain
};

inline void check_bad_inputs(const std::vector<BadInput>& rows) {
  for (const BadInput& row : rows) {
    INFO("row: ", row.description);
    try {
      row.call();
      FAIL_CHECK("no exception; expected ", row.error.name, " containing \"", row.message, "\"");
    } catch (const std::exception& e) {
      const std::string what = e.what();
      INFO("threw ", typeid(e).name(), ": ", what);
      CHECK_MESSAGE(typeid(e) == *row.error.type, "expected the type ", row.error.name);
      CHECK_MESSAGE(what.find(row.message) != std::string::npos, "expected the message to contain \"",
                    row.message, "\"");
    } catch (...) {
      FAIL_CHECK("threw something that is not a std::exception; expected ", row.error.name);
    }
  }
}

}  // namespace tg::test
