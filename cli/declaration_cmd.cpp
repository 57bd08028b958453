// chatctl apply | plan | export
#include "app.hpp"
#include "core/decl/converge.hpp"
#include "core/decl/export.hpp"
#include "core/validate.hpp"
#include "progress.hpp"
#include "write.hpp"

#include <iostream>

namespace chatctl::cli {

namespace {

struct DeclarationArgs {
    std::vector<std::string> files;
    bool prune = false;
    TextOption owner;

    ApplyOptions options() const {
        auto owner_name = owner.get();
        if (owner_name) validate::owner(*owner_name, "--owner");
        return ApplyOptions{prune, owner_name};
    }
};

void add_file_options(CLI::App* command, DeclarationArgs& a) {
    command
        ->add_option("-f,--file", a.files,
                     "Declaration file, folder (*.yaml, *.yml) or - for stdin")
        ->required()
        ->type_name("PATH")
        ->allow_extra_args(false);
    command->add_flag("--prune", a.prune,
                      "Delete what declared tenants hold and do not declare; with --owner, also "
                      "the tenants that owner manages and no longer declares");
    add_text_option(command, "--owner", a.owner,
                    "Record each declared tenant as managed by NAME (a CI job, a repository)",
                    "NAME");
}

} // namespace

void add_declaration_commands(CLI::App& app, Globals& g) {
    {
        auto a = std::make_shared<DeclarationArgs>();
        CLI::App* c = add_command(app, "apply");
        add_file_options(c, *a);
        add_dry_run(c, g);
        c->callback([&g, a] {
            const ApplyOptions options = a->options();
            Sources sources = read_sources(a->files);
            Declaration d;
            if (!sources.problems.empty())
                d = load_declaration(sources);
            else if (g.dry_run ? plan_while_reading(g, sources, options, d).has_value()
                               : apply_while_reading(g, sources, options, d))
                return;
            // A declaration with problems of its own is planned, never written: every
            // problem is reported, and no lock is taken and no store created for it.
            if (g.dry_run || !d.problems.empty()) {
                auto store = open_for_plan(g);
                stream_plan(g, std::cout, Summary::plan, [&](const ChangeSink& print) {
                    converge(*store, d, options, print); // in the store's read snapshot
                });
                return;
            }
            run_streamed_write(
                g, "apply",
                [&](Store& s, const ChangeSink& emit) { converge(s, d, options, emit); },
                Summary::applied);
        });
    }
    {
        auto a = std::make_shared<DeclarationArgs>();
        CLI::App* c = add_command(app, "plan");
        add_file_options(c, *a);
        c->callback([&g, a] {
            const ApplyOptions options = a->options();
            Sources sources = read_sources(a->files);
            Declaration d;
            std::optional<bool> pending;
            if (sources.problems.empty()) pending = plan_while_reading(g, sources, options, d);
            if (!pending) {
                if (!sources.problems.empty()) d = load_declaration(sources);
                auto store = open_for_plan(g);
                pending = stream_plan(g, std::cout, Summary::plan, [&](const ChangeSink& print) {
                    converge(*store, d, options, print); // in the store's read snapshot
                });
            }
            if (*pending) g.exit_code = 2;
        });
    }
    {
        struct Args {
            std::vector<std::string> tenants;
        };
        auto a = std::make_shared<Args>();
        CLI::App* c = add_command(app, "export");
        c->add_option("-t,--tenant", a->tenants, "A tenant to export (repeatable)")
            ->type_name("TENANT")
            ->allow_extra_args(false);
        c->callback([&g, a] {
            for (const auto& key : a->tenants)
                check_tenant_key(key, "--tenant");
            Progress progress(g, "users", std::nullopt, true);
            export_declaration(*open_for_read(g), a->tenants, std::cout,
                               g.format() == Format::json ? DocumentForm::json : DocumentForm::yaml,
                               [&] { progress.add(); });
        });
    }
}

} // namespace chatctl::cli
