// chatctl store init|upgrade: the store's schema made or upgraded explicitly, by the role
// that owns it (on PostgreSQL), ahead of the everyday commands of a role with DML rights.
#include "app.hpp"
#include "output.hpp"

namespace chatctl::cli {

namespace {

// What was done, as data: `previous_version` is null when the store was created.
Json init_json(const std::string& store, const InitReport& r) {
    const bool created = r.previous == 0;
    return Json{{"store", store},
                {"schema_version", r.version},
                {"previous_version", created ? Json(nullptr) : Json(r.previous)},
                {"done", created                  ? "created"
                         : r.previous < r.version ? "upgraded"
                                                  : "nothing"},
                {"granted_to", optional_json(r.granted_to)}};
}

// The same in words, a line for each thing done.
std::string init_text(const Json& done) {
    const std::string store = done["store"], version = done["schema_version"].dump();
    std::string out;
    if (done["done"] == "created")
        out = "Created the store " + store + " (schema version " + version + ").\n";
    else if (done["done"] == "upgraded")
        out = "Upgraded " + store + " from schema version " + done["previous_version"].dump() +
              " to " + version + ".\n";
    if (!done["granted_to"].is_null())
        out += "Granted everyday use (rows only) of " + store + " to role " +
               done["granted_to"].get<std::string>() + ".\n";
    if (out.empty()) out = store + " is at schema version " + version + ": nothing to do.\n";
    return out;
}

} // namespace

void add_store_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "store");
    group->require_subcommand(1);
    auto report = [&g](const InitReport& r) {
        const Json done = init_json(describe_store(g.store_options().path), r);
        print_data(g, done, init_text(done));
    };
    auto options = [&g] { // the report says what was created
        StoreOptions o = g.store_options();
        o.on_created = nullptr;
        return o;
    };
    {
        auto grant = std::make_shared<std::optional<std::string>>();
        CLI::App* init = add_command(group, "init",
                                     "Create the store and its schema, or upgrade them; grant "
                                     "everyday use (rows only) to a PostgreSQL role");
        init->add_option("--grant", *grant, "A PostgreSQL role to grant row access to")
            ->type_name("ROLE");
        init->callback([grant, options, report] {
            if (grant->has_value() && (*grant)->empty())
                fail(ErrorKind::invalid_input, "--grant is empty", {"name a PostgreSQL role"});
            report(init_store(options(), *grant, true));
        });
    }
    CLI::App* upgrade = add_command(group, "upgrade", "Upgrade an older store's schema");
    upgrade->callback([options, report] { report(init_store(options(), std::nullopt, false)); });
}

} // namespace chatctl::cli
