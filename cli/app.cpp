#include "app.hpp"

#include "core/csv/csv.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"
#include "core/validate.hpp"
#include "progress.hpp"
#include "render.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace chatctl::cli {

std::string data_text(const Globals& g, const Json& value, const std::string& text) {
    switch (g.format()) {
    case Format::json:
        return json_dump(value, 2) + "\n";
    case Format::yaml:
        return to_yaml(value);
    case Format::table:
    case Format::csv: // the lists' own rows, or simulate's (refused elsewhere)
        break;
    }
    return text;
}

void print_data(const Globals& g, const Json& value, const std::string& text) {
    std::cout << data_text(g, value, text);
}

void Globals::check() const {
    github(); // checks the format, named as where it came from
    if (actor)
        validate::actor(*actor, "--actor");
    else if (const char* env = std::getenv("CHATCTL_ACTOR"))
        validate::actor(env, "$CHATCTL_ACTOR");
    store_options();
}

Format Globals::format() const {
    if (output == "json") return Format::json;
    if (output == "yaml") return Format::yaml;
    if (output == "csv") return Format::csv;
    return Format::table;
}

bool Globals::color() const {
    const char* no_color_env = std::getenv("NO_COLOR");
    return !no_color && !(no_color_env && *no_color_env) && ::isatty(STDOUT_FILENO);
}

bool Globals::github() const {
    if (error_format) {
        if (*error_format != "text" && *error_format != "github")
            fail(ErrorKind::invalid_input, "--error-format: " + validate::quote(*error_format) +
                                               " is not one of text, github");
        return *error_format == "github";
    }
    const char* env = std::getenv("CHATCTL_ERROR_FORMAT");
    if (!env) return false;
    if (std::string(env) != "text" && std::string(env) != "github")
        fail(ErrorKind::invalid_input,
             "$CHATCTL_ERROR_FORMAT: " + validate::quote(env) + " is not one of text, github",
             {"set it to text or github, or unset it"});
    return std::string(env) == "github";
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

std::string plan_text(const Globals& g, const ChangeSet& changes, Summary summary,
                      const int64_t* change) {
    Json document = plan_to_json(changes);
    if (change) document["change"] = *change != 0 ? Json(*change) : Json(nullptr);
    return data_text(g, document, render_plan(changes, summary, g.color()));
}

void add_dry_run(CLI::App* command, Globals& g) {
    command->add_flag("--dry-run", g.dry_run, "Print the plan and write nothing");
}

void print_rows(const Globals& g, const RowSource& each, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields) {
    std::string out; // written a block at a time: a list of a million is never held
    auto flush = [&](size_t above) {
        if (out.size() <= above) return;
        std::cout << out;
        out.clear();
    };
    if (g.format() == Format::csv) {
        csv::write_row(out, csv_fields, g.csv_delimiter);
        std::vector<std::string> cells;
        each([&](const Json& row) {
            cells.clear();
            for (const auto& f : csv_fields) {
                const Json& v = row[f];
                cells.push_back(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
            }
            csv::write_row(out, cells, g.csv_delimiter);
            flush(1 << 16);
        });
        flush(0);
        return;
    }
    if (g.format() == Format::json) { // as dump(2) writes the whole array
        bool first = true;
        each([&](const Json& row) {
            std::string one = json_dump(Json::array({row}), 2); // "[\n  {...}\n]"
            out += first ? "[\n" : ",\n";
            out.append(one, 2, one.size() - 4);
            first = false;
            flush(1 << 16);
        });
        out += first ? "[]\n" : "\n]\n";
        flush(0);
        return;
    }
    if (g.format() == Format::yaml) {
        Json rows = Json::array();
        each([&](const Json& row) { rows.push_back(row); });
        std::cout << to_yaml(rows);
        return;
    }
    // A table, aligned in blocks of kBlock rows, so that a long one is never held.
    constexpr size_t kBlock = 1000;
    std::vector<std::vector<std::string>> table(1);
    for (const auto& c : columns)
        table[0].emplace_back(c.header);
    bool first = true;
    auto block = [&] {
        std::string text = render_table(table, g.color());
        if (!first) text.erase(0, text.find('\n') + 1); // the header, once
        std::cout << text;
        table.resize(1);
        first = false;
    };
    each([&](const Json& row) {
        table.emplace_back();
        for (const auto& c : columns)
            table.back().push_back(c.make ? c.make(row) : cell(row[c.field]));
        if (table.size() > kBlock) block();
    });
    if (first || table.size() > 1) block();
}

void print_list(const Globals& g, const Json& rows, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields) {
    print_rows(
        g,
        [&](const std::function<void(const Json&)>& f) {
            for (const auto& row : rows)
                f(row);
        },
        columns, csv_fields);
}

void print_object(const Globals& g, const Json& object) {
    std::vector<std::vector<std::string>> table{{"FIELD", "VALUE"}};
    for (auto it = object.begin(); it != object.end(); ++it)
        table.push_back({it.key(), cell(it.value())});
    print_data(g, object, render_table(std::move(table), g.color()));
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

void add_text_option(CLI::App* command, const char* name, TextOption& target,
                     const char* description, const char* type_name) {
    target.option = command->add_option(name, target.value, description)->type_name(type_name);
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
    };
    for (const auto& [command, summary] : summaries)
        if (command == name) return summary;
    return "";
}

CLI::App* add_command(CLI::App& root, const char* name) {
    return add_command(&root, name, command_summary(name));
}

namespace {

// CLI11's help, with the options every command takes (those of chatctl itself) listed in
// each command's help before its examples.
class HelpFormatter : public CLI::Formatter {
  public:
    std::string make_footer(const CLI::App* app) const override {
        const CLI::App* root = app;
        while (root->get_parent())
            root = root->get_parent();
        std::string globals;
        if (root != app) {
            for (const CLI::Option* o : root->get_options())
                if (o->nonpositional() && o != root->get_help_ptr() &&
                    o->get_name(false, false) != "--version")
                    globals += make_option(o, false);
            globals = "\nGlobal options:\n" + globals;
        }
        return globals + CLI::Formatter::make_footer(app);
    }
};

} // namespace

void use_help_formatter(CLI::App& app) {
    app.formatter(std::make_shared<HelpFormatter>());
}

void check_tenant_key(const std::string& key, const char* field) {
    validate::tenant_key(key, field);
}

std::string position(const Diagnostic& d) {
    std::string out = d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    return out;
}

namespace {

// GitHub's escaping of a workflow command's message, and (with : and ,) of its properties.
std::string workflow_escape(const std::string& text, bool property) {
    std::string out;
    for (char c : text) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else if (property && c == ':')
            out += "%3A";
        else if (property && c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string github_annotation(const char* level, const Diagnostic& d) {
    using validate::escape_controls;
    const std::string message = escape_controls(d.message);
    std::string out = std::string("::") + level;
    if (d.file == "-") // standard input: no file GitHub could show it in
        return out + "::" + workflow_escape(position(d) + ": " + message, false) + "\n";
    out += " file=" + workflow_escape(escape_controls(d.file), true);
    if (d.line > 0) out += ",line=" + std::to_string(d.line) + ",col=" + std::to_string(d.column);
    return out + "::" + workflow_escape(message, false) + "\n";
}

void warn(const Globals& g, const Diagnostic& w) {
    if (g.quiet) return;
    using validate::escape_controls;
    Progress::erase_active();
    std::cerr << escape_controls(position(w)) << ": warning: " << escape_controls(w.message)
              << "\n";
    if (g.github()) std::cerr << github_annotation("warning", w);
}

} // namespace chatctl::cli
