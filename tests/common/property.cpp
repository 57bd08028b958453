#include "property.hpp"

#include <algorithm>
#include <set>

namespace property {

using Json = nlohmann::json;

namespace {

std::string fold(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

const char* section(const std::string& kind) {
    return kind == "profile" ? "profiles" : "users";
}

std::string key_of(const std::string& kind, const Json& object) {
    return object[kind == "tenant" ? "tenant" : kind == "profile" ? "name" : "login"];
}

int roll(std::mt19937& rng, int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
}

// The same name in another case, as a user may type it.
std::string respell(std::mt19937& rng, std::string name) {
    switch (roll(rng, 5)) {
    case 0:
        return fold(name);
    case 1:
        for (char& c : name)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        return name;
    case 2:
        for (char& c : name)
            if (c >= 'a' && c <= 'z' && roll(rng, 2)) c = static_cast<char>(c - 'a' + 'A');
        return name;
    default:
        return name;
    }
}

// Folded names already taken are skipped: the same object declared twice is a mistake
// of its own, found elsewhere.
void add_unique(std::vector<std::string>& names, std::set<std::string>& taken,
                const std::string& name) {
    if (taken.insert(fold(name)).second) names.push_back(name);
}

Json random_profile(std::mt19937& rng, const std::string& name, const Json* stored) {
    Json p{{"name", name}};
    if (stored && roll(rng, 2)) { // often the same values: only the spelling may change
        for (const char* field : {"max_concurrent_chats", "wrap_up_seconds", "description"})
            if (!(*stored)[field].is_null()) p[field] = (*stored)[field];
        return p;
    }
    if (roll(rng, 2)) p["max_concurrent_chats"] = roll(rng, 2) ? 1 : 5;
    if (roll(rng, 2)) p["wrap_up_seconds"] = roll(rng, 2) ? 0 : 30;
    if (roll(rng, 3) == 0) p["description"] = "Level " + std::to_string(roll(rng, 3));
    return p;
}

Json random_tenant(std::mt19937& rng, const std::string& key, const Json* stored) {
    Json t{{"tenant", key}};
    if (roll(rng, 2))
        t["display_name"] = stored && !(*stored)["tenant"]["display_name"].is_null() && roll(rng, 2)
                                ? (*stored)["tenant"]["display_name"]
                                : Json("Shown " + std::to_string(roll(rng, 2)));
    std::vector<std::string> profiles; // every profile a user may name
    std::set<std::string> taken;
    if (stored)
        for (const auto& [folded, p] : (*stored)["profiles"].items())
            profiles.push_back(p["name"]);
    if (roll(rng, 10) < 7) {
        std::vector<std::string> names;
        for (const auto& name : profiles)
            if (roll(rng, 4)) add_unique(names, taken, respell(rng, name));
        for (const char* extra : {"Default", "Night", "Day", "Experts"})
            if (roll(rng, 3) == 0) add_unique(names, taken, respell(rng, extra));
        std::shuffle(names.begin(), names.end(), rng);
        Json list = Json::array();
        for (const auto& name : names) {
            const Json* before = nullptr;
            if (stored && (*stored)["profiles"].contains(fold(name)))
                before = &(*stored)["profiles"][fold(name)];
            list.push_back(random_profile(rng, name, before));
        }
        if (!list.empty() && roll(rng, 3))
            list[static_cast<size_t>(roll(rng, static_cast<int>(list.size())))]["default"] = true;
        if (!list.empty() && roll(rng, 12) == 0)
            list[static_cast<size_t>(roll(rng, static_cast<int>(list.size())))]["default"] = false;
        t["profiles"] = list;
        profiles.insert(profiles.end(), names.begin(), names.end());
    }
    if (roll(rng, 10) < 7) {
        std::vector<std::string> logins;
        std::set<std::string> seen;
        if (stored)
            for (const auto& [folded, u] : (*stored)["users"].items())
                if (roll(rng, 10) < 7) add_unique(logins, seen, respell(rng, u["login"]));
        for (const char* extra : {"ann", "Bob", "cy", "dee"})
            if (roll(rng, 3) == 0) add_unique(logins, seen, extra);
        if (roll(rng, 10) < 7)
            std::sort(logins.begin(), logins.end(),
                      [](const auto& a, const auto& b) { return fold(a) < fold(b); });
        else
            std::shuffle(logins.begin(), logins.end(), rng);
        Json list = Json::array();
        for (const auto& login : logins) {
            Json u{{"login", login}};
            const Json* before = nullptr;
            if (stored && (*stored)["users"].contains(fold(login)))
                before = &(*stored)["users"][fold(login)];
            for (const char* field : {"name", "email"})
                if (before && roll(rng, 2)) {
                    if (!(*before)[field].is_null()) u[field] = (*before)[field];
                } else if (roll(rng, 2)) {
                    u[field] = field == std::string("name")
                                   ? "Agent " + std::to_string(roll(rng, 3))
                                   : login + "@acme.example";
                }
            int which = roll(rng, 20);
            if (which == 0)
                u["profile"] = "Nowhere";
            else if (which < 14 && !profiles.empty())
                u["profile"] = respell(
                    rng,
                    profiles[static_cast<size_t>(roll(rng, static_cast<int>(profiles.size())))]);
            list.push_back(u);
        }
        t["users"] = list;
    }
    return t;
}

} // namespace

void add(State& state, const std::string& kind, Json object) {
    if (kind == "tenant") {
        for (const char* count : {"default_profile", "profiles", "users"})
            object.erase(count);
        const std::string key = object["tenant"];
        state[key]["tenant"] = std::move(object);
        for (const char* part : {"profiles", "users"})
            if (!state[key].contains(part)) state[key][part] = Json::object();
        return;
    }
    if (kind == "profile") object.erase("users");
    const std::string tenant = object["tenant"], key = fold(key_of(kind, object));
    state[tenant][section(kind)][key] = std::move(object);
}

State replay(const Json& entries, std::vector<std::string>& problems) {
    State state = Json::object();
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const Json& e = *it;
        const std::string kind = e["kind"], action = e["action"], tenant = e["tenant"];
        const Json &before = e["before"], &after = e["after"];
        auto problem = [&](const std::string& what) {
            problems.push_back("entry " + e["id"].dump() + " (change " + e["change"].dump() + ", " +
                               e["command"].get<std::string>() + ", " + action + " " + kind + " " +
                               tenant + "/" + e["key"].get<std::string>() + "): " + what);
        };
        if (kind == "tenant") {
            if (action == "create") {
                if (state.contains(tenant)) problem("the tenant is there already");
                state[tenant] = Json{
                    {"tenant", after}, {"profiles", Json::object()}, {"users", Json::object()}};
                continue;
            }
            if (!state.contains(tenant)) {
                problem("no such tenant");
                continue;
            }
            if (state[tenant]["tenant"] != before)
                problem("before is " + before.dump() + ", replayed " +
                        state[tenant]["tenant"].dump());
            if (action == "update") {
                state[tenant]["tenant"] = after;
            } else {
                if (!state[tenant]["profiles"].empty() || !state[tenant]["users"].empty())
                    problem("deleted with objects no entry deleted");
                state.erase(tenant);
            }
            continue;
        }
        if (!state.contains(tenant)) {
            problem("no such tenant");
            continue;
        }
        Json& objects = state[tenant][section(kind)];
        if (action != "create") {
            const std::string old = fold(key_of(kind, before));
            if (!objects.contains(old))
                problem("no such object");
            else if (objects[old] != before)
                problem("before is " + before.dump() + ", replayed " + objects[old].dump());
            objects.erase(old);
        }
        if (action == "delete") continue;
        const std::string key = fold(key_of(kind, after));
        if (objects.contains(key)) problem("the object is there already");
        objects[key] = after;
        if (kind == "profile" && action == "update" && before["name"] != after["name"])
            for (auto& [login, u] : state[tenant]["users"].items())
                if (fold(u["profile"]) == fold(before["name"])) u["profile"] = after["name"];
    }
    return state;
}

Json random_declaration(std::mt19937& rng, const State& state) {
    std::vector<std::string> keys;
    for (const auto& [key, t] : state.items())
        keys.push_back(key);
    for (const char* fresh : {"new-t", "new-u"}) // two, so that one may go undeclared
        if (!state.contains(fresh)) keys.push_back(fresh);
    Json tenants = Json::array();
    for (const auto& key : keys)
        if (roll(rng, 10) < 6 || (tenants.empty() && key == keys.back()))
            tenants.push_back(random_tenant(rng, key, state.contains(key) ? &state[key] : nullptr));
    return Json{{"version", 1}, {"tenants", tenants}};
}

std::optional<std::string> random_owner(std::mt19937& rng) {
    switch (roll(rng, 4)) {
    case 0:
        return "ci-a";
    case 1:
        return "git@example.org:team/repo.git";
    default:
        return std::nullopt;
    }
}

} // namespace property
