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

#include <climits>
#include <iostream>
#include <unistd.h>

namespace chatctl::cli {

namespace {

// The table's CHANGES cell: what the entry did to each field.
std::string field_changes_of(const Json& entry) {
    const std::string& action = entry["action"].get_ref<const std::string&>();
    const std::string& kind = entry["kind"].get_ref<const std::string&>();
    Kind k = kind == "tenant" ? Kind::tenant : kind == "profile" ? Kind::profile : Kind::user;
    Action a = action == "create"   ? Action::create
               : action == "update" ? Action::update
                                    : Action::remove;
    return field_changes(a, changed_fields(k, entry["before"], entry["after"]));
}

// The table's AT cell on a terminal: local time, as people read it.
std::string local_at(const Json& entry) {
    return local_time(entry["at"].get_ref<const std::string&>());
}

} // namespace

void add_history_command(CLI::App& app, Globals& g) {
    struct Args {
        TextOption tenant, change, kind, key, actor, since, until;
        std::string limit = "50";
        bool all = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(app, "history");
    add_text_option(c, "-t,--tenant", a->tenant, "Only this tenant's changes", "TENANT");
    CLI::Option* limit_option = c->add_option("--limit", a->limit, "Keep the N newest entries")
                                    ->type_name("N")
                                    ->capture_default_str();
    c->add_flag("--all", a->all, "Show every entry the filters select");
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
        int64_t matching = 0;
        // Times in UTC ("Z") everywhere a program may read them; local on a terminal.
        const bool local = g.format() == Format::table && ::isatty(STDOUT_FILENO);
        print_read(*store, [&](std::ostream& out) {
            print_rows(
                g,
                [&](const std::function<void(const Json&)>& each) {
                    matching = queries::history(*store, f, limit, each);
                },
                {{"ID", "id"},
                 {"CHANGE", "change"},
                 local ? Column{"AT", "", local_at} : Column{"AT", "at"},
                 {"ACTOR", "actor"},
                 {"COMMAND", "command"},
                 {"ACTION", "action"},
                 {"KIND", "kind"},
                 {"TENANT", "tenant"},
                 {"KEY", "key"},
                 {"CHANGES", "", field_changes_of}},
                queries::kHistoryFields, out);
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
    add_dry_run(c, g);
    c->add_flag("--force", a->force, "Revert even when a later change touched the same objects");
    c->callback([&g, a] {
        std::string word = a->change; // a choice: its case is ignored
        for (char& ch : word)
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        const bool last = word == "last";
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
