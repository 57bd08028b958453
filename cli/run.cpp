// One run of chatctl: builds the command line, runs the one command asked for, and is the
// only place that catches errors, to report them (report.hpp) and exit with their code.
#include "run.hpp"

#include "app.hpp"
#include "argv.hpp"
#include "complete.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "help.hpp"
#include "manpage.hpp"
#include "render.hpp"
#include "report.hpp"

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <memory>
#include <string_view>
#include <unistd.h>

namespace {

using chatctl::Error;
using chatctl::ErrorKind;

// The commands that print a list (simulate: of figures), and so may print it as CSV.
bool prints_list(const std::string& command) {
    for (const char* c : {"chatctl tenant list", "chatctl profile list", "chatctl user list",
                          "chatctl history", "chatctl simulate"})
        if (command == c) return true;
    return false;
}

// The commands whose objects have a key, printed one per line with -o name (history: the
// change numbers).
bool prints_names(const std::string& command) {
    for (const char* c : {"chatctl tenant list", "chatctl tenant show", "chatctl profile list",
                          "chatctl profile show", "chatctl user list", "chatctl user show",
                          "chatctl user find", "chatctl history", "chatctl config get-contexts"})
        if (command == c) return true;
    return false;
}

// --error-format github, else $CHATCTL_ERROR_FORMAT=github (a bad value of either is
// invalid input, reported as text).
bool github_errors(const chatctl::cli::CommandLine& line) {
    if (auto it = line.values.find("--error-format"); it != line.values.end())
        return it->second == "github";
    const char* env = std::getenv("CHATCTL_ERROR_FORMAT");
    return env && std::string_view(env) == "github";
}

// Whether errors are coloured, from the words alone: a usage error comes before the parse.
bool color_errors(const chatctl::cli::CommandLine& line) {
    if (std::find(line.args.begin(), line.args.end(), "--no-color") != line.args.end())
        return false;
    auto it = line.values.find("--color");
    return chatctl::cli::color_for(it == line.values.end() ? "auto" : chatctl::fold(it->second),
                                   STDERR_FILENO);
}

// How long a completion may take, all of it, before it gives up offering anything.
constexpr unsigned kCompletionSeconds = 3;

// Every usage problem of the line in one error, each on its own line when there are several.
Error usage_error(const chatctl::cli::CommandLine& line) {
    std::vector<std::string> hints = line.hints;
    hints.push_back(line.help_hint());
    if (line.problems.size() == 1) return Error(ErrorKind::usage, line.problems[0], hints);
    std::vector<chatctl::Diagnostic> each;
    for (const auto& p : line.problems)
        each.push_back({"", 0, 0, p});
    Error e(ErrorKind::usage, std::to_string(line.problems.size()) + " usage errors", each);
    for (const auto& h : hints)
        e = e.with_hint(h);
    return e;
}

// A standard stream closed by the caller (`>&-`) is taken by /dev/null opened the other
// way round: writing to it (reading standard input) still fails as on a closed one, and
// no file chatctl opens (a store's socket, a temporary file) can land there and receive
// what was meant for the terminal.
void hold_closed_standard_streams() {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
        if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int null = ::open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
            if (null >= 0 && null != fd) {
                ::dup2(null, fd);
                ::close(null);
            }
        }
}

} // namespace

namespace chatctl::cli {

namespace {

// The commands each part of the tree adds, in the order they are listed.
struct Group {
    std::vector<std::string> names;
    void (*add)(CLI::App&, Globals&);
};

const std::vector<Group>& groups() {
    static const std::vector<Group> all = {
        {{"tenant"}, add_tenant_commands},
        {{"profile"}, add_profile_commands},
        {{"user"}, add_user_commands},
        {{"history"}, add_history_command},
        {{"revert"}, add_revert_command},
        {{"apply", "plan", "export"}, add_declaration_commands},
        {{"simulate"}, add_simulate_command},
        {{"store"}, add_store_commands},
        {{"config"}, add_config_commands},
        {{"completion", "version", "schema", "help"}, add_info_commands}};
    return all;
}

// Where the command the words name first is, past chatctl's own options and their values;
// words.size() when there is none.
size_t command_at(const CLI::App& app, const std::vector<std::string>& words) {
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w == "--") return words.size();
        if (w.empty() || w[0] != '-') return i;
        const CLI::Option* o = app.get_option_no_throw(w);
        if (o && o->get_items_expected_min() > 0) ++i; // its value
    }
    return words.size();
}

// The command the words name first; "" when there is none.
std::string named_command(const CLI::App& app, const std::vector<std::string>& words) {
    const size_t at = command_at(app, words);
    return at < words.size() ? words[at] : "";
}

// `chatctl help [COMMAND...]` is `chatctl [COMMAND...] --help`, the same text from the same
// place; nullopt for any other command line, and for `help --help`, help's own.
std::optional<std::vector<std::string>> help_as_option(const CLI::App& app,
                                                       std::vector<std::string> words) {
    const size_t at = command_at(app, words);
    if (at == words.size() || words[at] != "help") return std::nullopt;
    for (const auto& w : words)
        if (w == "--help" || w == "-h") return std::nullopt;
    words.erase(words.begin() + static_cast<std::ptrdiff_t>(at));
    words.push_back("--help");
    return words;
}

// How much of the tree a run needs: the group its words name (or all of them when they
// name none), every command (the man page, a usage problem's hints), or each command's
// name and summary (`chatctl --help` alone, and `chatctl`).
enum class Tree { named, all, outline };

// The command line's tree. Building every command's options is most of what a short
// command does, so only what the run needs is built.
std::unique_ptr<CLI::App> command_tree(Globals& g, const std::vector<std::string>& words,
                                       Tree tree) {
    const bool all = tree == Tree::all;
    auto app = std::make_unique<CLI::App>(
        "chatctl: administer the chat handling profiles of a multi-tenant contact center",
        "chatctl");
    app->fallthrough();
    use_help_formatter(*app);
    app->require_subcommand(1);
    app->set_version_flag("--version", "chatctl " CHATCTL_VERSION, "Print the version and exit");
    add_global_options(*app, g);
    std::string named = all ? "" : named_command(*app, words);
    if (named == "help") named = ""; // help names any command: the whole tree
    bool known = false;
    for (const auto& group : groups())
        for (const auto& name : group.names)
            known = known || name == named;
    if (tree == Tree::outline) { // `chatctl --help`: each command's name and summary
        for (const auto& group : groups())
            for (const auto& name : group.names)
                add_command(*app, name.c_str());
    } else {
        for (const auto& group : groups())
            if (!known ||
                std::find(group.names.begin(), group.names.end(), named) != group.names.end())
                group.add(*app, g);
    }
    add_examples(*app);
    app->parse_complete_callback([&g] { // before any command's callback
        g.apply_context();
        g.check();
    });
    return app;
}

} // namespace

std::string outline_help() {
    Globals g;
    return command_tree(g, {}, Tree::outline)->help();
}

int run(int argc, char** argv, std::string_view outline) {
    hold_closed_standard_streams();
    // `chatctl --version` and `chatctl --help` alone, as scripts, installers and people
    // new to it run them, need no command tree (building it is most of a short command's
    // own work). The same words as CLI11's.
    const std::string_view only = argc == 2 ? argv[1] : "";
    if (only == "--version") {
        std::cout << "chatctl " CHATCTL_VERSION "\n";
        return 0;
    }
    if (argc == 1 || only == "--help" || only == "-h") { // `chatctl` alone is a usage error
        (argc == 1 ? std::cerr : std::cout) << (outline.empty() ? outline_help() : outline);
        return argc == 1 ? 64 : 0;
    }
    std::setlocale(LC_CTYPE, "C.UTF-8");
    Globals g;
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool completing = !args.empty() && args[0] == "__complete";
    // Only a line with the word help may be one (the tree is built for it alone).
    if (auto asked = std::find(args.begin(), args.end(), "help") == args.end()
                         ? std::nullopt
                         : help_as_option(*command_tree(g, args, Tree::outline), args)) {
        if (asked->size() == 1) { // `chatctl help` alone: `chatctl --help`
            std::cout << (outline.empty() ? outline_help() : outline);
            return 0;
        }
        args = *asked;
    }
    std::vector<std::string> words(args.begin() + (completing ? 1 : 0), args.end());
    std::string current; // the word being completed
    if (completing && !words.empty()) {
        current = words.back();
        words.pop_back();
    }
    std::unique_ptr<CLI::App> app = command_tree(g, words, Tree::named);

    if (completing) { // for the shell completions; never fails, never hangs a shell
        // Whatever a store's server or network does, the shell has its prompt back within
        // a few seconds, with nothing offered (the connection itself gives up after 2).
        std::signal(SIGALRM, [](int) { std::_Exit(0); });
        ::alarm(kCompletionSeconds);
        try {
            complete(*app, words, current);
        } catch (...) {
        }
        return 0;
    }
    if (!args.empty() && args[0] == "__man") {
        write_manpage(*app, std::cout);
        return 0;
    }
    CommandLine line = read_command_line(*app, args);
    if (!line.problems.empty() || !line.invalid.empty()) { // hints may name any command
        app = command_tree(g, args, Tree::all);
        line = read_command_line(*app, args);
    }
    const bool json = line.json_errors;
    const bool github = github_errors(line);
    const bool color = color_errors(line);
    auto say = [&](const Error& e, bool as_json) { return report(e, as_json, github, color); };
    if (!line.help && !line.problems.empty()) return say(usage_error(line), json);
    if (!line.help && !line.invalid.empty())
        return say(Error(ErrorKind::invalid_input, line.invalid.front(), {line.help_hint()}), json);
    if (!line.help && line.group_alone) { // `chatctl user`: what the group offers, then why
        if (!json) std::cerr << line.path.back()->help() << "\n";
        return say(
            Error(ErrorKind::usage, "`" + line.command() + "` needs a command", {line.help_hint()}),
            json);
    }
    const std::string format =
        line.values.count("--output") ? chatctl::fold(line.values.at("--output")) : "";
    const bool csv = format == "csv" && !prints_list(line.command());
    if (!line.help && (csv || (format == "name" && !prints_names(line.command()))))
        return say(
            Error(ErrorKind::invalid_input,
                  "--output " + format + " is for the " +
                      (csv ? "list commands and history; `" + line.command() + "` prints no list"
                           : "list and show commands and history; `" + line.command() +
                                 "` prints no keys"),
                  {"use -o json or -o yaml"}),
            json);
    g.config_command = line.path.size() > 1 && line.path[1]->get_name() == "config";
    try {
        app->parse(std::vector<std::string>(line.args.rbegin(), line.args.rend()));
        return g.exit_code;
    } catch (const CLI::Success& e) {
        return app->exit(e);           // --help and --version, on stdout
    } catch (const CLI::ParseError&) { // what the reading above let through; never CLI11's words
        return say(Error(ErrorKind::usage, "cannot read the command line", {line.help_hint()}),
                   json);
    } catch (const Error& e) {
        Error out = e.kind() == ErrorKind::usage ? e.with_hint(line.help_hint()) : e;
        if (e.kind() == ErrorKind::store && !g.db && std::getenv("CHATCTL_DB"))
            out = out.with_hint("the store comes from $CHATCTL_DB");
        else if (e.kind() == ErrorKind::store && !g.db && g.context_db)
            out = out.with_hint("the store comes from the " + g.context_db_source);
        return say(out, json || g.format() == Format::json);
    } catch (...) {
        try {
            chatctl::rethrow_as_error(g.db.value_or(""));
        } catch (const Error& e) {
            return say(e, json || g.format() == Format::json);
        }
    }
}

} // namespace chatctl::cli
