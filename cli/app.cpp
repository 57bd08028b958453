#include "app.hpp"

#include "core/csv/csv.hpp"
#include "core/decl/converge.hpp"
#include "core/decl/stream_writer.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"
#include "core/validate.hpp"
#include "render.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace chatctl::cli {

namespace {

// --actor, else $CHATCTL_ACTOR, else the login name (checked by Globals::check).
std::string actor_name(const Globals& g) {
    if (g.actor) return *g.actor;
    if (const char* env = std::getenv("CHATCTL_ACTOR")) return env;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "unknown";
}

} // namespace

void print_data(const Globals& g, const Json& value, const std::string& text) {
    switch (g.format()) {
    case Format::json:
        std::cout << json_dump(value, 2) << "\n";
        break;
    case Format::yaml:
        std::cout << to_yaml(value);
        break;
    case Format::table:
    case Format::csv: // the lists' own rows, or simulate's (refused elsewhere)
        std::cout << text;
        break;
    }
}

void Globals::check() const {
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

StoreOptions Globals::store_options() const {
    StoreOptions options;
    options.path = resolve_store_path(db, &options.make_folders);
    options.lock_timeout_seconds = validate::parse_int(lock_timeout, "--lock-timeout", 0, 86400);
    if (!quiet)
        options.on_created = [](const std::string& path) {
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

void run_write(const Globals& g, const std::string& command, const Planner& planner,
               Summary summary) {
    auto store = open_store(g.store_options(), OpenMode::write);
    ChangeSet applied = write(*store, WriteContext{actor_name(g), command, false}, planner);
    print_plan(g, applied, summary);
}

namespace {

// Output held back until a write commits: a temporary file, removed when done.
class Spool {
  public:
    Spool() {
        const char* dir = std::getenv("TMPDIR");
        path_ = std::string(dir && *dir ? dir : "/tmp") + "/chatctl-XXXXXX";
        int fd = ::mkstemp(path_.data());
        if (fd < 0)
            fail(ErrorKind::internal, "cannot make a temporary file in " +
                                          path_.substr(0, path_.rfind('/')) + ": " +
                                          std::strerror(errno));
        ::close(fd);
        out_.open(path_, std::ios::binary | std::ios::trunc);
    }
    ~Spool() { ::unlink(path_.c_str()); }
    std::ostream& stream() { return out_; }
    void copy_to(std::ostream& target) {
        out_.close();
        if (!out_) fail(ErrorKind::internal, "cannot write the temporary file " + path_);
        std::ifstream in(path_, std::ios::binary);
        if (in.peek() != std::ifstream::traits_type::eof()) target << in.rdbuf();
    }

  private:
    std::string path_;
    std::ofstream out_;
};

} // namespace

bool stream_plan(const Globals& g, std::ostream& out, Summary summary,
                 const std::function<void(const ChangeSink&)>& run) {
    PlanSummary count;
    auto counted = [&](const Change& c) {
        (c.action == Action::create   ? count.create
         : c.action == Action::update ? count.update
                                      : count.remove)++;
    };
    if (g.quiet) {
        run(counted);
    } else if (g.format() == Format::table) {
        PlanLines lines(out, g.color());
        run([&](const Change& c) { lines.add(c); });
        out << lines.finish(summary);
        count = lines.count();
    } else {
        auto skeleton = [&] {
            return Json{
                {"format_version", "1"},
                {"changes", Json::array({kHole})},
                {"summary",
                 {{"create", count.create}, {"update", count.update}, {"delete", count.remove}}}};
        };
        write_streamed(out, g.format() == Format::json ? DocumentForm::json : DocumentForm::yaml,
                       skeleton, [&](ListWriter& list) {
                           run([&](const Change& c) {
                               counted(c);
                               list.item(c.to_json());
                           });
                       });
    }
    return count.create + count.update + count.remove > 0;
}

void run_streamed_write(const Globals& g, const std::string& command, const StreamPlanner& planner,
                        Summary summary, bool dry_run) {
    auto store = open_store(g.store_options(), OpenMode::write);
    Spool spool; // what is printed is what was committed
    stream_plan(g, spool.stream(), summary, [&](const ChangeSink& print) {
        write(*store, WriteContext{actor_name(g), command, dry_run}, planner, print);
    });
    spool.copy_to(std::cout);
}

bool apply_while_reading(const Globals& g, const Sources& sources, bool prune, Declaration& read) {
    std::unique_ptr<Store> store;
    try {
        store = open_store(g.store_options(), OpenMode::write);
    } catch (...) { // locked, read-only...: the ordinary path meets it again, or refuses
        read = load_declaration(sources); // the declaration first
        return false;
    }
    Spool spool; // what is printed is what was committed
    bool committed = false;
    stream_plan(g, spool.stream(), Summary::applied, [&](const ChangeSink& print) {
        StreamedApply writer(*store, WriteContext{actor_name(g), "apply", false}, prune, print);
        read = load_declaration(sources, &writer);
        committed = writer.finish(read);
    });
    if (!committed) return false; // a new store goes with it; the ordinary path makes it again
    spool.copy_to(std::cout);
    return true;
}

void print_plan(const Globals& g, const ChangeSet& changes, Summary summary) {
    if (!g.quiet) print_data(g, plan_to_json(changes), render_plan(changes, summary, g.color()));
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
        csv::write_row(out, csv_fields);
        std::vector<std::string> cells;
        each([&](const Json& row) {
            cells.clear();
            for (const auto& f : csv_fields) {
                const Json& v = row[f];
                cells.push_back(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
            }
            csv::write_row(out, cells);
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
    Json rows = Json::array();
    each([&](const Json& row) { rows.push_back(row); });
    std::vector<std::vector<std::string>> table(1);
    for (const auto& c : columns)
        table[0].emplace_back(c.header);
    for (const auto& row : rows) {
        table.emplace_back();
        for (const auto& c : columns)
            table.back().push_back(c.make ? c.make(row) : cell(row[c.field]));
    }
    print_data(g, rows, render_table(std::move(table), g.color()));
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
    tenant.option =
        command->add_option("-t,--tenant", tenant.value, "Tenant key (else $CHATCTL_TENANT)")
            ->type_name("TENANT");
}

std::string TenantOption::key() const {
    auto key = key_if_any();
    if (!key)
        fail(ErrorKind::usage, "--tenant is required",
             {"give -t TENANT, or set $CHATCTL_TENANT for every command"});
    return *key;
}

std::optional<std::string> TenantOption::key_if_any() const {
    if (given()) {
        validate::tenant_key(value, "--tenant");
        return value;
    }
    const char* env = std::getenv("CHATCTL_TENANT");
    if (!env) return std::nullopt;
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

} // namespace chatctl::cli
