// chatctl history | revert
#include "app.hpp"
#include "core/clock.hpp"
#include "core/commands/queries.hpp"
#include "core/commands/revert.hpp"
#include "core/model.hpp"
#include "core/plan.hpp"
#include "core/validate.hpp"
#include "help.hpp"
#include "output.hpp"
#include "write.hpp"

#include <algorithm>
#include <climits>
#include <iostream>
#include <unistd.h>
#include <unordered_set>

namespace chatctl::cli {

namespace {

// The table's CHANGES cell: what the entry did to each field; for a delete, what the
// object was (its fields as a create shows them).
std::string field_changes_of(const Json& entry) {
    const std::string& action = entry["action"].get_ref<const std::string&>();
    const std::string& kind = entry["kind"].get_ref<const std::string&>();
    Kind k = kind == "tenant" ? Kind::tenant : kind == "profile" ? Kind::profile : Kind::user;
    if (action == "delete")
        return field_changes(Action::create, changed_fields(k, Json(), entry["before"]));
    Action a = action == "create" ? Action::create : Action::update;
    return field_changes(a, changed_fields(k, entry["before"], entry["after"]));
}

// The table's AT cell on a terminal: local time, as people read it.
std::string local_at(const Json& entry) {
    return local_time(entry["at"].get_ref<const std::string&>());
}

// History's columns with AT in local time on a terminal (times stay UTC, "Z", everywhere
// a program may read them).
std::vector<Column> local_times(const Globals& g, std::vector<Column> columns) {
    if (g.format() != Format::table || !::isatty(STDOUT_FILENO)) return columns;
    for (auto& c : columns)
        if (std::string_view(c.header) == "AT") c = Column{"AT", "", local_at};
    return columns;
}

// A --changes cell: how many objects of the kind the change created, updated, deleted
// (`+2 ~1`), nothing for none.
std::string counts_of(const Json& change, const std::string& kind) {
    std::string out;
    for (const auto& [sign, action] :
         {std::pair{"+", "create"}, std::pair{"~", "update"}, std::pair{"-", "delete"}})
        if (const int64_t n = change[kind + "_" + action].get<int64_t>(); n > 0)
            out += (out.empty() ? "" : " ") + std::string(sign) + std::to_string(n);
    return out;
}

const std::vector<Column> kChangeColumns = {
    {"CHANGE", "change"},
    {"AT", "at"},
    {"ACTOR", "actor"},
    {"COMMAND", "command"},
    {"TENANTS", "", [](const Json& c) { return counts_of(c, "tenant"); }},
    {"PROFILES", "", [](const Json& c) { return counts_of(c, "profile"); }},
    {"USERS", "", [](const Json& c) { return counts_of(c, "user"); }},
    {"REASON", "reason"}};

const std::vector<Column> kEntryColumns = {
    {"ID", "id"},           {"CHANGE", "change"},
    {"AT", "at"},           {"ACTOR", "actor"},
    {"COMMAND", "command"}, {"ACTION", "action"},
    {"KIND", "kind"},       {"TENANT", "tenant"},
    {"KEY", "key"},         {"CHANGES", "", field_changes_of}};

// What --sort-by may name: an entry's fields but its objects; with --changes, the first
// four fields of a change.
const std::vector<std::string> kSortable = {"id",     "change", "at",  "actor", "command",
                                            "tenant", "kind",   "key", "action"};
const std::vector<std::string> kChangeSortable = {"change", "at", "actor", "command"};

// With --changes: one line per change.
void print_changes(const Globals& g, Store& store, const HistoryFilter& f,
                   std::optional<int64_t> limit) {
    if (g.sort_by && std::find(kChangeSortable.begin(), kChangeSortable.end(), fold(*g.sort_by)) ==
                         kChangeSortable.end())
        fail(ErrorKind::invalid_input, "--sort-by: " + validate::quote(*g.sort_by) +
                                           " is not one of " + choices(kChangeSortable, "", ", ") +
                                           " with --changes");
    bool more = false;
    print_read(store, [&](std::ostream& out) {
        print_rows(
            g, [&](const auto& each) { more = queries::history_changes(store, f, limit, each); },
            local_times(g, kChangeColumns), queries::kChangeFields, "change", out);
    });
    if (more && !g.quiet) // never cut short without a word
        std::cerr << "chatctl: the " << *limit
                  << " newest matching changes shown; see them all with --all (or a larger "
                     "--limit)\n";
}

} // namespace

void add_history_command(CLI::App& app, Globals& g) {
    struct Args {
        TextOption tenant, change, kind, key, actor, since, until;
        std::string limit = "50";
        bool all = false, changes = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(app, "history");
    add_text_option(c, "-t,--tenant", a->tenant, "Only this tenant's changes", "TENANT");
    CLI::Option* limit_option = c->add_option("--limit", a->limit, "Keep the N newest entries")
                                    ->type_name("N")
                                    ->capture_default_str();
    c->add_flag("--all", a->all, "Show every entry the filters select");
    c->add_flag("--changes", a->changes,
                "One line per change: its number, when, actor, command, and how many objects of "
                "each kind it created (+), updated (~) and deleted (-); --limit counts changes");
    add_table_options(c, g, kSortable);
    add_text_option(c, "--change", a->change, "Only the entries of change N", "N");
    add_text_option(c, "--kind", a->kind,
                    "Only changes of this kind: " + choices({"tenant", "profile", "user"}),
                    "tenant|profile|user")
        ->option_text("KIND");
    add_text_option(c, "--key", a->key, "Only changes to this tenant key, profile name or login",
                    "KEY");
    add_text_option(c, "--actor", a->actor, "Only the changes this actor made", "NAME");
    add_text_option(c, "--since", a->since,
                    "From this time on (ISO 8601, UTC unless an offset is given; a time "
                    "ago: 30m, 2h, 7d; today or yesterday, local days)",
                    "TIME");
    add_text_option(c, "--until", a->until,
                    "Up to this time (a date or a minute takes in all of it)", "TIME");
    c->callback([&g, a, limit_option] {
        HistoryFilter f;
        f.tenant = a->tenant.get();
        if (f.tenant) check_tenant_key(*f.tenant, "--tenant");
        std::optional<int64_t> limit;
        if (a->all && limit_option->count() > 0)
            fail(ErrorKind::usage, "--all and --limit cannot be used together",
                 {"--all shows every entry; --limit N the N newest"});
        try {
            if (!a->all) limit = validate::parse_int(a->limit, "--limit", 1, INT_MAX);
        } catch (const Error& e) { // 0 means "no limit" to some tools
            throw e.with_hint("to see every entry, use --all");
        }
        if (auto n = a->change.get()) f.change = validate::parse_int(*n, "--change", 1, INT_MAX);
        if (auto kind = a->kind.get()) {
            f.kind = fold(*kind); // --kind User as --kind user
            if (*f.kind != "tenant" && *f.kind != "profile" && *f.kind != "user")
                fail(ErrorKind::invalid_input,
                     "--kind must be tenant, profile or user, not " + validate::quote(*kind));
        }
        f.key = a->key.get();
        if (f.key && f.key->empty())
            fail(ErrorKind::invalid_input, "--key must name a tenant key, profile name or login");
        f.actor = a->actor.get();
        if (f.actor) validate::actor(*f.actor, "--actor");
        if (auto t = a->since.get()) f.since = time_bound(*t, "--since", false);
        if (auto t = a->until.get()) f.until = time_bound(*t, "--until", true);
        if (f.since && f.until && *f.since > *f.until)
            fail(ErrorKind::invalid_input, "--since is after --until: no entry can match");
        auto store = open_for_read(g);
        if (a->changes) return print_changes(g, *store, f, limit);
        int64_t matching = 0;
        std::unordered_set<int64_t> named; // -o name: each change number once
        print_read(*store, [&](std::ostream& out) {
            print_rows(
                g,
                [&](const std::function<void(const Json&)>& each) {
                    matching = queries::history(*store, f, limit, [&](const Json& entry) {
                        if (g.format() != Format::name ||
                            named.insert(entry["change"].get<int64_t>()).second)
                            each(entry);
                    });
                },
                local_times(g, kEntryColumns), queries::kHistoryFields, "change", out);
        });
        if (limit && matching > *limit && !g.quiet) // never cut short without a word
            std::cerr << "chatctl: " << *limit << " of " << matching
                      << " matching entries shown, the newest; see them all with --all (or "
                         "--limit "
                      << matching << ")\n";
    });
}

void add_revert_command(CLI::App& app, Globals& g) {
    struct Args {
        std::string change;
        bool force = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(app, "revert");
    c->add_option("CHANGE", a->change, "The change number, or last")->required();
    add_write_options(c, g);
    c->add_flag("--force", a->force, "Revert even when a later change touched the same objects");
    c->callback([&g, a] {
        const bool last = fold(a->change) == "last"; // a choice: its case is ignored
        int64_t number = 0;
        if (!last) {
            try {
                number = validate::parse_int(a->change, "CHANGE", 1, INT_MAX);
            } catch (const Error& e) {
                throw e.with_hint("give a change number from `chatctl history`, or last");
            }
        }
        auto store = open_for_read(g); // a store to revert in: never created here
        if (last) {
            // The newest change as the command starts, as `history` shows it; revert still
            // refuses it if a change committed since touched the same objects.
            number = store->next_change() - 1;
            if (number == 0)
                fail(ErrorKind::not_found, "no change to revert: the store's history is empty");
            if (!g.quiet) std::cerr << "chatctl: reverting change " << number << ", the newest\n";
        }
        store.reset();
        run_streamed_write(g, "revert " + std::to_string(number), ops::revert(number, a->force),
                           Summary::none);
    });
}

} // namespace chatctl::cli
