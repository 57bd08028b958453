// chatctl apply | plan | export
#include "app.hpp"
#include "core/decl/converge.hpp"
#include "core/decl/export.hpp"
#include "core/validate.hpp"
#include "out_file.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "write.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::cli {

namespace {

// The declaration schema as installed beside the binary (PREFIX/share/chatctl), else in
// the source tree a build's binary sits in; the installed place when neither is there.
std::string installed_schema() {
    char exe[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return "/usr/share/chatctl/chatctl.schema.json";
    exe[n] = '\0';
    const std::string bin = std::filesystem::path(exe).parent_path();
    const std::string installed = bin + "/../share/chatctl/chatctl.schema.json";
    for (const std::string& candidate : {installed, bin + "/../../schemas/chatctl.schema.json"}) {
        std::error_code ec;
        const auto found = std::filesystem::canonical(candidate, ec);
        if (!ec) return found.string();
    }
    return std::filesystem::path(installed).lexically_normal().string();
}

// export --split DIR: each tenant's declaration in DIR/TENANT.yaml (.json with -o json),
// the folder made when missing. Each file is written whole or not at all; files of
// other tenants are left as they are.
void export_split(const Globals& g, const std::string& dir, const std::vector<std::string>& keys,
                  const ExportOptions& options) {
    if (dir.empty()) fail(ErrorKind::invalid_input, "--split must name a folder, not \"\"");
    auto store = open_for_read(g);
    const std::vector<TenantRow> tenants = export_tenants(*store, keys); // all found first
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
        fail(ErrorKind::invalid_input,
             "--split: cannot make the folder " + dir + " (" + std::strerror(errno) + ")");
    const std::string extension = options.form == DocumentForm::json ? ".json" : ".yaml";
    std::vector<std::string> paths;
    for (const auto& t : tenants) {
        std::string path = dir;
        path.append("/").append(t.tenant.key).append(extension);
        paths.push_back(std::move(path));
        check_out_path(paths.back(), "--split");
    }
    Progress progress(g, "users");
    for (size_t i = 0; i < tenants.size(); ++i)
        write_replacing(paths[i], "--split", [&](std::ostream& out) {
            export_tenant(*store, tenants[i], out, options, [&] { progress.add(); });
        });
    progress.erase();
    if (!g.quiet)
        std::cerr << "chatctl: wrote " << tenants.size()
                  << (tenants.size() == 1 ? " file" : " files") << " in " << dir << "\n";
}

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
        add_write_options(c, g);
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
            bool show_defaults = false;
            TextOption split;
        };
        auto a = std::make_shared<Args>();
        CLI::App* c = add_command(app, "export");
        c->add_option("-t,--tenant", a->tenants, "A tenant to export (repeatable)")
            ->type_name("TENANT")
            ->allow_extra_args(false);
        c->add_flag("--show-defaults", a->show_defaults,
                    "Write every field, those equal to their defaults and nulls too");
        add_text_option(c, "--split", a->split,
                        "Write one file per tenant in this folder (DIR/TENANT.yaml), not stdout",
                        "DIR");
        c->callback([&g, a] {
            for (const auto& key : a->tenants)
                check_tenant_key(key, "--tenant");
            ExportOptions options;
            options.form = g.format() == Format::json ? DocumentForm::json : DocumentForm::yaml;
            options.show_defaults = a->show_defaults;
            options.comment = "yaml-language-server: $schema=file://" + installed_schema();
            if (auto dir = a->split.get()) return export_split(g, *dir, a->tenants, options);
            Progress progress(g, "users", std::nullopt, true);
            auto store = open_for_read(g);
            print_read(*store, [&](std::ostream& out) {
                export_declaration(*store, a->tenants, out, options, [&] { progress.add(); });
            });
        });
    }
}

} // namespace chatctl::cli
