// chatctl profile add|edit|set-default|delete|list|show
#include "app.hpp"
#include "core/commands/ops.hpp"
#include "core/commands/queries.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"
#include "output.hpp"
#include "write.hpp"

namespace chatctl::cli {

namespace {

struct ProfileArgs {
    TenantOption tenant;
    std::string name;
    TextOption rename, max_chats, wrap_up, description, reassign_to;
    bool make_default = false;
};

void add_field_options(CLI::App* command, ProfileArgs& a, bool editing) {
    add_text_option(command, "--max-chats", a.max_chats,
                    editing ? "Maximum simultaneous chats, 1-25"
                            : "Maximum simultaneous chats, 1-25 (default 3)",
                    "N");
    add_text_option(command, "--wrap-up", a.wrap_up,
                    editing ? "Wrap-up delay: 90, 90s, 2m, 1h; 0-3600 s"
                            : "Wrap-up delay: 90, 90s, 2m, 1h; 0-3600 s (default 60)",
                    "DURATION");
    add_text_option(command, "--description", a.description,
                    editing ? "Description, at most 250 characters (\"\" clears it)"
                            : "Description, at most 250 characters");
}

// The flags, checked and turned into the fields of a change.
ops::ProfileEdit fields(const ProfileArgs& a) {
    ops::ProfileEdit edit;
    edit.rename = a.rename.get();
    validate::profile_name(a.name, "NAME");
    if (edit.rename) validate::profile_name(*edit.rename, "--rename");
    if (auto v = a.max_chats.get())
        edit.max_concurrent_chats =
            validate::parse_int(*v, "--max-chats", validate::kMaxChatsMin, validate::kMaxChatsMax);
    if (auto v = a.wrap_up.get()) edit.wrap_up_seconds = validate::parse_duration(*v, "--wrap-up");
    edit.description = a.description.get();
    if (edit.description) validate::description(*edit.description, "--description");
    edit.make_default = a.make_default;
    return edit;
}

CLI::App* profile_command(CLI::App* group, const char* name, const char* description,
                          ProfileArgs& a, bool takes_name = true) {
    CLI::App* command = add_command(group, name, description);
    if (takes_name) command->add_option("NAME", a.name, "Profile name")->required();
    add_tenant_option(command, a.tenant);
    return command;
}

} // namespace

void add_profile_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "profile");
    group->require_subcommand(1);
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "add", "Add a profile to a tenant", *a);
        add_field_options(c, *a, false);
        c->add_flag("--default", a->make_default, "Make it the tenant default");
        add_write_options(c, g);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            ops::ProfileEdit f = fields(*a);
            run_write(g, "profile add", ops::profile_add(tenant, a->name, f));
        });
    }
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "edit", "Change a profile's settings or name", *a);
        add_text_option(c, "--rename", a->rename, "New name", "NEW");
        add_field_options(c, *a, true);
        add_write_options(c, g);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            ops::ProfileEdit f = fields(*a);
            if (!f.rename && !f.max_concurrent_chats && !f.wrap_up_seconds && !f.description)
                fail(ErrorKind::usage, "nothing to change",
                     {"give --rename, --max-chats, --wrap-up or --description"});
            run_write(g, "profile edit", ops::profile_edit(tenant, a->name, f));
        });
    }
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "set-default",
                                      "Make a profile the tenant default (new users get it)", *a);
        add_write_options(c, g);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            validate::profile_name(a->name, "NAME");
            run_write(g, "profile set-default", ops::profile_set_default(tenant, a->name));
        });
    }
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "delete", "Delete a profile", *a);
        add_text_option(c, "--reassign-to", a->reassign_to,
                        "Move its users to this profile, in the same transaction", "PROFILE");
        add_write_options(c, g);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            validate::profile_name(a->name, "NAME");
            auto reassign_to = a->reassign_to.get();
            if (reassign_to) validate::profile_name(*reassign_to, "--reassign-to");
            run_write(g, "profile delete", ops::profile_delete(tenant, a->name, reassign_to));
        });
    }
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "list", "List a tenant's profiles", *a, false);
        add_table_options(c, g, queries::kProfileFields);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            const Json profiles = queries::profile_list(*open_for_read(g), tenant);
            print_list(g, profiles, // the store closed: its snapshot ended
                       {{"NAME", "name"},
                        {"DEFAULT", "default"},
                        {"MAX CHATS", "max_concurrent_chats"},
                        {"WRAP-UP (S)", "wrap_up_seconds"},
                        {"USERS", "users"},
                        {"DESCRIPTION", "description"}},
                       queries::kProfileFields, "name");
        });
    }
    {
        auto a = std::make_shared<ProfileArgs>();
        CLI::App* c = profile_command(group, "show", "Show one profile", *a);
        add_table_options(c, g);
        c->callback([&g, a] {
            std::string tenant = a->tenant.key();
            validate::profile_name(a->name, "NAME");
            const Json profile = queries::profile_show(*open_for_read(g), tenant, a->name);
            print_object(g, profile, "name"); // the store closed: its snapshot ended
        });
    }
}

} // namespace chatctl::cli
