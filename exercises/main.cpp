// main() of every exercise's test program, compiled once: it says which file the program was
// built from and the seed of this run's random inputs, then runs doctest. Its "grade" reporter
// (--reporters=grade, used by grade.py) prints one line per test case and, for a failed one, only
// its first failure: the first wrong number and the hint, not a wall of doctest output.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

namespace tg::exercises {

const char* built_from();  // built_from.cpp (declared with run_seed in check.hpp, which needs tapegrad)

// TG_EXERCISE_SEED if set (a whole number), otherwise a fresh one; the same for the whole run.
std::uint64_t run_seed() {
  static const std::uint64_t seed = [] {
    const char* text = std::getenv("TG_EXERCISE_SEED");
    if (text == nullptr || *text == '\0') return std::uint64_t{std::random_device{}() % 1000000};
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (*end != '\0' || text[0] == '-') {
      std::fprintf(stderr, "TG_EXERCISE_SEED=%s: not a whole number\n", text);
      std::exit(2);
    }
    return std::uint64_t{v};
  }();
  return seed;
}

}  // namespace tg::exercises

namespace {

// One line per test case, and the first failure of a failed one (its message, the CHECK's
// expression and values, or the exception), indented; at the end "score PASSED/TOTAL".
struct GradeReporter : doctest::IReporter {
  std::ostream& out;
  std::string name, first_failure;  // of the test case running
  int passed = 0, total = 0;

  explicit GradeReporter(const doctest::ContextOptions& options) : out(*options.cout) {}

  void note(const std::string& text) {
    if (first_failure.empty()) first_failure = text;
  }
  static std::string contexts() {  // what CHECK_MESSAGE, INFO and CAPTURE logged
    std::ostringstream s;
    const int n = doctest::IReporter::get_num_active_contexts();
    const doctest::IContextScope* const* c = doctest::IReporter::get_active_contexts();
    for (int i = 0; i < n; ++i) {
      c[i]->stringify(&s);
      s << '\n';
    }
    return s.str();
  }

  void test_case_start(const doctest::TestCaseData& data) override {
    name = data.m_name;
    first_failure.clear();
  }
  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    ++total;
    const bool ok = stats.testCaseSuccess && first_failure.empty();
    passed += ok ? 1 : 0;
    out << (ok ? "PASS  " : "FAIL  ") << name << '\n';
    if (ok) return;
    std::istringstream lines(first_failure);
    for (std::string line; std::getline(lines, line);) out << "      " << line << '\n';
  }
  void test_case_exception(const doctest::TestCaseException& e) override {
    note(std::string("threw: ") + e.error_string.c_str());
  }
  void log_assert(const doctest::AssertData& a) override {
    if (!a.m_failed) return;
    std::string text = contexts();
    if (a.m_threw) text += std::string("threw: ") + a.m_exception.c_str();
    if (text.empty()) text = std::string("CHECK( ") + a.m_expr + " ) is false: " + a.m_decomp.c_str();
    note(text);
  }
  void log_message(const doctest::MessageData& m) override {
    if (m.m_severity & doctest::assertType::is_warn) return;
    note(contexts() + m.m_string.c_str());
  }
  void test_run_end(const doctest::TestRunStats&) override {
    out << "score " << passed << '/' << total << '\n';
  }

  void test_case_reenter(const doctest::TestCaseData&) override {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_REPORTER("grade", 1, GradeReporter);

int main(int argc, char** argv) {
  const std::uint64_t seed = tg::exercises::run_seed();
  std::cout << "built from " << tg::exercises::built_from() << ", seed " << seed
            << " (the same inputs again: TG_EXERCISE_SEED=" << seed << ")" << std::endl;
  doctest::Context context(argc, argv);
  return context.run();
}
