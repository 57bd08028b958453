#include "targets.hpp"

#include "core/decl/converge.hpp"
#include "core/decl/yaml_reader.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <cstdlib>
#include <iostream>

namespace chatctl::fuzz {

namespace {

[[noreturn]] void broken(const std::string& what) {
    std::cerr << "property broken: " << what << "\n";
    std::abort();
}

Store& store() {
    static const auto s = [] {
        auto st = Store::in_memory();
        write(*st, WriteContext{"fuzz", "seed", false}, [](Store&) {
            return ChangeSet{
                Change{Action::create, std::nullopt, Tenant{"acme", {}}},
                Change{Action::create, std::nullopt, Profile{"acme", "Default", true, 3, 60, {}}},
                Change{Action::create, std::nullopt, User{"acme", "alice", {}, {}, "Default"}}};
        });
        return st;
    }();
    return *s;
}

} // namespace

void declaration(std::string_view input) {
    try {
        Declaration d = load_declaration({Source{"fuzz.yaml", std::string(input)}});
        for (bool prune : {false, true}) {
            try {
                write(store(), WriteContext{"fuzz", "apply", true},
                      [&](Store& s) { return converge(s, d, prune); });
            } catch (const Error&) {
            }
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) broken(std::string("internal error: ") + e.what());
    }
}

void parsers(std::string_view input) {
    if (input.empty()) return;
    const auto which = static_cast<unsigned char>(input[0]);
    const std::string text(input.substr(1));
    try {
        switch (which % 8) {
        case 0: {
            int seconds = validate::parse_duration(text, "d");
            if (seconds < 0 || seconds > 3600) broken("duration out of range");
            break;
        }
        case 1: {
            int n = validate::parse_int(text, "n", 1, 25);
            if (n < 1 || n > 25) broken("integer out of range");
            break;
        }
        case 2:
            validate::tenant_key(text, "t");
            break;
        case 3:
            validate::profile_name(text, "p");
            break;
        case 4:
            validate::login(text, "l");
            break;
        case 5:
            validate::email(text, "e");
            break;
        case 6:
            (void)validate::quote(text);
            break;
        default: {
            // The reader refuses values over 4096 bytes (longer than any field), by design.
            if (!validate::utf8_length(text) || text.size() > 4096) break;
            std::vector<Diagnostic> diagnostics;
            YamlDocument doc = read_yaml("t", "k: " + yaml_scalar(text) + "\n", diagnostics);
            if (!diagnostics.empty() || doc.value["k"] != text) broken("yaml_scalar round trip");
        }
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::invalid_input) broken("unexpected error kind");
    }
}

} // namespace chatctl::fuzz
