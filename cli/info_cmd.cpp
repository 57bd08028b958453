// chatctl completion | version | schema | help: what people look for before anything else.
// `help` itself is run as the --help of the command it names (run.cpp); here it is only
// registered, for its own help, the man page and the completions.
#include "app.hpp"
#include "completion_scripts.hpp"
#include "core/decl/decl_schema.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"
#include "help.hpp"
#include "output.hpp"

#include <cstdlib>
#include <iostream>

namespace chatctl::cli {

namespace {

// The store `version` reports on: the one given (--db, $CHATCTL_DB or a context), which
// must exist, else the default one when it does; never created.
std::unique_ptr<Store> store_for_version(const Globals& g) {
    const bool given = g.db || std::getenv("CHATCTL_DB") || g.context_db;
    return open_store(g.store_options(), given ? OpenMode::read : OpenMode::read_if_exists);
}

} // namespace

void add_info_commands(CLI::App& app, Globals& g) {
    {
        auto shell = std::make_shared<std::string>();
        CLI::App* c = add_command(app, "completion");
        c->add_option("SHELL", *shell, "The shell: " + choices(kCompletionShells))->required();
        c->callback([shell] {
            const std::string_view script = completion_script(fold(*shell));
            if (script.empty())
                fail(ErrorKind::invalid_input,
                     "SHELL: " + validate::quote(*shell) + " is not one of bash, zsh, fish");
            std::cout << script;
        });
    }
    CLI::App* version = add_command(app, "version");
    version->callback([&g] {
        Json out{{"version", CHATCTL_VERSION},
                 {"store", nullptr},
                 {"schema_version", nullptr},
                 {"server_version", nullptr}};
        if (auto store = store_for_version(g)) {
            out["store"] = describe_store(g.store_options().path);
            out["schema_version"] = store->schema_version();
            if (auto server = store->server_version(); !server.empty())
                out["server_version"] = server;
        }
        print_object(g, out);
    });
    CLI::App* schema = add_command(app, "schema");
    schema->callback([&g] {
        const std::string& text = declaration_schema_text(); // the file, byte for byte
        std::cout << (g.format() == Format::yaml ? to_yaml(nlohmann::json::parse(text)) : text);
    });
    auto words = std::make_shared<std::vector<std::string>>();
    add_command(app, "help")->add_option("COMMAND", *words, "The command, as many words as it has");
}

} // namespace chatctl::cli
