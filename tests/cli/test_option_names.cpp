// One language across the commands (cli/options.hpp): a name means one thing in every command
// that has it, each concept has one name, and an old spelling still works for a release.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "support/run_tapegrad.hpp"

using tg::cli::CommandLine;
using tg::cli::parse_command_line;
using tg::test::contains;
using tg::test::run_tapegrad;

namespace {

// {command: {name: its type name ("N", "FILE", "" for a flag)}} of the options --help shows.
std::map<std::string, std::map<std::string, std::string>> visible_options() {
  CLI::App app;
  CommandLine line;
  tg::cli::add_commands(app, line);
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const CLI::App* command : app.get_subcommands({}))
    for (const CLI::Option* o : command->get_options())
      if (!o->get_group().empty() && o->get_name() != "--help")
        for (const std::string& name : o->get_lnames())
          out[command->get_name()]["--" + name] = o->get_type_name();
  return out;
}

}  // namespace

TEST_CASE("a name means the same thing in every command: the same kind of value everywhere") {
  std::map<std::string, std::pair<std::string, std::string>> first;  // name: (command, type name)
  for (const auto& [command, options] : visible_options())
    for (const auto& [name, type] : options) {
      const auto [it, fresh] = first.try_emplace(name, command, type);
      INFO(name << " in " << command << ": " << type << "; in " << it->second.first << ": "
                << it->second.second);
      CHECK(it->second.second == type);
    }
  // --output is the output activation (a NAME), never the file a command writes.
  CHECK(first.at("--output").second == "NAME");
  CHECK(first.at("--out").second == "FILE");
}

TEST_CASE("each concept has one name in every command that has it, the old spellings hidden") {
  const auto options = visible_options();
  const std::map<std::string, std::vector<std::string>> concept_names{
      {"--batch-size", {"train", "verify", "report", "graph"}},  // examples in a batch
      {"--out", {"report", "graph"}},                            // the file written
      {"--worked-example", {"graph", "explain"}},                // seed 002's 2-2-1 example
      {"--checkpoint", {"verify", "eval", "report", "graph", "explain"}},
      {"--data", {"train", "verify", "eval", "report", "graph", "explain"}},
      {"--digits", {"graph", "explain"}},
      {"--numeric", {"verify", "report"}}};
  for (const auto& [name, commands] : concept_names)
    for (const std::string& command : commands)
      CHECK_MESSAGE(options.at(command).count(name), name << " in " << command);
  for (const auto& [command, names] : options) {
    INFO(command);
    CHECK(!names.count("--batch"));
    CHECK(!names.count("--seed002"));
    if (command == "report") CHECK(!names.count("--output"));
  }
}

TEST_CASE("the old spellings still work for a release, and say which name to use") {
  CHECK(parse_command_line({"verify", "--batch", "4"}).verify.batch == 4);
  CHECK(parse_command_line({"verify", "--batch-size", "4"}).verify.batch == 4);
  CHECK(parse_command_line({"graph", "--batch", "3"}).graph.batch == 3);
  CHECK(parse_command_line({"graph", "--batch-size", "3"}).graph.batch == 3);
  CHECK(parse_command_line({"report", "--checkpoint", ".", "--batch", "5", "--output", "r.html"})
            .report.batch == 5);
  CHECK(parse_command_line({"report", "--checkpoint", ".", "--output", "r.html"}).report.output == "r.html");
  CHECK(parse_command_line({"report", "--checkpoint", ".", "--out", "r.html"}).report.output == "r.html");
  CHECK(parse_command_line({"report", "--checkpoint", ".", "-o", "r.html"}).report.output == "r.html");
  CHECK(parse_command_line({"explain", "--seed002"}).explain.worked_example);
  CHECK(parse_command_line({"explain", "--worked-example"}).explain.worked_example);
  CHECK(parse_command_line({"graph", "--seed002"}).graph.worked_example);
  // Each old spelling checks its value as the new one does, and the error names it.
  const CommandLine zero = parse_command_line({"verify", "--batch", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(contains(zero.message, "--batch: expected a whole number >= 1, got '0'"));
  CHECK(parse_command_line({"explain", "--seed002", "--example", "1"}).exit_code == 2);
  CHECK(parse_command_line({"explain", "--worked-example", "--example", "1"}).exit_code == 2);

  const auto old = run_tapegrad({"explain", "--seed002"});
  CHECK(old.code == 0);
  CHECK(old.out == run_tapegrad({"explain", "--worked-example"}).out);
  CHECK(contains(old.err, "--seed002 is the old spelling of --worked-example"));
}
