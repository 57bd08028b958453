// The pools simulate runs: the tenant's profiles with their users as agents, a plan's
// changes made to them, and the what-ifs of --agents, --set and --talk-by-concurrency.
#include "core/commands/simulation.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/validate.hpp"

namespace chatctl::simulation {

namespace {

using validate::quote;

[[noreturn]] void invalid(std::string_view field, const std::string& message) {
    fail(ErrorKind::invalid_input, std::string(field) + " " + message);
}

sim::Pool& pool_named(std::vector<sim::Pool>& pools, std::string_view name,
                      std::string_view field) {
    for (auto& p : pools)
        if (fold(p.profile) == fold(std::string(name))) return p;
    std::vector<std::string> names;
    names.reserve(pools.size());
    for (const auto& p : pools)
        names.push_back(p.profile);
    std::string near = validate::closest(std::string(name), names);
    fail(ErrorKind::not_found, std::string(field) + ": profile " + quote(name) +
                                   " not found in the tenant" +
                                   (near.empty() ? "" : "; did you mean " + quote(near) + "?"));
}

} // namespace

std::vector<sim::Pool> tenant_pools(Store& store, const std::string& tenant) {
    std::vector<sim::Pool> out;
    for (const auto& info : store.list_profiles(require_tenant(store, tenant)))
        out.push_back(sim::Pool{info.profile.name, static_cast<int>(info.users),
                                info.profile.max_concurrent_chats, info.profile.wrap_up_seconds});
    return out;
}

void apply_change(std::vector<sim::Pool>& pools, const Change& c) {
    auto find = [&](const std::string& name) -> sim::Pool* {
        for (auto& p : pools)
            if (fold(p.profile) == fold(name)) return &p;
        return nullptr;
    };
    if (c.kind() == Kind::tenant) {
        if (c.action == Action::remove) pools.clear();
        return;
    }
    if (c.kind() == Kind::profile) {
        if (c.action == Action::remove) {
            std::erase_if(pools,
                          [&](const sim::Pool& p) { return fold(p.profile) == fold(c.key()); });
            return;
        }
        const auto& after = std::get<Profile>(*c.after);
        sim::Pool* p = c.before ? find(c.key()) : nullptr;
        if (!p) p = &pools.emplace_back(sim::Pool{after.name, 0, 3, 60});
        p->profile = after.name;
        p->max_chats = after.max_concurrent_chats;
        p->wrap_up_seconds = after.wrap_up_seconds;
        return;
    }
    if (c.before)
        if (sim::Pool* p = find(std::get<User>(*c.before).profile)) --p->agents;
    if (c.after)
        if (sim::Pool* p = find(std::get<User>(*c.after).profile)) ++p->agents;
}

void set_agents(std::vector<sim::Pool>& pools, std::string_view text) {
    size_t eq = text.rfind('=');
    if (eq == std::string_view::npos || eq == 0)
        invalid("--agents", "must be PROFILE=N, not " + quote(text));
    pool_named(pools, text.substr(0, eq), "--agents").agents =
        validate::parse_int(text.substr(eq + 1), "--agents", 0, 100000);
}

std::vector<std::pair<std::string, std::vector<sim::Pool>>>
what_ifs(const std::vector<sim::Pool>& pools, const std::vector<std::string>& sets) {
    std::vector<sim::Pool> base = pools;
    std::optional<std::string> range;
    for (const auto& text : sets)
        if (text.find("..") == std::string::npos)
            set_field(base, text);
        else if (range)
            invalid("--set", "takes one range of values, not two (" + quote(*range) + ", " +
                                 quote(text) + ")");
        else
            range = text;
    if (!range) return {{"what-if", base}};
    size_t eq = range->rfind('='), dots = range->find("..", eq);
    if (eq == std::string::npos || dots == std::string::npos ||
        range->find(".max_concurrent_chats=") == std::string::npos)
        invalid("--set", "takes a range for max_concurrent_chats only "
                         "(PROFILE.max_concurrent_chats=2..5), not " +
                             quote(*range));
    std::string head = range->substr(0, eq + 1);
    int from = validate::parse_int(range->substr(eq + 1, dots - eq - 1), "--set range",
                                   validate::kMaxChatsMin, validate::kMaxChatsMax);
    int to =
        validate::parse_int(range->substr(dots + 2), "--set range", from, validate::kMaxChatsMax);
    std::vector<std::pair<std::string, std::vector<sim::Pool>>> out;
    for (int v = from; v <= to; ++v) {
        std::vector<sim::Pool> p = base;
        set_field(p, head + std::to_string(v));
        out.emplace_back("what-if " + range->substr(0, eq) + "=" + std::to_string(v), p);
    }
    return out;
}

void set_talk_by_concurrency(std::vector<sim::Pool>& pools, std::string_view text) {
    auto [profile, seconds] = parse_curve(text, "--talk-by-concurrency");
    if (profile.empty())
        for (auto& p : pools)
            p.talk_by_concurrency = seconds;
    else
        pool_named(pools, profile, "--talk-by-concurrency").talk_by_concurrency = seconds;
}

void set_field(std::vector<sim::Pool>& pools, std::string_view text) {
    size_t eq = text.rfind('='), dot = text.substr(0, eq).rfind('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot == 0)
        invalid("--set", "must be PROFILE.max_concurrent_chats=N or PROFILE.wrap_up_seconds=N, "
                         "not " +
                             quote(text));
    std::string_view field = text.substr(dot + 1, eq - dot - 1), value = text.substr(eq + 1);
    sim::Pool& p = pool_named(pools, text.substr(0, dot), "--set");
    if (field == "max_concurrent_chats")
        p.max_chats = validate::parse_int(value, "--set max_concurrent_chats",
                                          validate::kMaxChatsMin, validate::kMaxChatsMax);
    else if (field == "wrap_up_seconds")
        p.wrap_up_seconds = validate::parse_duration(value, "--set wrap_up_seconds");
    else
        invalid("--set", "can change max_concurrent_chats or wrap_up_seconds, not " + quote(field));
}

} // namespace chatctl::simulation
