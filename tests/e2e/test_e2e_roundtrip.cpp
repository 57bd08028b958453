// Property: for random stores, export then apply is a no-op, export then plan --prune is
// in sync, and export -> apply to an empty store -> export gives the same text. Names
// are drawn to trouble YAML: keywords, numbers, comments, flow syntax, Unicode, and the
// edges of every bound. After random commands, applies and reverts, history replayed
// from empty gives the store; and plan -o json is what apply records. Tenants have
// owners, and applies and edits give and take them (--owner, --prune --owner).
#include "../common/property.hpp"
#include "core/commands/ops.hpp"
#include "core/engine.hpp"
#include "core/error.hpp"
#include "harness.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <random>

using namespace e2e;
using namespace chatctl;

namespace {

const std::vector<std::string> kTricky = {
    "yes",         "No",         "null",       "~",
    "true",        "123",        "1e5",        "0x1F",
    ".5",          "+1",         "-1",         "# comment",
    "a #b",        "x: y",       "{a: 1}",     "[b]",
    "- item",      "'single'",   "\"double\"", "*alias",
    "&anchor",     "!tag",       "%percent",   "@at",
    "`tick`",      "|",          ">",          "Level-2 agents",
    "日本語",      "Ünïcödé",    "emoji 🚀",    "tab-free\u00a0nbsp",
    "back\\slash", "2024-01-01", "1:20",       "on",
    "OFF",         "y",          "trailing.",  "a,b",
    "?",           ":",          "-",          "Default",
    "DEFAULT2"};

std::string pick(std::mt19937& rng, const std::vector<std::string>& pool) {
    return pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
}

std::string random_text(std::mt19937& rng, size_t max_code_points) {
    static const std::vector<std::string> pieces = {"a", "Z",  "é",  "日", "🚀", " ", "-", "#", ":",
                                                    "'", "\"", "\\", "{",  "}", "[", "]", ",", "0"};
    size_t n = std::uniform_int_distribution<size_t>(1, std::min<size_t>(max_code_points, 40))(rng);
    std::string out;
    for (size_t i = 0; i < n; ++i)
        out += pick(rng, pieces);
    return out;
}

// A profile name within the bounds: trimmed of edge spaces.
std::string profile_name(std::mt19937& rng, int i) {
    int kind = std::uniform_int_distribution<int>(0, 3)(rng);
    std::string name = kind == 0   ? pick(rng, kTricky)
                       : kind == 1 ? random_text(rng, 127)
                       : kind == 2 ? std::string(127, 'p')
                                   : "P" + std::to_string(i);
    while (!name.empty() && name.front() == ' ')
        name.erase(0, 1);
    while (!name.empty() && name.back() == ' ')
        name.pop_back();
    return name.empty() ? "P" + std::to_string(i) : name;
}

std::string login(std::mt19937& rng, int i) {
    static const std::vector<std::string> logins = {
        "null", "true", "123", "1e5", "y", "No", "a.b", "_x", "+1", "-", "@", "x@y", "0x10"};
    int kind = std::uniform_int_distribution<int>(0, 2)(rng);
    if (kind == 0) return pick(rng, logins) + (i > 12 ? std::to_string(i) : "");
    if (kind == 1) return std::string(128 - std::to_string(i).size(), 'u') + std::to_string(i);
    return "user" + std::to_string(i);
}

std::optional<std::string> maybe(std::mt19937& rng, const std::string& value) {
    return std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? std::nullopt : std::optional(value);
}

void populate(const std::string& path, std::mt19937& rng) {
    StoreOptions options;
    options.path = path;
    auto store = open_store(options, OpenMode::write);
    WriteContext context{"property", "property", false};
    int tenants = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int t = 0; t < tenants; ++t) {
        std::string key = t == 0 ? std::string(63, 'k') : "t" + std::to_string(t) + "-x";
        write(*store, context, ops::tenant_create(key, maybe(rng, random_text(rng, 200))));
        if (auto owner = property::random_owner(rng))
            write(*store, context, ops::tenant_edit(key, std::nullopt, owner));
        int profiles = std::uniform_int_distribution<int>(0, 5)(rng);
        std::vector<std::string> names{"Default"};
        for (int p = 0; p < profiles; ++p) {
            std::string name = profile_name(rng, p);
            ops::ProfileEdit fields;
            fields.max_concurrent_chats = std::uniform_int_distribution<int>(0, 1)(rng) ? 1 : 25;
            fields.wrap_up_seconds = std::uniform_int_distribution<int>(0, 1)(rng) ? 0 : 3600;
            fields.description = maybe(rng, std::string(250, 'd'));
            if (!fields.description) fields.description = random_text(rng, 250);
            fields.make_default = std::uniform_int_distribution<int>(0, 3)(rng) == 0;
            try {
                write(*store, context, ops::profile_add(key, name, fields));
                names.push_back(name);
            } catch (const chatctl::Error&) { // a case-variant of an earlier name: skip it
            }
        }
        int users = std::uniform_int_distribution<int>(0, 8)(rng);
        for (int u = 0; u < users; ++u) {
            ops::UserFields fields{maybe(rng, random_text(rng, 200)),
                                   maybe(rng, "a.b+c@d-e.example")};
            try {
                write(*store, context, ops::user_add(key, login(rng, u), fields, pick(rng, names)));
            } catch (const chatctl::Error&) { // a duplicate login or a profile skipped above
            }
        }
    }
}

} // namespace

// Under the sanitizers (several times slower) fewer rounds of the longer properties.
const int kExportRounds = sanitized() ? 4 : 25, kCsvRounds = sanitized() ? 2 : 12,
          kRevertRounds = sanitized() ? 1 : 8, kReplayRounds = sanitized() ? 1 : 6,
          kPlanRounds = sanitized() ? 2 : 12;

namespace {

// What these properties check is chatctl's planning, the same on both stores; PostgreSQL
// takes longer to connect and to reset, so a quarter of the rounds run there.
int rounds(int n) {
    return on_postgres() ? (n + 3) / 4 : n;
}

} // namespace

TEST_SUITE("roundtrip") {

    TEST_CASE("export round trips on random stores") {
        std::mt19937 rng(20261124);
        for (int round = 0; round < rounds(kExportRounds); ++round) {
            CAPTURE(round);
            Sandbox s;
            populate(s.db(), rng);
            std::string exported = s.ok({"export"}).out;
            std::string file = s.dir() + "/export.yaml";
            std::ofstream(file, std::ios::binary) << exported;
            std::string bytes = s.bytes();
            Result again = s.run({"apply", "-f", file});
            INFO("export:\n" << exported << "\nstderr: " << again.err);
            CHECK(again.code == 0);
            CHECK(again.out == "No changes.\n");
            CHECK(s.bytes() == bytes);
            CHECK(s.run({"plan", "--prune", "-f", file}).code == 0);
            Sandbox fresh;
            Result rebuilt = fresh.run({"apply", "-f", file});
            CHECK(rebuilt.code == 0);
            CHECK(fresh.ok({"export"}).out == exported);
            CHECK(fresh.ok({"export", "-o", "json"}).json() ==
                  s.ok({"export", "-o", "json"}).json());
        }
    }

} // TEST_SUITE

namespace {

nlohmann::json plain(const Json& j) {
    return nlohmann::json::parse(j.dump());
}

// The store as its lists show it, without their counts.
property::State store_state(const Sandbox& s) {
    property::State state = nlohmann::json::object();
    for (const auto& t : s.ok({"tenant", "list", "-o", "json"}).json()) {
        property::add(state, "tenant", plain(t));
        const std::string key = t["tenant"];
        for (const auto& p : s.ok({"profile", "list", "-t", key, "-o", "json"}).json())
            property::add(state, "profile", plain(p));
        for (const auto& u : s.ok({"user", "list", "-t", key, "-o", "json"}).json())
            property::add(state, "user", plain(u));
    }
    return state;
}

// History, replayed from empty, gives the store: every object a command changed has its
// entry, and each entry's before is what the entries before it left.
void expect_history_replays(const Sandbox& s) {
    Json h = s.ok({"history", "--limit", "1000000", "-o", "json"}).json();
    std::vector<std::string> problems;
    property::State replayed = property::replay(plain(h), problems);
    std::string listed;
    for (const auto& p : problems)
        listed += p + "\n";
    INFO("history problems:\n" << listed);
    CHECK(problems.empty());
    CHECK(replayed == store_state(s));
}

std::vector<std::string> field_of(const Json& list, const char* field) {
    std::vector<std::string> out;
    for (const auto& o : list)
        out.push_back(o[field]);
    return out;
}

int64_t last_change(const Sandbox& s) {
    Json h = s.ok({"history", "--limit", "1", "-o", "json"}).json();
    return h.empty() ? 0 : h[0]["change"].get<int64_t>();
}

// One random command on a random tenant of the store (it may be refused: a rule, a name
// taken); returns its words.
std::vector<std::string> random_command(const Sandbox& s, std::mt19937& rng, int i) {
    std::vector<std::string> tenants =
        field_of(s.ok({"tenant", "list", "-o", "json"}).json(), "tenant");
    if (tenants.empty()) return {"tenant", "create", "fresh" + std::to_string(i)};
    std::string t = pick(rng, tenants);
    std::vector<std::string> profiles =
        field_of(s.ok({"profile", "list", "-t", t, "-o", "json"}).json(), "name");
    std::vector<std::string> logins =
        field_of(s.ok({"user", "list", "-t", t, "-o", "json"}).json(), "login");
    std::string p = pick(rng, profiles), q = pick(rng, profiles);
    std::string u = logins.empty() ? "nobody" : pick(rng, logins);
    std::string n = std::to_string(i);
    switch (std::uniform_int_distribution<int>(0, 13)(rng)) {
    case 0:
        return {"user", "add", "new" + n, "-t", t, "--profile", p, "--name", random_text(rng, 50)};
    case 1:
        return {"user", "edit", u, "-t", t, "--name", random_text(rng, 50), "--email", ""};
    case 2:
        return {"user", "assign", u,           logins.empty() ? u : pick(rng, logins),
                "-t",   t,        "--profile", p};
    case 3:
        return {"user", "delete", u, "-t", t};
    case 4:
        return {"user", "delete", "--from-profile", p, "-t", t};
    case 5:
        return {"profile", "add", "New " + n, "-t", t, "--max-chats", "7", "--default"};
    case 6:
        return {"profile", "edit", p, "-t", t, "--rename", p + " " + n, "--wrap-up", "15"};
    case 7:
        return {"profile", "set-default", p, "-t", t};
    case 8:
        return {"profile", "delete", p, "-t", t, "--reassign-to", q};
    case 9:
        return {"tenant", "edit", t, "--display-name", random_text(rng, 60)};
    case 10:
        return {"tenant", "delete", t, "--force"};
    case 11:
        return {"tenant", "create", "fresh" + n};
    case 12:
        return {"tenant", "edit", t, "--owner", property::random_owner(rng).value_or("")};
    default:
        return {"user",
                "import",
                "-t",
                t,
                "--prune",
                s.write("import.csv", "login,profile,name\n" + u + "," + q + ",\"Imported, " + n +
                                          "\"\nnew" + n + ",,\n")};
    }
}

} // namespace

TEST_SUITE("roundtrip") {

    TEST_CASE("user list -o csv | user import --prune is a no-op, and rebuilds a copy") {
        std::mt19937 rng(20261126);
        for (int round = 0; round < rounds(kCsvRounds); ++round) {
            CAPTURE(round);
            Sandbox s;
            populate(s.db(), rng);
            const std::string exported = s.ok({"export"}).out;
            const std::string bytes = s.bytes(), dump = s.dump();
            std::vector<std::string> tenants =
                field_of(s.ok({"tenant", "list", "-o", "json"}).json(), "tenant");
            std::map<std::string, std::string> lists;
            for (const auto& t : tenants) {
                lists[t] = s.ok({"user", "list", "-t", t, "-o", "csv"}).out;
                Result r = s.run({"user", "import", "-t", t, "--prune", "-"}, {}, lists[t]);
                INFO("csv:\n" << lists[t] << "\nstderr: " << r.err);
                CHECK(r.code == (lists[t].find('\n') + 1 == lists[t].size() ? 5 : 0));
            }
            CHECK(s.bytes() == bytes);
            CHECK(s.dump() == dump);
            // A copy: the same tenants and profiles, its users deleted and imported again.
            Sandbox copy;
            REQUIRE(copy.run({"apply", "-f", "-"}, {}, exported).code == 0);
            for (const auto& t : tenants) {
                copy.ok({"user", "delete", "--all", "-t", t, "-q"});
                if (lists[t].find('\n') + 1 < lists[t].size())
                    CHECK(copy.run({"user", "import", "-t", t, "-q", "-"}, {}, lists[t]).code == 0);
            }
            CHECK(copy.ok({"export"}).out == exported);
        }
    }

    TEST_CASE("reverting a random sequence of commands, newest first, gives the store back") {
        std::mt19937 rng(1126);
        for (int round = 0; round < rounds(kRevertRounds); ++round) {
            CAPTURE(round);
            Sandbox s;
            populate(s.db(), rng);
            const std::string first = s.ok({"export"}).out;
            const property::State first_state = store_state(s); // owners too
            std::vector<int64_t> changes;
            std::vector<std::string> log;
            for (int i = 0; i < 14; ++i) {
                std::vector<std::string> command = random_command(s, rng, i);
                int64_t before = last_change(s);
                Result r = s.run(command);
                std::string words;
                for (const auto& w : command)
                    words += w + " ";
                log.push_back(words + "-> " + std::to_string(r.code));
                if (last_change(s) != before) changes.push_back(last_change(s));
                CHECK((r.code == 0) == (last_change(s) != before || r.out == "No changes.\n"));
            }
            std::string steps;
            for (const auto& l : log)
                steps += l + "\n";
            INFO("commands:\n" << steps);
            expect_history_replays(s);
            for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
                Result r = s.run({"revert", std::to_string(*it)});
                INFO("revert " << *it << ": " << r.err);
                CHECK(r.code == 0);
            }
            CHECK(s.ok({"export"}).out == first);
            CHECK(store_state(s) == first_state);
            expect_history_replays(s);
        }
    }

    TEST_CASE("history replays the store after random commands, applies and reverts") {
        std::mt19937 rng(1204);
        for (int round = 0; round < rounds(kReplayRounds); ++round) {
            CAPTURE(round);
            Sandbox s;
            populate(s.db(), rng);
            std::string log;
            for (int i = 0; i < 16; ++i) {
                std::vector<std::string> command;
                const int64_t last = last_change(s);
                switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
                case 0:
                    command = random_command(s, rng, i);
                    break;
                case 2: { // the default moved, for a revert --force to put back later
                    auto tenants =
                        field_of(s.ok({"tenant", "list", "-o", "json"}).json(), "tenant");
                    if (tenants.empty()) continue;
                    std::string t = pick(rng, tenants);
                    command = {
                        "profile", "set-default",
                        pick(rng, field_of(s.ok({"profile", "list", "-t", t, "-o", "json"}).json(),
                                           "name")),
                        "-t", t};
                    break;
                }
                case 1: { // declarations move defaults, rename by case, prune
                    auto d = property::random_declaration(rng, store_state(s));
                    command = {"apply", "-f", s.write("d.yaml", d.dump())};
                    if (rng() % 3 == 0) command.push_back("--prune");
                    if (auto owner = property::random_owner(rng))
                        command.insert(command.end(), {"--owner", *owner});
                    break;
                }
                default: // a recent change, whose objects later ones may have moved since
                    int64_t back = rng() % 2 ? rng() % 3 : rng() % std::max<int64_t>(1, last);
                    command = {"revert", std::to_string(std::max<int64_t>(1, last - back))};
                    if (rng() % 2 == 0) command.push_back("--force");
                }
                Result r = s.run(command);
                for (const auto& w : command)
                    log += w + " ";
                log += "-> " + std::to_string(r.code) + "\n";
                CHECK(r.code != 1);
            }
            INFO("commands:\n" << log);
            expect_history_replays(s);
        }
    }

    TEST_CASE("plan -o json is what apply records, streamed or not") {
        std::mt19937 rng(2012);
        for (int round = 0; round < rounds(kPlanRounds); ++round) {
            CAPTURE(round);
            Sandbox s;
            populate(s.db(), rng);
            for (int i = 0; i < 3; ++i) {
                auto d = property::random_declaration(rng, store_state(s));
                std::vector<std::string> words{"-f", s.write("d.yaml", d.dump()), "-o", "json"};
                if (rng() % 4 == 0) words.push_back("--prune");
                if (auto owner = property::random_owner(rng))
                    words.insert(words.end(), {"--owner", *owner});
                words.insert(words.begin(), "plan");
                const int64_t last = last_change(s);
                Result planned = s.run(words);
                words[0] = "apply";
                Result applied = s.run(words);
                INFO("declaration: " << d.dump() << "\nplan: " << planned.out << planned.err
                                     << "\napply: " << applied.out << applied.err);
                if (planned.code != 2) {
                    CHECK(applied.code == planned.code);
                    CHECK(last_change(s) == last);
                    continue;
                }
                REQUIRE(applied.code == 0);
                REQUIRE(last_change(s) == last + 1);
                Json changes = planned.json()["changes"];
                CHECK(applied.json()["changes"] == changes);
                Json h = s.ok({"history", "--change", std::to_string(last + 1), "--limit",
                               "1000000", "-o", "json"})
                             .json();
                REQUIRE(h.size() == changes.size());
                for (size_t k = 0; k < h.size(); ++k) {
                    const Json& e = h[h.size() - 1 - k];
                    CHECK(Json{{"action", e["action"]},
                               {"kind", e["kind"]},
                               {"tenant", e["tenant"]},
                               {"key", e["key"]},
                               {"before", e["before"]},
                               {"after", e["after"]}} == changes[k]);
                }
                words[0] = "plan"; // in sync once applied, with the same options
                words.erase(words.begin() + 3, words.begin() + 5); // without -o json
                CHECK(s.run(words).code == 0);
            }
        }
    }

} // TEST_SUITE
