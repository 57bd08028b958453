// Property: what `plan` shows is exactly what `apply` records, on random stores and
// random declarations (names changing case, defaults moving, prune, users moving, profiles
// deleted): the same changes, in the same order, with the same before and after, whether
// apply reads the declaration first or writes while it reads; a declaration plan refuses,
// apply refuses alike and writes nothing; with --owner, a tenant another owner manages
// is refused, and --prune --owner deletes only the owner's tenants it no longer declares.
// And history, replayed from empty, gives the store. In-process, on in-memory stores,
// through the calls `plan` and `apply` make.
#include "../common/property.hpp"
#include "core/decl/converge.hpp"
#include "core/error.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <iostream>
#include <optional>

using namespace chatctl;

namespace {

// Stores, each taken through a run of declarations (each run's store is the one the
// declarations before it left): 10,000 cases in all, about a tenth under the sanitizers.
#ifdef CHATCTL_SANITIZED
constexpr int kStores = 100;
#else
constexpr int kStores = 1000;
#endif
constexpr int kRun = 10;

const WriteContext kContext{"property", "apply", false};

nlohmann::json plain(const Json& j) {
    return nlohmann::json::parse(j.dump());
}

property::State state_of(Store& store) {
    property::State state = nlohmann::json::object();
    for (const auto& t : store.list_tenants()) {
        property::add(state, "tenant", plain(to_json(Object(t.tenant))));
        auto row = store.find_tenant(t.tenant.key);
        for (const auto& p : store.list_profiles(*row))
            property::add(state, "profile", plain(to_json(Object(p.profile))));
        for (const auto& u : store.list_users(*row))
            property::add(state, "user", plain(to_json(Object(u.user))));
    }
    return state;
}

// History entries, newest first, as `history -o json` prints them.
nlohmann::json history(Store& store, std::optional<int64_t> change = std::nullopt) {
    HistoryFilter f;
    f.change = change;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& h : store.history(f, 1 << 30))
        out.push_back({{"id", h.id},
                       {"change", h.change},
                       {"command", h.command},
                       {"action", h.action},
                       {"kind", h.kind},
                       {"tenant", h.tenant.value_or("")},
                       {"key", h.key},
                       {"before", plain(h.before)},
                       {"after", plain(h.after)}});
    return out;
}

int64_t last_change(Store& store) {
    auto h = store.history(HistoryFilter{}, 1);
    return h.empty() ? 0 : h[0].change;
}

std::vector<Source> sources(const std::string& text) {
    std::vector<Source> out;
    out.push_back(Source{"d.yaml", Input::from_text(text)});
    return out;
}

struct Outcome {
    std::optional<ErrorKind> error;
    nlohmann::json changes = nlohmann::json::array();
};

Outcome plan(Store& store, const std::string& text, const ApplyOptions& options) {
    Outcome o;
    try {
        converge(store, load_declaration(sources(text)), options,
                 [&](const Change& c) { o.changes.push_back(plain(c.to_json())); });
    } catch (const Error& e) {
        o.error = e.kind();
    }
    return o;
}

// As `plan` does it: planning while it reads; nullopt when that could not be done.
std::optional<nlohmann::json> plan_streamed(Store& store, const std::string& text,
                                            const ApplyOptions& options) {
    nlohmann::json changes = nlohmann::json::array();
    StreamedConverge planner(store, options,
                             [&](const Change& c) { changes.push_back(plain(c.to_json())); });
    Declaration read = load_declaration(sources(text), {}, &planner);
    if (!planner.finish(read)) return std::nullopt;
    return changes;
}

// As `apply` does it: writing while it reads when it can, else the declaration first.
Outcome apply(Store& store, const std::string& text, const ApplyOptions& options, bool streamed) {
    Outcome o;
    auto applied = [&](const Change& c) { o.changes.push_back(plain(c.to_json())); };
    try {
        if (streamed) {
            StreamedConverge writer(store, kContext, options, applied);
            Declaration read = load_declaration(sources(text), {}, &writer);
            if (writer.finish(read)) return o;
            o.changes = nlohmann::json::array();
        }
        Declaration d = load_declaration(sources(text));
        write(
            store, kContext,
            [&](Store& s, const ChangeSink& emit) { converge(s, d, options, emit); }, applied);
    } catch (const Error& e) {
        o.error = e.kind();
    }
    return o;
}

// The changes as history records them, oldest first, in a plan's form.
nlohmann::json recorded(Store& store, int64_t change) {
    nlohmann::json out = nlohmann::json::array();
    nlohmann::json h = history(store, change);
    for (auto it = h.rbegin(); it != h.rend(); ++it)
        out.push_back({{"action", (*it)["action"]},
                       {"kind", (*it)["kind"]},
                       {"tenant", (*it)["tenant"]},
                       {"key", (*it)["key"]},
                       {"before", (*it)["before"]},
                       {"after", (*it)["after"]}});
    return out;
}

} // namespace

TEST_CASE("plan is exactly what apply records, and history replays the store") {
    std::mt19937 rng(20261204);
    const auto start = std::chrono::steady_clock::now();
    int cases = 0, refused = 0, changed = 0, taken = 0, pruned = 0, streamed_plans = 0;
    for (int s = 0; s < kStores; ++s) {
        auto store = memory_store();
        for (int i = 0; i < kRun; ++i, ++cases) {
            const property::State state = state_of(*store);
            const nlohmann::json declared = property::random_declaration(rng, state);
            const std::string text = declared.dump();
            const ApplyOptions options{rng() % 4 == 0, property::random_owner(rng)};
            const bool streamed = rng() % 2 == 0;
            const int64_t last = last_change(*store);
            INFO("case " << cases << (options.prune ? " --prune" : "")
                         << (options.owner ? " --owner " + *options.owner : "")
                         << (streamed ? " streamed" : "") << "\nstore: " << state.dump()
                         << "\ndeclaration: " << text);
            Outcome planned = plan(*store, text, options);
            // Planned while read, the same changes; never where the plan is refused.
            if (auto streamed_plan = plan_streamed(*store, text, options)) {
                ++streamed_plans;
                REQUIRE(!planned.error);
                REQUIRE(*streamed_plan == planned.changes);
            }
            Outcome applied = apply(*store, text, options, streamed);
            REQUIRE(planned.error == applied.error);
            // Never a silent takeover: a declared tenant another owner manages is refused.
            bool foreign = false;
            for (const auto& t : declared["tenants"]) {
                const std::string key = t["tenant"];
                foreign = foreign || (options.owner && state.contains(key) &&
                                      !state[key]["tenant"]["owner"].is_null() &&
                                      state[key]["tenant"]["owner"] != *options.owner);
            }
            if (foreign) {
                REQUIRE(planned.error);
                ++taken;
            }
            if (planned.error || planned.changes.empty()) {
                refused += planned.error ? 1 : 0;
                REQUIRE(last_change(*store) == last);
                REQUIRE(state_of(*store) == state);
                continue;
            }
            ++changed;
            REQUIRE(last_change(*store) == last + 1);
            REQUIRE(applied.changes == planned.changes);
            REQUIRE(recorded(*store, last + 1) == planned.changes);
            REQUIRE(plan(*store, text, options).changes.empty()); // in sync once applied
            // A tenant goes only when the owner pruning it managed it; each tenant declared
            // is the owner's.
            const property::State now = state_of(*store);
            for (const auto& [key, t] : state.items())
                if (!now.contains(key)) {
                    ++pruned;
                    REQUIRE(options.prune);
                    REQUIRE(options.owner);
                    REQUIRE(t["tenant"]["owner"] == *options.owner);
                }
            for (const auto& t : declared["tenants"])
                if (options.owner)
                    REQUIRE(now[t["tenant"].get<std::string>()]["tenant"]["owner"] ==
                            *options.owner);
        }
        std::vector<std::string> problems;
        property::State replayed = property::replay(history(*store), problems);
        INFO("history problems: " << problems.size() << (problems.empty() ? "" : ", first: ")
                                  << (problems.empty() ? "" : problems[0]));
        REQUIRE(problems.empty());
        REQUIRE(replayed == state_of(*store));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MESSAGE(cases << " cases (" << changed << " applied, " << refused << " refused, " << taken
                  << " owned by another, " << pruned << " tenants pruned, " << streamed_plans
                  << " planned while read) in " << seconds << " s");
    // Every kind of outcome is met: the generator does not only make no-ops or errors.
    CHECK(changed > cases / 3);
    CHECK(refused > 0);
    CHECK(taken > 0);
    CHECK(pruned > 0);
    CHECK(streamed_plans > cases / 4);
}
