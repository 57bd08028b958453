// chatctl user assign|delete|import: users by the thousand, each command one transaction.
#include "core/commands/ops.hpp"
#include "core/csv/column_map.hpp"
#include "core/csv/dialect.hpp"
#include "core/csv/import_plan.hpp"
#include "core/csv/user_csv.hpp"
#include "core/decl/converge.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/validate.hpp"
#include "help.hpp"
#include "user_args.hpp"
#include "write.hpp"

#include <filesystem>
#include <iostream>

namespace chatctl::cli {

namespace {

void add_logins_from(CLI::App* c, UserArgs& a) {
    add_text_option(c, "--logins-from", a.logins_from,
                    "Read the logins from a file, one per line (- for stdin)", "FILE");
}

// The logins the command names: as arguments, or from --logins-from.
std::vector<std::string> logins(const UserArgs& a) {
    if (auto path = a.logins_from.get()) return csv::read_logins(read_source(*path));
    return a.logins;
}

// Exactly one of the ways of naming users.
void one_source(const std::vector<std::pair<const char*, bool>>& given) {
    std::string names;
    int count = 0;
    for (const auto& [name, is_given] : given) {
        names += (names.empty() ? "" : ", ") + std::string(name);
        count += is_given ? 1 : 0;
    }
    if (count != 1) fail(ErrorKind::usage, "give exactly one of " + names);
}

void add_import(CLI::App* group, Globals& g) {
    auto a = std::make_shared<UserArgs>();
    auto file = std::make_shared<std::string>();
    auto options = std::make_shared<csv::ImportOptions>();
    auto delimiter = std::make_shared<TextOption>();
    CLI::App* c = user_command(group, "import",
                               "Add or update users from CSV (header: tenant, login, name, "
                               "email, profile), all or none",
                               *a, 0);
    c->add_option("FILE", *file, "CSV file, or - for stdin")->required();
    c->add_option("--map", options->map,
                  "Read FIELD (tenant, login, name, email, profile) from COLUMN: a header "
                  "name, #N for the Nth column, or a template such as '{first name} {last "
                  "name}' (repeated)")
        ->type_name("FIELD=COLUMN");
    c->add_option("--ignore-columns", options->ignore_columns,
                  "Columns of the file not to read (A,B or repeated)")
        ->type_name("A,B")
        ->delimiter(',');
    c->add_flag("--ignore-unknown-columns", options->ignore_unknown_columns,
                "Skip the columns no field reads, instead of refusing them");
    c->add_flag("--no-header", options->no_header,
                "The first row is an agent, not a header (map columns with #N)");
    add_text_option(c, "--delimiter", *delimiter,
                    "The character between fields: " + choices({"','", "';'", "tab", "'|'"}) +
                        " (else found in the header)",
                    "CHAR");
    c->add_option("--encoding", options->encoding,
                  "The file's encoding: " +
                      choices({std::begin(csv::kEncodings), std::end(csv::kEncodings)}, "utf-8"))
        ->type_name("NAME");
    add_write_options(c, g);
    c->add_flag("--prune", a->prune, "Delete the users of the file's tenants it does not list");
    c->callback([&g, a, file, options, delimiter] {
        // Each row goes to the tenant its tenant cell names; -t (or $CHATCTL_TENANT) is for
        // the rows that name none, and -t also refuses rows of another tenant.
        options->tenant = a->tenant.key_if_any();
        options->only_tenant = a->tenant.given();
        if (auto d = delimiter->get()) options->delimiter = csv::delimiter_named(*d);
        csv::check_encoding(options->encoding);
        csv::parse_mappings(options->map,
                            {std::begin(csv::kUserColumns), std::end(csv::kUserColumns)});
        const Source source = read_source(*file);
        csv::UserFile read = csv::read_users(source, *options);
        Declaration& d = read.declaration;
        if (read.detected && read.delimiter != ',' && !g.quiet)
            std::cerr << validate::escape_controls(source.name)
                      << ": note: fields are separated by " << csv::delimiter_shown(read.delimiter)
                      << " (found in the header; --delimiter sets it)\n";
        auto plan = [&](Store& s, const ChangeSink& emit) {
            csv::plan_import(s, d, a->prune, emit);
        };
        if (!d.problems.empty()) { // the store's faults too, found in a read snapshot
            std::unique_ptr<Store> store;
            try {
                store = open_for_plan(g);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::store) throw;
                const size_t count = d.problems.size();
                throw Error(ErrorKind::invalid_input, error_summary(count), std::move(d.problems))
                    .with_hint(std::string("the rows were not checked against the store: ") +
                               e.what());
            }
            plan(*store, [](const Change&) {}); // fails, with every fault
            fail_with(ErrorKind::invalid_input, std::move(d.problems));
        }
        if (a->prune && read.users == 0 && !d.tenants.empty()) {
            const std::string& tenant = d.tenants[0].tenant.key;
            fail(ErrorKind::invalid_input,
                 "the file lists no user: --prune would delete every user of tenant " + tenant,
                 {"to delete them all, say so: `chatctl user delete --all -t " + tenant + "`"});
        }
        if (g.dry_run) { // planned in a read snapshot, as `plan` plans a declaration
            auto store = open_for_plan(g);
            stream_plan(g, std::cout, Summary::plan,
                        [&](const ChangeSink& print) { plan(*store, print); });
            return;
        }
        run_streamed_write(g, "user import", plan, Summary::applied);
    });
}

} // namespace

Source read_source(const std::string& path) {
    std::error_code ec;
    if (path != "-" && std::filesystem::is_directory(path, ec))
        fail_with(ErrorKind::invalid_input, {Diagnostic{path, 0, 0, "is a folder, not a file"}});
    Sources sources = read_sources({path});
    if (!sources.problems.empty()) fail_with(ErrorKind::invalid_input, std::move(sources.problems));
    return std::move(sources.files.at(0));
}

void add_user_bulk_commands(CLI::App* group, Globals& g) {
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "assign", "Assign users to a profile", *a, 2);
        add_text_option(c, "--profile", a->profile, "Profile to assign", "NAME");
        c->get_option("--profile")->required();
        add_text_option(c, "--from-profile", a->from_profile, "Assign every user of this profile",
                        "OLD");
        add_logins_from(c, *a);
        add_write_options(c, g);
        c->callback([&g, a] {
            const std::string tenant = checked(*a);
            auto from = a->from_profile.get();
            one_source({{"LOGIN...", !a->logins.empty()},
                        {"--from-profile", from.has_value()},
                        {"--logins-from", a->logins_from.get().has_value()}});
            run_write(g, "user assign",
                      from ? ops::user_assign_from(tenant, *from, *a->profile.get())
                           : ops::user_assign(tenant, logins(*a), *a->profile.get()));
        });
    }
    {
        auto a = std::make_shared<UserArgs>();
        CLI::App* c = user_command(group, "delete", "Delete users", *a, 2);
        add_text_option(c, "--from-profile", a->from_profile, "Delete every user of this profile",
                        "NAME");
        c->add_flag("--all", a->all, "Delete every user of the tenant");
        add_logins_from(c, *a);
        c->add_flag("--ignore-not-found", a->ignore_not_found,
                    "Skip the logins that are not users of the tenant");
        add_write_options(c, g);
        c->callback([&g, a] {
            const std::string tenant = checked(*a);
            auto from = a->from_profile.get();
            one_source({{"LOGIN...", !a->logins.empty()},
                        {"--from-profile", from.has_value()},
                        {"--all", a->all},
                        {"--logins-from", a->logins_from.get().has_value()}});
            if (a->all || from) {
                run_streamed_write(g, "user delete", ops::user_delete_all(tenant, from),
                                   Summary::none);
                return;
            }
            run_write(g, "user delete", ops::user_delete(tenant, logins(*a), a->ignore_not_found));
        });
    }
    add_import(group, g);
}

} // namespace chatctl::cli
