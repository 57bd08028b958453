#include "app.hpp"

#include "argv.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/validate.hpp"
#include "help.hpp"
#include "progress.hpp"
#include "render.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <pwd.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace chatctl::cli {

void add_global_options(CLI::App& app, Globals& g) {
    app.add_option("--db", g.db,
                   "Store file, or PostgreSQL URI or keyword/value string (else $CHATCTL_DB, else "
                   "$XDG_DATA_HOME/chatctl/chatctl.db)")
        ->type_name("PATH");
    // -o's value and --error-format's are checked with the command line (argv.cpp).
    g.output_option = app.add_option("-o,--output", g.output,
                                     choices(allowed_values().at("--output"), "table") +
                                         " (csv: lists; name: one key per line)")
                          ->type_name("table|json|yaml|csv|name")
                          ->option_text("FORMAT");
    app.add_flag("-q,--quiet", g.quiet, "Print nothing but data and errors");
    app.add_option("--color", g.color_when,
                   choices(allowed_values().at("--color"), "auto") +
                       ": auto colours a terminal, unless $NO_COLOR is set or TERM is dumb")
        ->type_name("auto|always|never")
        ->option_text("WHEN");
    app.add_flag("--no-color", g.no_color, "Never colour the output (--color never)");
    app.add_option("--actor", g.actor,
                   "Who the history records (else $CHATCTL_ACTOR, else a CI's user: "
                   "$GITHUB_ACTOR, $GITLAB_USER_LOGIN; else the login name)")
        ->type_name("NAME");
    g.lock_timeout_option =
        app.add_option("--lock-timeout", g.lock_timeout, "How long to wait for another writer")
            ->type_name("SECONDS")
            ->capture_default_str();
    app.add_option("--context", g.context,
                   "The config file's context to take settings from (else $CHATCTL_CONTEXT, "
                   "else its current-context)")
        ->type_name("NAME");
    app.add_option("--error-format", g.error_format,
                   choices(allowed_values().at("--error-format"), "text") +
                       ": located errors also as GitHub Actions annotations (else "
                       "$CHATCTL_ERROR_FORMAT)")
        ->type_name("text|github")
        ->option_text("FORMAT");
}

namespace {

// The user a CI names: $GITHUB_ACTOR under GitHub Actions, $GITLAB_USER_LOGIN under GitLab
// CI (each told by its variable set to `true`), with the variable's name.
std::optional<std::pair<std::string, std::string>> ci_actor() {
    static const char* const kCis[][2] = {{"GITHUB_ACTIONS", "GITHUB_ACTOR"},
                                          {"GITLAB_CI", "GITLAB_USER_LOGIN"}};
    for (const auto& [ci, user] : kCis) {
        const char* on = std::getenv(ci);
        const char* name = std::getenv(user);
        if (on && std::string_view(on) == "true" && name && *name)
            return std::pair<std::string, std::string>(name, std::string("$") + user);
    }
    return std::nullopt;
}

} // namespace

std::string Globals::actor_name() const {
    if (actor) return *actor;
    if (const char* env = std::getenv("CHATCTL_ACTOR")) return env;
    if (auto ci = ci_actor()) return ci->first;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "unknown";
}

void Globals::check() const {
    github(); // checks the format, named as where it came from
    if (actor)
        validate::actor(*actor, "--actor");
    else if (const char* env = std::getenv("CHATCTL_ACTOR"))
        validate::actor(env, "$CHATCTL_ACTOR");
    else if (auto ci = ci_actor())
        validate::actor(ci->first, ci->second);
    if (reason) validate::reason(*reason, "--reason");
    store_options();
}

Format Globals::format() const {
    const std::string name = fold(output); // -o JSON as -o json
    if (name == "json") return Format::json;
    if (name == "yaml") return Format::yaml;
    if (name == "csv") return Format::csv;
    if (name == "name") return Format::name;
    return Format::table;
}

bool Globals::color() const {
    return color_for(no_color ? "never" : fold(color_when), STDOUT_FILENO);
}

bool Globals::color_errors() const {
    return color_for(no_color ? "never" : fold(color_when), STDERR_FILENO);
}

size_t Globals::table_width() const {
    if (format() != Format::table || !::isatty(STDOUT_FILENO)) return 0;
    if (const char* columns = std::getenv("COLUMNS")) {
        char* end = nullptr;
        const long n = std::strtol(columns, &end, 10);
        if (*columns && !*end && n > 0) return static_cast<size_t>(n);
    }
    winsize size{};
    return ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

bool Globals::github() const {
    if (error_format) {
        const std::string name = fold(*error_format);
        if (name != "text" && name != "github")
            fail(ErrorKind::invalid_input, "--error-format: " + validate::quote(*error_format) +
                                               " is not one of text, github");
        return name == "github";
    }
    const char* env = std::getenv("CHATCTL_ERROR_FORMAT");
    if (!env) return false;
    const std::string name = fold(env);
    if (name != "text" && name != "github")
        fail(ErrorKind::invalid_input,
             "$CHATCTL_ERROR_FORMAT: " + validate::quote(env) + " is not one of text, github",
             {"set it to text or github, or unset it"});
    return name == "github";
}

StoreOptions Globals::store_options() const {
    StoreOptions options;
    if (!db && !std::getenv("CHATCTL_DB") && context_db) {
        options.path = *context_db; // checked as the config file was read
    } else {
        options.path = resolve_store_path(db, &options.make_folders);
    }
    options.lock_timeout_seconds = validate::parse_int(lock_timeout, "--lock-timeout", 0, 86400);
    if (!quiet)
        options.on_created = [](const std::string& path) {
            Progress::erase_active();
            std::cerr << "created store " << path << "\n";
        };
    return options;
}

std::unique_ptr<Store> open_for_read(const Globals& g) {
    return open_store(g.store_options(), OpenMode::read);
}

std::unique_ptr<Store> open_for_plan(const Globals& g) {
    auto store = open_store(g.store_options(), OpenMode::read_if_exists);
    return store ? std::move(store) : memory_store(); // a missing store plans as empty
}

void add_write_options(CLI::App* command, Globals& g) {
    command->add_flag("--dry-run", g.dry_run, "Print the plan and write nothing");
    command
        ->add_option("-m,--reason", g.reason,
                     "Why: recorded with the change, shown by `history` (1-500 characters)")
        ->type_name("TEXT");
}

void add_table_options(CLI::App* command, Globals& g, const std::vector<std::string>& sortable) {
    command->add_flag("--no-headers", g.no_headers,
                      "Leave out the table's header row (and a CSV list's)");
    if (sortable.empty()) return;
    command->add_option("--sort-by", g.sort_by, "Sort the list by this field: " + choices(sortable))
        ->type_name("FIELD")
        ->each([sortable](const std::string& field) { // as the line is read, before any store
            if (std::find(sortable.begin(), sortable.end(), fold(field)) == sortable.end())
                fail(ErrorKind::invalid_input, "--sort-by: " + validate::quote(field) +
                                                   " is not one of " + choices(sortable, "", ", "));
        });
}

void add_tenant_option(CLI::App* command, TenantOption& tenant) {
    tenant.option = command
                        ->add_option("-t,--tenant", tenant.value,
                                     "Tenant key (else $CHATCTL_TENANT, else the context's)")
                        ->type_name("TENANT");
}

std::string TenantOption::key() const {
    auto key = key_if_any();
    if (!key)
        fail(ErrorKind::usage, "--tenant is required",
             {"give -t TENANT, or set $CHATCTL_TENANT or a context's tenant for every command"});
    return *key;
}

std::optional<std::string> TenantOption::key_if_any() const {
    if (given()) {
        validate::tenant_key(value, "--tenant");
        return value;
    }
    const char* env = std::getenv("CHATCTL_TENANT");
    if (!env) return context_tenant(); // checked as the config file was read
    validate::tenant_key(env, "$CHATCTL_TENANT");
    return env;
}

CLI::Option* add_text_option(CLI::App* command, const char* name, TextOption& target,
                             const std::string& description, const char* type_name) {
    target.option = command->add_option(name, target.value, description)->type_name(type_name);
    return target.option;
}

CLI::App* add_command(CLI::App* parent, const char* name, const char* description) {
    CLI::App* command = parent->add_subcommand(name, description);
    command->fallthrough();
    return command;
}

const char* command_summary(std::string_view name) {
    static const std::pair<std::string_view, const char*> summaries[] = {
        {"tenant", "Create, change, list and delete tenants"},
        {"profile", "Manage the chat handling profiles of a tenant"},
        {"user", "Manage the users (agents) of a tenant"},
        {"history", "Show the store's changes, newest first (each committed command is one "
                    "change, numbered)"},
        {"revert", "Undo one committed command (a change `history` numbers, or the newest: "
                   "last), as a new command"},
        {"apply", "Make the store match YAML declarations"},
        {"plan", "Show what apply would change (exit 0: in sync, 2: changes pending)"},
        {"export", "Print tenants as a declaration (all when none is named)"},
        {"simulate", "The service a tenant's agents give under a load: waits, service level, "
                     "utilisation"},
        {"store", "Create or upgrade the store's schema (as its owner)"},
        {"config", "Contexts: named stores and settings"},
        {"completion", "Print the shell completion script for bash, zsh or fish"},
        {"version", "Print chatctl's version and, with a store, its schema version (and "
                    "PostgreSQL's)"},
        {"schema", "Print the JSON Schema of declarations"},
        {"help", "Print the help of a command: `chatctl help user add` is `chatctl user add "
                 "--help`"},
    };
    for (const auto& [command, summary] : summaries)
        if (command == name) return summary;
    return "";
}

CLI::App* add_command(CLI::App& root, const char* name) {
    return add_command(&root, name, command_summary(name));
}

void check_tenant_key(const std::string& key, const char* field) {
    validate::tenant_key(key, field);
}

} // namespace chatctl::cli
