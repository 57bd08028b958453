#include "complete.hpp"

#include "argv.hpp"
#include "completion_scripts.hpp"
#include "core/config/config.hpp"
#include "core/csv/dialect.hpp"
#include "core/store/store.hpp"
#include "core/validate.hpp"
#include "help.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

namespace chatctl::cli {

namespace {

using Line = CommandLine;

// The config file, read only when a candidate needs it; an empty one on any problem.
config::File config_file() {
    try {
        return config::load(config::config_path());
    } catch (...) {
        return {};
    }
}

std::optional<std::string> value_of(const Line& line, const char* option) {
    if (auto it = line.values.find(option); it != line.values.end()) return it->second;
    return std::nullopt;
}

class Names {
  public:
    explicit Names(const Line& line) : line_(line) {
        try {
            std::optional<std::string> db = value_of(line, "--db");
            StoreOptions options;
            const char* env_db = std::getenv("CHATCTL_DB");
            // The context's store and tenant, as the command would take them.
            const config::File file = db && env_db ? config::File{} : config_file();
            const config::Context* c = config::select(file, value_of(line, "--context"));
            if (c && c->get("tenant")) context_tenant_ = c->get("tenant")->value;
            if (!db && !env_db && c && c->get("db"))
                options.path = config::store_path(file, *c->get("db"));
            else
                options.path = resolve_store_path(db);
            options.lock_timeout_seconds = 1;
            options.connect_timeout_limit = 2; // a shell waits for this
            store_ = open_store(options, OpenMode::read_if_exists);
        } catch (...) { // no store, or not one: nothing to offer
        }
    }

    std::vector<std::string> tenants() {
        std::vector<std::string> out;
        if (store_)
            for (const auto& t : store_->list_tenants())
                out.push_back(t.tenant.key);
        return out;
    }

    // The owners of apply --owner that manage a tenant, each once, in order.
    std::vector<std::string> owners() {
        std::set<std::string> out;
        if (store_)
            for (const auto& t : store_->list_tenants())
                if (t.tenant.owner) out.insert(*t.tenant.owner);
        return {out.begin(), out.end()};
    }

    std::vector<std::string> profiles() {
        std::vector<std::string> out;
        if (auto t = tenant())
            for (const auto& p : store_->list_profiles(*t))
                out.push_back(p.profile.name);
        return out;
    }

    std::vector<std::string> logins(const std::string& prefix) {
        if (auto t = tenant()) return store_->logins_starting(*t, prefix, 1000);
        return {};
    }

  private:
    std::optional<TenantRow> tenant() {
        if (!store_) return std::nullopt;
        std::string key;
        if (auto it = line_.values.find("--tenant"); it != line_.values.end())
            key = it->second;
        else if (const char* env = std::getenv("CHATCTL_TENANT"))
            key = env;
        else if (context_tenant_)
            key = *context_tenant_;
        return store_->find_tenant(key);
    }

    const Line& line_;
    std::unique_ptr<Store> store_;
    std::optional<std::string> context_tenant_;
};

// `chatctl help WORDS... CURRENT`: the commands of what WORDS name.
std::vector<std::string> help_candidates(const Line& line) {
    const CLI::App* app = line.path.front();
    auto word = std::find(line.args.begin(), line.args.end(), "help");
    for (auto it = word == line.args.end() ? word : word + 1; it != line.args.end(); ++it) {
        if (it->starts_with("-")) continue;
        const auto subs = commands_of(app);
        auto sub = std::find_if(subs.begin(), subs.end(),
                                [&](const CLI::App* s) { return s->get_name() == *it; });
        if (sub == subs.end()) return {};
        app = *sub;
    }
    std::vector<std::string> out;
    for (const CLI::App* sub : commands_of(app))
        if (sub->get_name() != "help") out.push_back(sub->get_name());
    return out;
}

std::vector<std::string> candidates(const Line& line, const std::string& previous,
                                    const std::string& current) {
    const CLI::App* command = line.path.back();
    // The value of an option.
    if (const CLI::Option* o =
            previous.size() > 1 && previous[0] == '-' ? find_option(line.path, previous) : nullptr;
        o && takes_value(o)) {
        std::string name = o->get_name(false, false);
        if (auto words = allowed_values().find(name); words != allowed_values().end())
            return words->second;
        if (name == "--encoding") return {std::begin(csv::kEncodings), std::end(csv::kEncodings)};
        if (name == "--delimiter") return {",", ";", "tab", "|"};
        if (name == "--sort-by") return choices_in(o->get_description());
        if (name == "--context") return config_file().names();
        if (name == "--tenant") return Names(line).tenants();
        if (name == "--owner") return Names(line).owners();
        if (name == "--profile" || name == "--reassign-to" || name == "--from-profile")
            return Names(line).profiles();
        return {}; // free text, or a path the shell completes
    }
    std::vector<std::string> out;
    if (current.starts_with("-")) {
        for (const CLI::App* app : line.path)
            for (const CLI::Option* o : app->get_options())
                for (const auto& l : o->get_lnames())
                    if (std::find(out.begin(), out.end(), "--" + l) == out.end())
                        out.push_back("--" + l);
        return out;
    }
    for (const CLI::App* sub : commands_of(command))
        out.push_back(sub->get_name());
    if (!out.empty()) return out;
    const std::string c = line.command().substr(std::string("chatctl").size());
    if (c == " tenant show" || c == " tenant edit" || c == " tenant delete")
        return Names(line).tenants();
    if (c == " profile show" || c == " profile edit" || c == " profile delete" ||
        c == " profile set-default")
        return Names(line).profiles();
    if (c == " config use-context" || c == " config set-context") return config_file().names();
    if (c == " user show" || c == " user edit" || c == " user assign" || c == " user delete")
        return Names(line).logins(current);
    if (c == " revert") return {"last"}; // numbers are history's to show
    if (c == " completion") return kCompletionShells;
    if (c == " help") return help_candidates(line);
    return out;
}

} // namespace

void complete(const CLI::App& app, const std::vector<std::string>& words,
              const std::string& current) {
    Line line = read_command_line(app, words);
    std::string previous = words.empty() ? "" : words.back();
    // A name holding a control (an older or damaged store) is not offered: a shell would
    // take it raw, and an escaped one would not name it.
    for (const auto& c : candidates(line, previous, current))
        if (c.starts_with(current) && !validate::has_control(c)) std::cout << c << "\n";
}

} // namespace chatctl::cli
