// The entry point: builds the command line, runs the one command asked for, and is the
// only place that turns errors into text and exit codes.
#include "app.hpp"
#include "complete.hpp"
#include "core/error.hpp"
#include "manpage.hpp"

#include <clocale>
#include <cstring>
#include <iostream>

namespace {

using chatctl::Error;
using chatctl::ErrorKind;

int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::internal:
        return 1;
    case ErrorKind::not_found:
        return 3;
    case ErrorKind::conflict:
        return 4;
    case ErrorKind::invalid_input:
        return 5;
    case ErrorKind::store:
        return 6;
    case ErrorKind::usage:
        return 64;
    }
    return 1;
}

std::string position(const chatctl::Diagnostic& d) {
    std::string out = d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    return out;
}

int report(const Error& e, bool json) {
    int code = exit_code(e.kind());
    if (json) {
        chatctl::Json diagnostics = chatctl::Json::array();
        for (const auto& d : e.diagnostics())
            diagnostics.push_back(
                {{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}});
        chatctl::Json body{{"kind", chatctl::kind_name(e.kind())},
                           {"message", e.what()},
                           {"exit_code", code},
                           {"diagnostics", diagnostics}};
        if (!e.hints().empty()) body["hints"] = e.hints();
        std::cerr << chatctl::Json{{"error", body}}.dump() << "\n";
        return code;
    }
    for (const auto& d : e.diagnostics())
        std::cerr << position(d) << ": error: " << d.message << "\n";
    std::cerr << "chatctl: error: " << e.what() << "\n";
    for (const auto& hint : e.hints())
        std::cerr << "hint: " << hint << "\n";
    return code;
}

// Errors are JSON when -o json is asked for, even when the rest of the line is wrong.
bool wants_json(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if ((arg == "-o" || arg == "--output") && i + 1 < argc &&
            std::strcmp(argv[i + 1], "json") == 0)
            return true;
        if (arg == "-ojson" || arg == "--output=json") return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    std::setlocale(LC_CTYPE, "C.UTF-8");
    chatctl::cli::Globals g;
    CLI::App app{"chatctl: administer the chat handling profiles of a multi-tenant contact center",
                 "chatctl"};
    app.fallthrough();
    app.require_subcommand(1);
    app.set_version_flag("--version", "chatctl " CHATCTL_VERSION, "Print the version and exit");
    app.add_option("--db", g.db,
                   "Store path (else $CHATCTL_DB, else $XDG_DATA_HOME/chatctl/chatctl.db)")
        ->type_name("PATH");
    app.add_option("-o,--output", g.output, "Output format")
        ->check(CLI::IsMember({"table", "json", "yaml"}))
        ->type_name("table|json|yaml")
        ->capture_default_str();
    app.add_flag("-q,--quiet", g.quiet, "Print nothing but data and errors");
    app.add_flag("--no-color", g.no_color, "Never colour the output");
    app.add_option("--actor", g.actor,
                   "Who the history records (else $CHATCTL_ACTOR, else the login name)")
        ->type_name("NAME");
    app.add_option("--lock-timeout", g.lock_timeout, "How long to wait for another writer")
        ->type_name("SECONDS")
        ->capture_default_str();
    chatctl::cli::add_tenant_commands(app, g);
    chatctl::cli::add_profile_commands(app, g);
    chatctl::cli::add_user_commands(app, g);
    chatctl::cli::add_history_command(app, g);
    chatctl::cli::add_declaration_commands(app, g);
    chatctl::cli::add_examples(app);

    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "__complete") { // for the shell completions; never fails
        try {
            std::vector<std::string> words(args.begin() + 1, args.end());
            std::string current = words.empty() ? "" : words.back();
            if (!words.empty()) words.pop_back();
            chatctl::cli::complete(app, words, current);
        } catch (...) {
        }
        return 0;
    }
    if (!args.empty() && args[0] == "__man") {
        chatctl::cli::write_manpage(app, std::cout);
        return 0;
    }
    const bool json = wants_json(argc, argv);
    if (argc == 1) {
        std::cerr << app.help();
        return 64;
    }
    try {
        app.parse(argc, argv);
        return g.exit_code;
    } catch (const CLI::Success& e) {
        return app.exit(e); // --help and --version, on stdout
    } catch (const CLI::ParseError& e) {
        std::string message = e.what();
        std::vector<std::string> hints;
        if (auto unknown = chatctl::cli::unknown_command(app, args)) {
            message = "unknown command \"" + unknown->word + "\"";
            if (!unknown->suggestion.empty())
                hints.push_back("did you mean `" + unknown->suggestion + "`?");
        }
        hints.push_back("see `chatctl --help`");
        return report(Error(ErrorKind::usage, message, hints), json);
    } catch (const Error& e) {
        return report(e, json);
    } catch (...) {
        try {
            chatctl::rethrow_as_error(g.db.value_or(""));
        } catch (const Error& e) {
            return report(e, json);
        }
    }
}
