// chatctl history
#include "app.hpp"
#include "core/commands/queries.hpp"
#include "core/validate.hpp"

#include <climits>

namespace chatctl::cli {

void add_history_command(CLI::App& app, Globals& g) {
    struct Args {
        TextOption tenant;
        std::string limit = "50";
    };
    auto a = std::make_shared<Args>();
    CLI::App* c = add_command(&app, "history", "Show the store's changes, newest first");
    add_text_option(c, "-t,--tenant", a->tenant, "Only this tenant's changes", "TENANT");
    c->add_option("--limit", a->limit, "Keep the N newest entries")
        ->type_name("N")
        ->capture_default_str();
    c->callback([&g, a] {
        auto tenant = a->tenant.get();
        if (tenant) check_tenant_key(*tenant, "--tenant");
        int limit = validate::parse_int(a->limit, "--limit", 1, INT_MAX);
        print_list(g, queries::history(*open_for_read(g), tenant, limit),
                   {{"ID", "id"},
                    {"AT", "at"},
                    {"ACTOR", "actor"},
                    {"COMMAND", "command"},
                    {"ACTION", "action"},
                    {"KIND", "kind"},
                    {"TENANT", "tenant"},
                    {"KEY", "key"}});
    });
}

} // namespace chatctl::cli
