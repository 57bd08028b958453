// What every command of the front end shares: the global options, opening the store, the
// options many commands take (-t, --dry-run, a text that may be empty), adding a command,
// and each command group's registration. Printing is output.hpp's; writing, write.hpp's.
#pragma once

#include "core/store/store.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace chatctl::cli {

enum class Format { table, json, yaml, csv, name };

struct Globals {
    std::optional<std::string> db;
    std::string output = "table";
    bool quiet = false;
    bool no_color = false;
    std::string color_when = "auto"; // --color
    std::optional<std::string> actor;
    std::string lock_timeout = "5";
    bool dry_run = false;                    // the write command's --dry-run
    std::optional<std::string> reason;       // the write command's --reason (-m)
    char csv_delimiter = ',';                // a list command's --delimiter, for -o csv
    bool no_headers = false;                 // a table's or CSV list's --no-headers
    std::optional<std::string> sort_by;      // a list's --sort-by FIELD
    std::optional<std::string> context;      // --context (else $CHATCTL_CONTEXT)
    std::optional<std::string> error_format; // --error-format (else $CHATCTL_ERROR_FORMAT)
    int exit_code = 0; // what a successful command exits with (plan: 2 when changes are pending)
    // Set from the command line's words before the parse: `config` commands read the
    // config file themselves, and use no context.
    bool config_command = false;
    CLI::Option* output_option = nullptr;
    CLI::Option* lock_timeout_option = nullptr;
    // The store the context in use gives, and how to name it (db of context "dev" (FILE)).
    std::optional<std::string> context_db;
    std::string context_db_source;

    // Fills what the command line and the variables leave unset from the context in use
    // (--context, else $CHATCTL_CONTEXT, else the config file's current-context). Reads
    // the config file; nothing when there is none.
    void apply_context();

    // Checks every global option (and the variables that stand for them) before any
    // command runs: a bad value is invalid input whatever the command.
    void check() const;
    // Who history records: --actor (or the context's actor), else $CHATCTL_ACTOR, else
    // the user a CI names ($GITHUB_ACTOR when $GITHUB_ACTIONS is `true`,
    // $GITLAB_USER_LOGIN when $GITLAB_CI is `true`), else the login name.
    std::string actor_name() const;
    Format format() const;
    bool color() const;        // standard output's colour (--color, --no-color, NO_COLOR, TERM)
    bool color_errors() const; // standard error's: `error:` and `warning:`
    // The width a table is cut to: on a terminal only, $COLUMNS when it is a positive
    // number, else the terminal's; 0 (never cut) in a pipe or a file, or when unknown.
    size_t table_width() const;
    // --error-format github (else $CHATCTL_ERROR_FORMAT): located errors and warnings are
    // also written as GitHub Actions workflow commands.
    bool github() const;
    StoreOptions store_options() const;
};

// chatctl's own options, taken before or after the command (--db, -o, -q...).
void add_global_options(CLI::App& app, Globals& g);

// Opens the store for a read command (never creating it).
std::unique_ptr<Store> open_for_read(const Globals& g);

// Opens the store to plan against: as it is, or empty when there is none (never creating).
std::unique_ptr<Store> open_for_plan(const Globals& g);

// A write command's options (every one takes them): --dry-run, the plan printed and
// nothing written; --reason (-m), why, recorded with the change.
void add_write_options(CLI::App* command, Globals& g);

// --no-headers on a command that prints a table; with sortable fields (a list), --sort-by
// FIELD too.
void add_table_options(CLI::App* command, Globals& g,
                       const std::vector<std::string>& sortable = {});

// A text option whose absence differs from an empty value.
struct TextOption {
    std::string value;
    CLI::Option* option = nullptr;
    std::optional<std::string> get() const {
        return option && option->count() > 0 ? std::optional(value) : std::nullopt;
    }
};
CLI::Option* add_text_option(CLI::App* command, const char* name, TextOption& target,
                             const std::string& description, const char* type_name = "TEXT");

// A subcommand that lets global options follow it.
CLI::App* add_command(CLI::App* parent, const char* name, const char* description);
// One of chatctl's own commands (`tenant`, `apply`...), with its summary.
CLI::App* add_command(CLI::App& root, const char* name);
// A command's line in `chatctl --help`.
const char* command_summary(std::string_view name);

// The tenant of the context in use (set by Globals::apply_context), else nullopt.
std::optional<std::string> context_tenant();

// -t/--tenant, else $CHATCTL_TENANT, else the context's tenant: one is required.
struct TenantOption {
    std::string value;
    CLI::Option* option = nullptr;
    // The key, checked and named as where it came from (--tenant or $CHATCTL_TENANT).
    std::string key() const;
    // The same, or nullopt when neither gives one.
    std::optional<std::string> key_if_any() const;
    bool given() const { return option && option->count() > 0; } // on the command line
};
void add_tenant_option(CLI::App* command, TenantOption& tenant);

// Fails with invalid input unless key is a well-formed tenant key.
void check_tenant_key(const std::string& key, const char* field);

// Registration of each command group.
void add_tenant_commands(CLI::App& app, Globals& g);
void add_profile_commands(CLI::App& app, Globals& g);
void add_user_commands(CLI::App& app, Globals& g);
void add_history_command(CLI::App& app, Globals& g);
void add_revert_command(CLI::App& app, Globals& g);
void add_simulate_command(CLI::App& app, Globals& g);
void add_store_commands(CLI::App& app, Globals& g);
void add_declaration_commands(CLI::App& app, Globals& g);
void add_config_commands(CLI::App& app, Globals& g);
void add_info_commands(CLI::App& app, Globals& g);

} // namespace chatctl::cli
