// chatctl user add|edit|list|show (assign, delete, import: user_bulk_cmd.cpp)
#include "core/commands/ops.hpp"
#include "core/commands/queries.hpp"
#include "core/csv/column_map.hpp"
#include "core/csv/dialect.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"
#include "help.hpp"
#include "output.hpp"
#include "user_args.hpp"
#include "write.hpp"

namespace chatctl::cli {

namespace {

const std::vector<Column> kUserColumns = {{"TENANT", "tenant"},
                                          {"LOGIN", "login"},
                                          {"NAME", "name"},
                                          {"EMAIL", "email"},
                                          {"PROFILE", "profile"}};

ops::UserFields fields(const UserArgs& a) {
    ops::UserFields f{a.name.get(), a.email.get()};
    if (f.name) validate::user_name(*f.name, "--name");
    if (f.email && !f.email->empty()) validate::email(*f.email, "--email");
    return f;
}

} // namespace

std::string checked(const UserArgs& a) {
    std::string tenant = a.tenant.key();
    for (const auto& login : a.logins)
        validate::login(login, "LOGIN");
    if (auto p = a.profile.get()) validate::profile_name(*p, "--profile");
    if (auto p = a.from_profile.get()) validate::profile_name(*p, "--from-profile");
    if (auto f = a.logins_from.get(); f && f->empty())
        fail(ErrorKind::invalid_input, "--logins-from must name a file, or - for standard input");
    return tenant;
}

CLI::App* user_command(CLI::App* group, const char* name, const char* description, UserArgs& a,
                       int logins) {
    CLI::App* command = add_command(group, name, description);
    if (logins == 1) command->add_option("LOGIN", a.logins, "User login")->required()->expected(1);
    if (logins > 1) command->add_option("LOGIN", a.logins, "User logins");
    add_tenant_option(command, a.tenant);
    return command;
}

void add_user_commands(CLI::App& app, Globals& g) {
    CLI::App* group = add_command(app, "user");
    group->require_subcommand(1);
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "add",
                                   "Add a user (the tenant default profile unless "
                                   "--profile names one)",
                                   *a, 1);
        add_text_option(c, "--name", a->name, "Full name");
        add_text_option(c, "--email", a->email, "Email address", "ADDR");
        add_text_option(c, "--profile", a->profile, "Profile to assign", "NAME");
        add_write_options(c, g);
        c->callback([&g, a] {
            const std::string tenant = checked(*a);
            ops::UserFields f = fields(*a);
            run_write(g, "user add", ops::user_add(tenant, a->logins[0], f, a->profile.get()));
        });
    }
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "edit", "Change a user's name or email", *a, 1);
        add_text_option(c, "--name", a->name, "Full name (\"\" clears it)");
        add_text_option(c, "--email", a->email, "Email address (\"\" clears it)", "ADDR");
        add_write_options(c, g);
        c->callback([&g, a] {
            const std::string tenant = checked(*a);
            ops::UserFields f = fields(*a);
            if (!f.name && !f.email)
                fail(ErrorKind::usage, "nothing to change", {"give --name or --email"});
            run_write(g, "user edit", ops::user_edit(tenant, a->logins[0], f));
        });
    }
    add_user_bulk_commands(group, g);
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "list", "List a tenant's users", *a, 0);
        add_text_option(c, "--profile", a->profile, "Only the users of this profile", "NAME");
        c->add_flag("--all-tenants", a->all, "Every tenant's users, tenant by tenant");
        add_table_options(c, g, queries::kUserFields);
        auto columns = std::make_shared<std::vector<std::string>>();
        auto delimiter = std::make_shared<TextOption>();
        c->add_option("--columns", *columns,
                      "With -o csv: these columns, in this order (of tenant, login, name, "
                      "email, profile)")
            ->type_name("A,B")
            ->delimiter(',');
        add_text_option(c, "--delimiter", *delimiter,
                        "With -o csv: the character between fields: " +
                            choices({"','", "';'", "tab", "'|'"}, "','"),
                        "CHAR");
        c->callback([&g, a, columns, delimiter] {
            if (a->all && a->tenant.given())
                fail(ErrorKind::usage, "--all-tenants and --tenant cannot be used together",
                     {"--all-tenants lists every tenant's users; -t TENANT one tenant's"});
            if (a->all && a->profile.get())
                fail(ErrorKind::usage, "--profile needs one tenant, not --all-tenants",
                     {"give -t TENANT with --profile"});
            const std::string tenant = a->all ? "" : checked(*a);
            const auto separator = delimiter->get();
            if (separator) g.csv_delimiter = csv::delimiter_named(*separator);
            const std::vector<std::string> fields =
                columns->empty() ? queries::kUserFields
                                 : csv::picked_columns(*columns, queries::kUserFields);
            if ((!columns->empty() || separator) && g.format() != Format::csv)
                fail(ErrorKind::usage, "--columns and --delimiter shape -o csv",
                     {"add -o csv, or leave them out"});
            auto store = open_for_read(g);
            auto profile = a->profile.get();
            std::vector<Column> shown = kUserColumns;
            if (!a->all) shown.erase(shown.begin()); // one tenant's: no TENANT column
            print_read(*store, [&](std::ostream& out) {
                print_rows(
                    g,
                    [&](const auto& f) {
                        if (a->all) return queries::all_users(*store, f);
                        queries::user_list(*store, tenant, profile, f);
                    },
                    shown, fields, "login", out);
            });
        });
    }
    {
        auto login = std::make_shared<std::string>();
        CLI::App* c = add_command(group, "find",
                                  "Every tenant that has a user of this login (ignoring case)");
        c->add_option("LOGIN", *login, "User login")->required();
        add_table_options(c, g, queries::kUserFields);
        c->callback([&g, login] {
            validate::login(*login, "LOGIN");
            const Json found = queries::user_find(*open_for_read(g), *login);
            print_list(g, found, kUserColumns, queries::kUserFields,
                       "tenant"); // the tenants that have it; the store closed
        });
    }
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "show", "Show one user", *a, 1);
        add_table_options(c, g);
        c->callback([&g, a] {
            const std::string tenant = checked(*a);
            const Json user = queries::user_show(*open_for_read(g), tenant, a->logins[0]);
            print_object(g, user, "login"); // the store closed: its snapshot ended
        });
    }
}

} // namespace chatctl::cli
