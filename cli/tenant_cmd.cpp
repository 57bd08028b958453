// chatctl tenant create|edit|list|show|delete
#include "app.hpp"
#include "core/commands/ops.hpp"
#include "core/commands/queries.hpp"
#include "core/validate.hpp"
#include "output.hpp"
#include "write.hpp"

namespace chatctl::cli {

namespace {

struct TenantArgs {
    std::string key;
    TextOption display_name, owner;
    bool force = false;
};

void check_display_name(const TextOption& option) {
    if (auto v = option.get()) validate::display_name(*v, "--display-name");
}

// "" releases the tenant: no owner manages it.
void check_owner(const TextOption& option) {
    if (auto v = option.get(); v && !v->empty()) validate::owner(*v, "--owner");
}

} // namespace

void add_tenant_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "tenant");
    group->require_subcommand(1);
    // Each command owns its arguments: an option's presence is read from its own parse.
    {
        auto a = std::make_shared<TenantArgs>();
        CLI::App* create = add_command(group, "create", "Create a tenant with its Default profile");
        create->add_option("TENANT", a->key, "Tenant key (a-z, 0-9, -)")->required();
        add_text_option(create, "--display-name", a->display_name, "Name shown to people");
        add_write_options(create, g);
        create->callback([&g, a] {
            check_tenant_key(a->key, "TENANT");
            check_display_name(a->display_name);
            run_write(g, "tenant create", ops::tenant_create(a->key, a->display_name.get()));
        });
    }

    {
        auto a = std::make_shared<TenantArgs>();
        CLI::App* edit =
            add_command(group, "edit", "Change a tenant's display name, or who manages it");
        edit->add_option("TENANT", a->key, "Tenant key")->required();
        add_text_option(edit, "--display-name", a->display_name,
                        "New display name (\"\" clears it)");
        add_text_option(edit, "--owner", a->owner,
                        "Hand the tenant over to the owner NAME of apply --owner (\"\" releases "
                        "it)",
                        "NAME");
        add_write_options(edit, g);
        edit->callback([&g, a] {
            check_tenant_key(a->key, "TENANT");
            if (!a->display_name.get() && !a->owner.get())
                fail(ErrorKind::usage, "nothing to change", {"give --display-name or --owner"});
            check_display_name(a->display_name);
            check_owner(a->owner);
            run_write(g, "tenant edit",
                      ops::tenant_edit(a->key, a->display_name.get(), a->owner.get()));
        });
    }

    CLI::App* list = add_command(group, "list", "List tenants");
    add_table_options(list, g, queries::kTenantFields);
    list->callback([&g] {
        const Json tenants = queries::tenant_list(*open_for_read(g)); // then the store closes
        print_list(g, tenants,
                   {{"TENANT", "tenant"},
                    {"DISPLAY NAME", "display_name"},
                    {"OWNER", "owner"},
                    {"DEFAULT PROFILE", "default_profile"},
                    {"PROFILES", "profiles"},
                    {"USERS", "users"}},
                   queries::kTenantFields, "tenant");
    });

    {
        auto a = std::make_shared<TenantArgs>();
        CLI::App* show = add_command(group, "show", "Show one tenant");
        show->add_option("TENANT", a->key, "Tenant key")->required();
        add_table_options(show, g);
        show->callback([&g, a] {
            check_tenant_key(a->key, "TENANT");
            const Json tenant = queries::tenant_show(*open_for_read(g), a->key);
            print_object(g, tenant, "tenant"); // the store closed: its snapshot ended
        });
    }

    {
        auto a = std::make_shared<TenantArgs>();
        CLI::App* remove =
            add_command(group, "delete", "Delete a tenant (with --force, its users too)");
        remove->add_option("TENANT", a->key, "Tenant key")->required();
        remove->add_flag("--force", a->force, "Delete it even while it has users");
        add_write_options(remove, g);
        remove->callback([&g, a] {
            check_tenant_key(a->key, "TENANT");
            run_write(g, "tenant delete", ops::tenant_delete(a->key, a->force));
        });
    }
}

} // namespace chatctl::cli
