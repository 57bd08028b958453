// Each command's --help in chatctl's words, as CLI11 renders it through a formatter of
// chatctl's own: `-o, --output FORMAT`, the choices and the default in the description,
// the global options and the examples after the command's own.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace chatctl::cli {

// Every command's --help shows the global options too: call before adding commands.
void use_help_formatter(CLI::App& app);

// Puts each command's examples in its help footer (examples.cpp).
void add_examples(CLI::App& app);

// An option's choices as its help says them: "table (default), json, yaml or csv". Such an
// option says its default so (no capture_default_str), keeps its words as its type name
// (`table|json|yaml|csv`: what a usage error says it needs) and is named in help by its
// option_text (`-o, --output FORMAT`).
// `last` goes before the last word (", " for an error's list: "one of a, b, c").
std::string choices(const std::vector<std::string>& words, const std::string& default_word = "",
                    const char* last = " or ");
// The words choices() wrote at the end of a description, after its last ": " (what the
// completions offer for such an option).
std::vector<std::string> choices_in(const std::string& description);

} // namespace chatctl::cli
