// chatctl store init|upgrade: the store's schema made or upgraded explicitly, by the role
// that owns it (on PostgreSQL), ahead of the everyday commands of a role with DML rights.
#include "app.hpp"
#include "output.hpp"

namespace chatctl::cli {

void add_store_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "store");
    group->require_subcommand(1);
    auto report = [&g](int version) {
        const std::string shown = describe_store(g.store_options().path);
        print_object(g, Json{{"store", shown}, {"schema_version", version}});
    };
    {
        auto grant = std::make_shared<std::optional<std::string>>();
        CLI::App* init = add_command(group, "init",
                                     "Create the store and its schema, or upgrade them; grant "
                                     "everyday use (rows only) to a PostgreSQL role");
        init->add_option("--grant", *grant, "A PostgreSQL role to grant row access to")
            ->type_name("ROLE");
        init->callback([&g, grant, report] {
            if (grant->has_value() && (*grant)->empty())
                fail(ErrorKind::invalid_input, "--grant is empty", {"name a PostgreSQL role"});
            report(init_store(g.store_options(), *grant, true));
        });
    }
    CLI::App* upgrade = add_command(group, "upgrade", "Upgrade an older store's schema");
    upgrade->callback([&g, report] { report(init_store(g.store_options(), std::nullopt, false)); });
}

} // namespace chatctl::cli
