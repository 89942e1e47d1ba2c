#include "cli/small_network.hpp"

#include <vector>

#include <fmt/format.h>

namespace tg::cli {

Problem small_problem(const NetworkChoice& choice) {
  NetworkChoice c = choice;
  if (c.checkpoint.empty() && c.data.name.empty()) c.data.name = "xor";
  return chosen_problem(c);
}

AnyProblem small_any_problem(const NetworkChoice& choice) {
  NetworkChoice c = choice;
  if (c.checkpoint.empty() && c.data.name.empty()) c.data.name = "xor";
  return chosen_any_problem(c);
}

CLI::Option* add_worked_example_flag(CLI::App& app, bool& flag) {
  const Spelling& s = worked_example_spelling;
  CLI::Option* current = app.add_flag(
      s.name, flag,
      "the 2-2-1 worked example of seed 002: a sigmoid network with W^2 = [[.15,.20],[.25,.30]], "
      "b^2 = .35, W^3 = [.40,.45], b^3 = .60 on one example x = (.05, .10), y = 1, cross-entropy");
  std::vector<const CLI::Option*> others;
  for (const char* other :
       {"--checkpoint", "--data", "--train-size", "--test-size", "--sizes", "--hidden", "--output", "--init",
        "--layers", "--model", "--example", batch_size_spelling.name, batch_size_spelling.old_name})
    if (CLI::Option* o = app.get_option_no_throw(other)) current->excludes(o), others.push_back(o);
  // The old spelling, hidden: CLI11 names no hidden option in an error, so it checks the others itself.
  app.add_flag_callback(
         s.old_name,
         [&flag, s, others] {
           for (const CLI::Option* o : others)
             if (o->count() > 0) throw CLI::ExcludesError(o->get_name(), s.old_name);
           note_old_spelling(s.old_name, s.name);
           flag = true;
         },
         "")
      ->group("");  // not in --help
  return current;
}

}  // namespace tg::cli
