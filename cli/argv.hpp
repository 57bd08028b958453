// The command line read against the real command tree before CLI11 sees it: which
// command it names, each option's value, and every usage problem, in chatctl's own words.
// CLI11 then parses the normalized words, so that `--opt=` is always an empty value.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::cli {

struct CommandLine {
    std::vector<const CLI::App*> path;         // the app, then each subcommand named
    std::map<std::string, std::string> values; // an option's long name -> its last value
    std::vector<std::string> args;             // the words for CLI11, `--opt=V` as `--opt V`
    std::vector<std::string> problems;         // usage problems, each a full sentence
    std::vector<std::string> hints;            // what to do about them
    std::vector<std::string> invalid;          // values outside an option's choices
    bool help = false;                         // -h, --help or --version: CLI11 answers
    bool group_alone = false;                  // a group named without its subcommand
    bool json_errors = false;                  // `-o json` given, even among other problems

    // "chatctl user edit"
    std::string command() const;
    // The hint that ends every usage error: that command's --help.
    std::string help_hint() const;
};

CommandLine read_command_line(const CLI::App& app, const std::vector<std::string>& words);

// The option of the command or of one of its parents that answers to `word`.
const CLI::Option* find_option(const std::vector<const CLI::App*>& path, const std::string& word);

bool takes_value(const CLI::Option* option);

// The options that take one of a few words (-o, --error-format, --color), with the words.
const std::map<std::string, std::vector<std::string>>& allowed_values();

// The subcommands a command offers (option groups left out).
std::vector<const CLI::App*> commands_of(const CLI::App* app);

} // namespace chatctl::cli
