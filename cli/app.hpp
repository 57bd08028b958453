// What every command of the front end shares: the global options, opening the store for
// reading or writing, and printing results in the chosen format.
#pragma once

#include "core/decl/declaration.hpp"
#include "core/engine.hpp"
#include "core/store/store.hpp"
#include "render.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

namespace chatctl {
struct ApplyOptions; // core/decl/converge.hpp
}

namespace chatctl::cli {

enum class Format { table, json, yaml, csv };

struct Globals {
    std::optional<std::string> db;
    std::string output = "table";
    bool quiet = false;
    bool no_color = false;
    std::optional<std::string> actor;
    std::string lock_timeout = "5";
    bool dry_run = false;                    // the write command's --dry-run
    char csv_delimiter = ',';                // a list command's --delimiter, for -o csv
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
    Format format() const;
    bool color() const; // on a terminal, unless --no-color or NO_COLOR
    // --error-format github (else $CHATCTL_ERROR_FORMAT): located errors and warnings are
    // also written as GitHub Actions workflow commands.
    bool github() const;
    StoreOptions store_options() const;
};

// Opens the store for a read command (never creating it).
std::unique_ptr<Store> open_for_read(const Globals& g);

// Opens the store to plan against: as it is, or empty when there is none (never creating).
std::unique_ptr<Store> open_for_plan(const Globals& g);

// --dry-run on a write command (every one takes it): the plan printed, nothing written.
void add_dry_run(CLI::App* command, Globals& g);

// Runs one write command: the planner's changes go through the engine in one
// transaction, then the result is printed as a plan (nothing with -q), and its change
// number: `Change N committed.` on stderr (not with -q), `change` in the document. With
// --dry-run, every change is checked in the write transaction, which is rolled back, and
// the plan printed as `plan` prints one.
void run_write(const Globals& g, const std::string& command, const Planner& planner,
               Summary summary = Summary::none);

// A change set as plan lines (with a summary line when asked), or the plan document;
// with change given, a write's document, whose `change` is *change (null when 0).
std::string plan_text(const Globals& g, const ChangeSet& changes, Summary summary,
                      const int64_t* change = nullptr);

// The same for the changes run hands to its sink, printed to out as they come (only
// counted with -q); *change is read once they are all written. Returns whether there was
// any.
bool stream_plan(const Globals& g, std::ostream& out, Summary summary,
                 const std::function<void(const ChangeSink&)>& run,
                 const int64_t* change = nullptr);

// apply writing while it reads (StreamedApply): true once committed and printed; else
// `read` holds the declaration, read whole, for apply's ordinary path.
bool apply_while_reading(const Globals& g, const Sources& sources, const ApplyOptions& options,
                         Declaration& read);

// run_write for a change set too large to hold (apply): the changes are applied as they
// are planned, and printed once committed (with --dry-run, as run_write).
void run_streamed_write(const Globals& g, const std::string& command, const StreamPlanner& planner,
                        Summary summary);

// Prints a read command's result: json/yaml as is, csv with the given fields as columns
// (a header row, then one row per object; null an empty cell, other values as JSON
// text), table through the given columns (each a header and the JSON field it shows, or
// a cell made from the whole row).
struct Column {
    const char* header;
    const char* field;
    std::string (*make)(const Json& row) = nullptr;
};
void print_list(const Globals& g, const Json& rows, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields);
// The same for rows handed over one at a time: json and csv are printed as they come.
using RowSource = std::function<void(const std::function<void(const Json&)>&)>;
void print_rows(const Globals& g, const RowSource& each, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields);
void print_object(const Globals& g, const Json& object);
// A document: json and yaml as is, anything else the text given (a table, CSV rows).
std::string data_text(const Globals& g, const Json& value, const std::string& text);
void print_data(const Globals& g, const Json& value, const std::string& text);

// A text option whose absence differs from an empty value.
struct TextOption {
    std::string value;
    CLI::Option* option = nullptr;
    std::optional<std::string> get() const {
        return option && option->count() > 0 ? std::optional(value) : std::nullopt;
    }
};
void add_text_option(CLI::App* command, const char* name, TextOption& target,
                     const char* description, const char* type_name = "TEXT");

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

// FILE:LINE:COLUMN of a diagnostic (FILE alone where it has no line).
std::string position(const Diagnostic& d);
// A warning at a place in a file, on stderr (not with -q): `FILE:LINE:COLUMN: warning:
// MESSAGE`, and with --error-format github also `::warning file=...::MESSAGE`.
void warn(const Globals& g, const Diagnostic& warning);
// A diagnostic as a GitHub Actions workflow command (`::error file=F,line=L,col=C::M`).
std::string github_annotation(const char* level, const Diagnostic& d);

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
// Every command's --help shows the global options too: call before adding commands.
void use_help_formatter(CLI::App& app);
// Puts each command's examples in its help footer.
void add_examples(CLI::App& app);

} // namespace chatctl::cli
