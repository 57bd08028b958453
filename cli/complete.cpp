#include "complete.hpp"

#include "core/store/store.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

namespace chatctl::cli {

namespace {

const CLI::App* subcommand(const CLI::App* app, const std::string& name) {
    auto found = app->get_subcommands([&](const CLI::App* s) { return s->get_name() == name; });
    return found.empty() ? nullptr : found.front();
}

// The option of the command or of one of its parents that answers to `word`.
const CLI::Option* option(const std::vector<const CLI::App*>& path, const std::string& word) {
    for (auto it = path.rbegin(); it != path.rend(); ++it)
        for (const CLI::Option* o : (*it)->get_options())
            if (o->nonpositional() && o->check_name(word)) return o;
    return nullptr;
}

bool takes_value(const CLI::Option* o) {
    return o->get_type_size_max() > 0;
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

struct Line {
    std::vector<const CLI::App*> path;         // app, then each subcommand named
    std::map<std::string, std::string> values; // option's long name -> value given
};

Line walk(const CLI::App& app, const std::vector<std::string>& words) {
    Line line{{&app}, {}};
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() > 1 && w[0] == '-') {
            std::string name = w, value;
            bool inline_value = false;
            if (auto eq = w.find('='); eq != std::string::npos && starts_with(w, "--")) {
                name = w.substr(0, eq);
                value = w.substr(eq + 1);
                inline_value = true;
            }
            const CLI::Option* o = option(line.path, name);
            if (!o || !takes_value(o)) continue;
            if (!inline_value && i + 1 < words.size()) value = words[++i];
            line.values[o->get_name(false, false)] = value;
            continue;
        }
        if (const CLI::App* sub = subcommand(line.path.back(), w)) line.path.push_back(sub);
    }
    return line;
}

std::string command_of(const Line& line) {
    std::string out;
    for (size_t i = 1; i < line.path.size(); ++i)
        out += (i > 1 ? " " : "") + line.path[i]->get_name();
    return out;
}

class Names {
  public:
    explicit Names(const Line& line) : line_(line) {
        try {
            std::optional<std::string> db;
            if (auto it = line.values.find("--db"); it != line.values.end()) db = it->second;
            store_ = Store::open_read_if_exists(StoreOptions{resolve_store_path(db), 1});
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
        return store_->find_tenant(key);
    }

    const Line& line_;
    std::unique_ptr<Store> store_;
};

std::vector<std::string> candidates(const Line& line, const std::string& previous,
                                    const std::string& current) {
    const CLI::App* command = line.path.back();
    // The value of an option.
    if (const CLI::Option* o =
            previous.size() > 1 && previous[0] == '-' ? option(line.path, previous) : nullptr;
        o && takes_value(o)) {
        std::string name = o->get_name(false, false);
        if (name == "--output") return {"table", "json", "yaml"};
        if (name == "--tenant") return Names(line).tenants();
        if (name == "--profile" || name == "--reassign-to" || name == "--from-profile")
            return Names(line).profiles();
        return {}; // free text, or a path the shell completes
    }
    std::vector<std::string> out;
    if (starts_with(current, "-")) {
        for (const CLI::App* app : line.path)
            for (const CLI::Option* o : app->get_options())
                for (const auto& l : o->get_lnames())
                    if (std::find(out.begin(), out.end(), "--" + l) == out.end())
                        out.push_back("--" + l);
        return out;
    }
    for (const CLI::App* sub :
         command->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        out.push_back(sub->get_name());
    if (!out.empty()) return out;
    const std::string c = command_of(line);
    if (c == "tenant show" || c == "tenant edit" || c == "tenant delete")
        return Names(line).tenants();
    if (c == "profile show" || c == "profile edit" || c == "profile delete" ||
        c == "profile set-default")
        return Names(line).profiles();
    if (c == "user show" || c == "user edit" || c == "user assign" || c == "user delete")
        return Names(line).logins(current);
    return out;
}

} // namespace

void complete(const CLI::App& app, const std::vector<std::string>& words,
              const std::string& current) {
    Line line = walk(app, words);
    std::string previous = words.empty() ? "" : words.back();
    for (const auto& c : candidates(line, previous, current))
        if (starts_with(c, current)) std::cout << c << "\n";
}

std::optional<UnknownCommand> unknown_command(const CLI::App& app,
                                              const std::vector<std::string>& words) {
    std::vector<const CLI::App*> path{&app};
    std::string before = "chatctl";
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() > 1 && w[0] == '-') {
            const CLI::Option* o = option(path, w);
            if (o && takes_value(o) && w.find('=') == std::string::npos) ++i;
            continue;
        }
        auto subs =
            path.back()->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
        if (subs.empty()) return std::nullopt;
        if (const CLI::App* sub = subcommand(path.back(), w)) {
            path.push_back(sub);
            before += " " + w;
            continue;
        }
        std::vector<std::string> names;
        names.reserve(subs.size());
        for (const CLI::App* s : subs)
            names.push_back(s->get_name());
        std::string near = validate::closest(w, names);
        if (!near.empty()) near = before.append(" ").append(near);
        return UnknownCommand{w, near};
    }
    return std::nullopt;
}

} // namespace chatctl::cli
