// chatctl config get-contexts|current-context|use-context|set-context|view, and the
// context every other command takes its settings from (Globals::apply_context).
#include "app.hpp"
#include "core/config/config.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/store/store_text.hpp"
#include "core/validate.hpp"
#include "diagnostics.hpp"
#include "help.hpp"
#include "output.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <sys/stat.h>

namespace chatctl::cli {

namespace {

std::optional<std::string> g_context_tenant; // this run's, set by apply_context

// A store text as it may be shown: a PostgreSQL store named without its password (libpq's
// own parse, in the PostgreSQL module), any other URI not at all.
std::string shown_db(const std::string& text) {
    switch (classify_store_text(text)) {
    case StoreTextKind::file:
        return text;
    case StoreTextKind::unknown_uri:
        return "(a URI of no store chatctl knows; not shown)";
    case StoreTextKind::postgres:
        break;
    }
    try {
        return describe_store(text);
    } catch (const Error&) { // no module to parse it with: nothing of it is shown
        return "(a PostgreSQL store; not shown: chatctl's PostgreSQL module is not installed)";
    }
}

// A context's settings as JSON, the db without its password.
Json settings_json(const config::Context& c) {
    Json out = Json::object();
    for (size_t i = 0; i < config::kContextKeys.size(); ++i) {
        const auto& s = c.settings[i];
        const std::string& key = config::kContextKeys[i];
        if (!s)
            out[key] = nullptr;
        else if (key == "db")
            out[key] = shown_db(s->value);
        else if (key == "lock-timeout")
            out[key] = std::stoi(s->value);
        else
            out[key] = s->value;
    }
    return out;
}

// The db of a context holds a password, and the file may be read by others than its owner.
void warn_if_exposed(const Globals& g, const config::File& file, const config::Context& c) {
    const auto& db = c.get("db");
    struct stat st {};
    if (!db || !config::holds_password(db->value) || ::stat(file.path.c_str(), &st) != 0 ||
        (st.st_mode & 077) == 0)
        return;
    warn(g,
         {file.path, db->place.line, db->place.column,
          "the db of context " + validate::quote(c.name) + " holds a password, and " + file.path +
              " may be read by other users: chmod 600 it, or keep the password "
              "in ~/.pgpass or $PGPASSWORD"});
}

config::File load_config(bool* is_default = nullptr) {
    return config::load(config::config_path(is_default));
}

void check_context_name(const std::string& name) {
    bool ok =
        !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
    for (char c : name)
        ok =
            ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
    if (!ok)
        fail(ErrorKind::invalid_input,
             "NAME: " + validate::quote(name) +
                 " is not a context name: 1-63 characters of letters, digits, '.', '_' and '-', "
                 "starting with a letter or digit");
}

struct SetContextArgs {
    std::string name;
    TextOption values[5]; // one per config::kContextKeys
};

void add_set_context(CLI::App* group, Globals& g) {
    auto a = std::make_shared<SetContextArgs>();
    CLI::App* set =
        add_command(group, "set-context", "Create a context, or change the settings it is given");
    set->add_option("NAME", a->name, "Context name")->required();
    add_text_option(set, "--db", a->values[0], "The context's store: a path or PostgreSQL URI",
                    "PATH");
    add_text_option(set, "-t,--tenant", a->values[1], "The context's tenant", "TENANT");
    add_text_option(set, "--actor", a->values[2], "Who history records", "NAME");
    add_text_option(set, "--output", a->values[3],
                    "The context's output format: " + choices({"table", "json", "yaml"}),
                    "table|json|yaml")
        ->option_text("FORMAT");
    add_text_option(set, "--lock-timeout", a->values[4], "How long to wait for another writer",
                    "SECONDS");
    set->callback([&g, a] {
        check_context_name(a->name);
        config::Context values;
        for (size_t i = 0; i < config::kContextKeys.size(); ++i)
            if (auto v = a->values[i].get()) {
                const std::string& key = config::kContextKeys[i];
                config::check_value(key, *v, "--" + key);
                values.settings[i] = config::Setting{*v, {}};
            }
        bool is_default = false;
        const config::File file = load_config(&is_default);
        const bool any = std::any_of(values.settings.begin(), values.settings.end(),
                                     [](const auto& s) { return s.has_value(); });
        if (!any && file.find(a->name))
            fail(ErrorKind::usage, "`chatctl config set-context` needs a setting to change",
                 {"give --db, --tenant, --actor, --output or --lock-timeout"});
        const bool created = config::set_context(file, a->name, values, is_default);
        if (!g.quiet)
            std::cerr << "Context " << validate::quote(a->name)
                      << (created ? " created" : " modified") << " in " << file.path << ".\n";
        const config::File now = config::load(file.path);
        if (const config::Context* c = now.find(a->name)) warn_if_exposed(g, now, *c);
    });
}

} // namespace

std::optional<std::string> context_tenant() {
    return g_context_tenant;
}

void Globals::apply_context() {
    g_context_tenant.reset();
    context_db.reset();
    if (config_command) return; // they read the file themselves
    const config::File file = load_config();
    const config::Context* c = config::select(file, context);
    if (!c) return;
    if (const auto& s = c->get("db"); s && !db && !std::getenv("CHATCTL_DB")) {
        context_db = config::store_path(file, *s);
        context_db_source = config::source(file, *c, "db");
        warn_if_exposed(*this, file, *c);
    }
    if (const auto& s = c->get("tenant")) g_context_tenant = s->value;
    if (const auto& s = c->get("actor"); s && !actor && !std::getenv("CHATCTL_ACTOR"))
        actor = s->value;
    if (const auto& s = c->get("output"); s && output_option && output_option->count() == 0)
        output = s->value;
    if (const auto& s = c->get("lock-timeout");
        s && lock_timeout_option && lock_timeout_option->count() == 0)
        lock_timeout = s->value;
}

void add_config_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "config");
    group->require_subcommand(1);

    CLI::App* list = add_command(group, "get-contexts", "List the contexts of the config file");
    add_table_options(list, g,
                      {"name", "current", "db", "tenant", "actor", "output", "lock_timeout"});
    list->callback([&g] {
        const config::File file = load_config();
        const auto in_use = config::selected_name(file, g.context);
        Json rows = Json::array();
        for (const auto& c : file.contexts) {
            Json row{{"name", c.name}, {"current", in_use && in_use->first == c.name}};
            const Json settings = settings_json(c);
            for (const auto& key : config::kContextKeys) {
                std::string field = key == "lock-timeout" ? "lock_timeout" : key;
                row[field] = settings[key];
            }
            rows.push_back(row);
        }
        print_list(g, rows,
                   {{"CURRENT", "current",
                     [](const Json& r) { return std::string(r["current"] ? "*" : ""); }},
                    {"NAME", "name"},
                    {"DB", "db"},
                    {"TENANT", "tenant"},
                    {"ACTOR", "actor"},
                    {"OUTPUT", "output"},
                    {"LOCK TIMEOUT", "lock_timeout"}},
                   {}, "name");
    });

    CLI::App* current =
        add_command(group, "current-context",
                    "Print the context in use (--context, $CHATCTL_CONTEXT or the file's)");
    current->callback([&g] {
        const config::File file = load_config();
        const config::Context* c = config::select(file, g.context);
        if (!c)
            fail(ErrorKind::not_found,
                 "no context is in use: " + (file.exists ? file.path + " has no current-context"
                                                         : "there is no config file " + file.path),
                 {"`chatctl config use-context NAME` sets one"});
        print_data(g, Json{{"current-context", c->name}}, c->name + "\n");
    });

    {
        auto name = std::make_shared<std::string>();
        CLI::App* use =
            add_command(group, "use-context", "Make a context the config file's current-context");
        use->add_option("NAME", *name, "Context name")->required();
        use->callback([&g, name] {
            const config::File file = load_config();
            config::use_context(file, *name);
            if (!g.quiet) std::cerr << "Switched to context " << validate::quote(*name) << ".\n";
        });
    }

    add_set_context(group, g);

    CLI::App* view = add_command(group, "view", "Print the contexts, without passwords");
    view->callback([&g] {
        const config::File file = load_config();
        Json contexts = Json::object();
        for (const auto& c : file.contexts) {
            Json settings = settings_json(c);
            for (auto it = settings.begin(); it != settings.end();)
                it = it->is_null() ? settings.erase(it) : std::next(it);
            contexts[c.name] = settings;
        }
        Json out{{"current-context", file.current ? Json(file.current->value) : Json(nullptr)},
                 {"contexts", contexts}};
        print_data(g, out, to_yaml(out)); // a table would say less than the YAML does
    });
}

} // namespace chatctl::cli
