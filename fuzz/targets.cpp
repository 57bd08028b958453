#include "targets.hpp"

#include "cli/run.hpp"
#include "core/clock.hpp"
#include "core/csv/csv.hpp"
#include "core/decl/converge.hpp"
#include "core/decl/yaml_reader.hpp"
#include "core/decl/yaml_writer.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace chatctl::fuzz {

namespace {

[[noreturn]] void broken(const std::string& what) {
    std::cerr << "property broken: " << what << "\n";
    std::abort();
}

Store& store() {
    static const auto s = [] {
        auto st = memory_store();
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

// CSV read without a fault, written back and read again, gives the same records.
void csv_round_trip(const std::string& text) {
    std::vector<std::vector<std::string>> first, second;
    auto keep = [](std::vector<std::vector<std::string>>& into) {
        return [&into](csv::Record& r) {
            into.emplace_back();
            for (auto& f : r.fields)
                into.back().push_back(f.text);
        };
    };
    if (csv::read("f", Input::from_text(text), keep(first))) return;
    std::string written;
    for (const auto& row : first) {
        const size_t at = written.size();
        csv::write_row(written, row);
        // Quoting adds bytes: a row read just under the bound may be written over it.
        if (written.size() - at >= csv::kMaxRecord) return;
    }
    if (auto fault = csv::read("f", Input::from_text(written), keep(second)))
        broken("CSV written is not read back: " + fault->message);
    // A record of one empty field is written as an empty line, which is no record.
    std::vector<std::vector<std::string>> expected;
    for (const auto& row : first)
        if (!(row.size() == 1 && row[0].empty())) expected.push_back(row);
    if (second != expected) broken("CSV round trip");
}

} // namespace

void declaration(std::string_view input) {
    try {
        Declaration d =
            load_declaration({Source{"fuzz.yaml", Input::from_text(std::string(input))}});
        for (bool prune : {false, true}) {
            try {
                write(store(), WriteContext{"fuzz", "apply", true},
                      [&](Store& s) { return converge(s, d, ApplyOptions{prune}); });
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
        switch (which % 10) {
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
        case 7:
            csv_round_trip(text);
            break;
        case 8: {
            std::string at = time_bound(text, "--since", false, 1764158400000);
            if (at.size() != 24 || at.back() != 'Z') broken("time bound not ISO 8601: " + at);
            break;
        }
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

namespace {

// A folder of the fuzzer's own, on tmpfs when there is one (commits sync the disk).
const std::string& sandbox() {
    static const std::string dir = [] {
        std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        std::string tmpl = base + "/chatctl-fuzz-XXXXXX";
        if (!::mkdtemp(tmpl.data())) broken("cannot make a folder for the fuzzer");
        return tmpl;
    }();
    return dir;
}

// Runs chatctl on the words with the streams captured; returns the exit code.
int run_chatctl(std::vector<std::string> words, std::string& err) {
    std::vector<std::string> args{"chatctl", "--db", sandbox() + "/store.db"};
    args.insert(args.end(), words.begin(), words.end());
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::ostringstream out, errors;
    std::istringstream in;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(errors.rdbuf());
    auto* old_in = std::cin.rdbuf(in.rdbuf()); // `-f -` reads nothing
    int code = cli::run(static_cast<int>(args.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    std::cin.rdbuf(old_in);
    err = errors.str();
    return code;
}

} // namespace

void command_line(std::string_view input) {
    std::vector<std::string> words;
    for (size_t start = 0; start <= input.size() && words.size() < 32;) {
        size_t end = std::min(input.find('\0', start), input.size());
        words.emplace_back(input.substr(start, end - start));
        start = end + 1;
    }
    if (!words.empty() && words[0].rfind("__", 0) == 0) return; // the hidden helpers
    static const bool seeded = [] {
        std::string err;
        run_chatctl({"-q", "tenant", "create", "acme"}, err);
        run_chatctl({"-q", "user", "add", "alice", "-t", "acme"}, err);
        return true;
    }();
    (void)seeded;
    std::string err;
    int code = run_chatctl(words, err);
    static const std::set<int> documented{0, 2, 3, 4, 5, 6, 64};
    if (!documented.count(code)) broken("exit " + std::to_string(code) + ": " + err);
    bool json = false; // `-o json` asked, before a `--` (after it, words are arguments)
    for (size_t i = 0; i + 1 < words.size() && words[i] != "--"; ++i)
        json = json || ((words[i] == "-o" || words[i] == "--output") && words[i + 1] == "json");
    if (json && code != 0 && code != 2 && !Json::accept(err)) broken("not one JSON error: " + err);
}

} // namespace chatctl::fuzz
