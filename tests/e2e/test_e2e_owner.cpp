// Prune by ownership: `apply --owner NAME` records that NAME manages each tenant it
// applies, and `apply --prune --owner NAME` deletes the tenants NAME manages and no longer
// declares, never another owner's or a tenant of none. Tried through the command line,
// through YAML and through raw SQL on the store.
#include "core/store/sqlite/schema.hpp"
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

// A declaration of tenants, each with its profiles and users as YAML flow lists.
std::string declaration(const std::vector<std::string>& tenants) {
    std::string text = "version: 1\ntenants:";
    if (tenants.empty()) return text + " []\n";
    for (const auto& t : tenants)
        text += "\n  - " + t;
    return text + "\n";
}

const char* const kAcme = "{tenant: acme, profiles: [{name: Default, default: true}, "
                          "{name: Experts}], users: [{login: alice, profile: Experts}, "
                          "{login: bob}]}";
const char* const kBeta = "{tenant: beta, profiles: [{name: Default}, {name: Night}], "
                          "users: [{login: cy, profile: Night}, {login: dee}]}";
const char* const kGamma = "{tenant: gamma, users: [{login: eve}]}";

std::string owner_of(const Sandbox& s, const std::string& tenant) {
    Json t = s.ok({"tenant", "show", tenant, "-o", "json"}).json();
    return t["owner"].is_null() ? "(none)" : t["owner"].get<std::string>();
}

std::vector<std::string> tenants(const Sandbox& s) {
    std::vector<std::string> out;
    for (const auto& t : s.ok({"tenant", "list", "-o", "json"}).json())
        out.push_back(t["tenant"]);
    return out;
}

// ci-a manages acme and beta, ci-b gamma; delta has no owner.
void setup(const Sandbox& s) {
    s.ok({"apply", "--owner", "ci-a", "-f", s.write("a.yaml", declaration({kAcme, kBeta}))});
    s.ok({"apply", "--owner", "ci-b", "-f", s.write("b.yaml", declaration({kGamma}))});
    s.ok({"tenant", "create", "delta"});
    s.ok({"user", "add", "fay", "-t", "delta"});
}

// Reverts the newest change.
void revert_last(const Sandbox& s) {
    Json h = s.ok({"history", "--limit", "1", "-o", "json"}).json();
    s.ok({"revert", std::to_string(h[0]["change"].get<int64_t>())});
}

void refused_sql(const Sandbox& s, const std::string& statement) {
    const std::string before = s.dump();
    CAPTURE(statement);
    CHECK(!s.sql(statement).empty());
    CHECK(s.dump() == before);
}

} // namespace

TEST_SUITE("owner") {

    TEST_CASE("apply --owner records the owner: in tenant show, list and history; without "
              "--prune nothing is deleted") {
        Sandbox s;
        setup(s);
        CHECK(owner_of(s, "acme") == "ci-a");
        CHECK(owner_of(s, "beta") == "ci-a");
        CHECK(owner_of(s, "gamma") == "ci-b");
        CHECK(owner_of(s, "delta") == "(none)");
        Json list = s.ok({"tenant", "list", "-o", "json"}).json();
        REQUIRE(list.size() == 4);
        CHECK(list[0]["owner"] == "ci-a");
        CHECK(list[2]["tenant"] == "delta");
        CHECK(list[2]["owner"].is_null());
        CHECK(s.ok({"tenant", "list"}).out.find("OWNER") != std::string::npos);
        Json h = s.ok({"history", "-t", "acme", "--kind", "tenant", "-o", "json"}).json();
        REQUIRE(h.size() == 1);
        CHECK(h[0]["after"]["owner"] == "ci-a");
        // The same owner, a declaration without beta, no --prune: nothing goes.
        const std::string bytes = s.bytes();
        Result r =
            s.run({"apply", "--owner", "ci-a", "-f", s.write("a.yaml", declaration({kAcme}))});
        CHECK(r.code == 0);
        CHECK(r.out == "No changes.\n");
        CHECK(s.bytes() == bytes);
        CHECK(tenants(s) == std::vector<std::string>{"acme", "beta", "delta", "gamma"});
    }

    TEST_CASE("--prune --owner deletes the owner's tenants no longer declared, with their "
              "profiles and users; never another owner's, never one of none") {
        Sandbox s;
        setup(s);
        const std::string file = s.write("a.yaml", declaration({kAcme}));
        // The plan shows every object that goes, as apply records it.
        Result plan = s.run({"plan", "--prune", "--owner", "ci-a", "-f", file, "-o", "json"});
        CHECK(plan.code == 2);
        Json changes = plan.json()["changes"];
        std::vector<std::string> planned;
        for (const auto& c : changes) {
            CHECK(c["action"] == "delete");
            CHECK(c["tenant"] == "beta");
            planned.push_back(c["kind"].get<std::string>() + " " + c["key"].get<std::string>());
        }
        CHECK(planned == std::vector<std::string>{"user cy", "user dee", "profile Night",
                                                  "profile Default", "tenant beta"});
        Result human = s.run({"plan", "--prune", "--owner", "ci-a", "-f", file});
        CHECK(human.out.find("- tenant beta") != std::string::npos);
        CHECK(human.out.find("- user beta/cy") != std::string::npos);
        CHECK(human.out.find("0 to add, 0 to change, 5 to destroy") != std::string::npos);
        Result applied = s.run({"apply", "--prune", "--owner", "ci-a", "-f", file, "-o", "json"});
        REQUIRE(applied.code == 0);
        CHECK(applied.json()["changes"] == changes);
        CHECK(tenants(s) == std::vector<std::string>{"acme", "delta", "gamma"});
        Json h = s.ok({"history", "-t", "beta", "--limit", "5", "-o", "json"}).json();
        REQUIRE(h.size() == 5);
        CHECK(h[0]["key"] == "beta");
        CHECK(h[0]["before"]["owner"] == "ci-a");
        CHECK(s.run({"plan", "--prune", "--owner", "ci-a", "-f", file}).code == 0);
        // An empty declaration: every tenant of ci-b goes, none of another or of none.
        s.ok({"apply", "--prune", "--owner", "ci-b", "-f", s.write("b.yaml", declaration({}))});
        CHECK(tenants(s) == std::vector<std::string>{"acme", "delta"});
        CHECK(s.ok({"user", "list", "-t", "delta", "-o", "json"}).json().size() == 1);
        // An owner that manages nothing deletes nothing.
        const std::string bytes = s.bytes();
        CHECK(s.run({"apply", "--prune", "--owner", "nobody", "-f",
                     s.write("n.yaml", declaration({}))})
                  .out == "No changes.\n");
        CHECK(s.bytes() == bytes);
    }

    TEST_CASE("--prune without --owner works within the declared tenants only") {
        Sandbox s;
        setup(s);
        const std::string bytes = s.bytes();
        // A tenant's file removed from the folder: --prune alone leaves the tenant.
        s.write("tenants/acme.yaml", declaration({kAcme}));
        for (const char* command : {"plan", "apply"}) {
            Result r = s.run({command, "--prune", "-f", s.dir() + "/tenants"});
            INFO(command << ": " << r.err);
            CHECK(r.code == 0);
            CHECK(r.out == "No changes.\n");
        }
        CHECK(s.bytes() == bytes);
        // Within a declared tenant, it deletes what the tenant no longer declares.
        s.ok({"apply", "--prune", "-f",
              s.write("tenants/acme.yaml",
                      declaration({"{tenant: acme, profiles: [{name: Default}], users: "
                                   "[{login: bob}]}"}))});
        CHECK(s.ok({"user", "list", "-t", "acme", "-o", "json"}).json().size() == 1);
        CHECK(s.ok({"profile", "list", "-t", "acme", "-o", "json"}).json().size() == 1);
        CHECK(tenants(s) == std::vector<std::string>{"acme", "beta", "delta", "gamma"});
        CHECK(owner_of(s, "acme") == "ci-a"); // kept: no --owner, no change of owner
    }

    TEST_CASE("a tenant another owner manages is a conflict naming it and both ways out; "
              "never taken over") {
        Sandbox s;
        setup(s);
        const std::string file = s.write("b.yaml", declaration({kGamma, kAcme}));
        for (const char* command : {"plan", "apply"})
            for (bool prune : {false, true}) {
                std::vector<std::string> args{command, "--owner", "ci-b", "-f", file};
                if (prune) args.push_back("--prune");
                expect_refused(s, args, 4, "tenant acme is managed by owner ci-a, not ci-b");
                Result r = s.run(args);
                CHECK(r.err.find("b.yaml:") != std::string::npos);
                CHECK(r.err.find("--owner ci-a") != std::string::npos);
                CHECK(r.err.find("chatctl tenant edit acme --owner ci-b") != std::string::npos);
            }
        Json err = s.run({"apply", "--owner", "ci-b", "-f", file, "-o", "json"}).err_json();
        CHECK(err["error"]["kind"] == "conflict");
        CHECK(err["error"]["exit_code"] == 4);
        // Handed over, it is ci-b's: ci-b applies it, ci-a's prune no longer reaches it.
        s.ok({"tenant", "edit", "acme", "--owner", "ci-b"});
        s.ok({"apply", "--owner", "ci-b", "-f", file});
        s.ok({"apply", "--prune", "--owner", "ci-a", "-f", s.write("a.yaml", declaration({}))});
        CHECK(tenants(s) == std::vector<std::string>{"acme", "delta", "gamma"});
        // A tenant of none is taken by the first owner that declares it.
        Result r = s.run({"apply", "--owner", "ci-a", "-f",
                          s.write("d.yaml", declaration({"{tenant: delta}"}))});
        CHECK(r.code == 0);
        CHECK(r.out.find("owner: null -> ci-a") != std::string::npos);
        CHECK(owner_of(s, "delta") == "ci-a");
    }

    TEST_CASE("tenant edit --owner hands a tenant over, --owner '' releases it, revert puts "
              "it back") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        s.ok({"tenant", "edit", "acme", "--owner", "git@example.org:ops/tenants.git"});
        CHECK(owner_of(s, "acme") == "git@example.org:ops/tenants.git");
        Json h = s.ok({"history", "--limit", "1", "-o", "json"}).json();
        CHECK(h[0]["command"] == "tenant edit");
        CHECK(h[0]["before"]["owner"].is_null());
        CHECK(h[0]["after"]["owner"] == "git@example.org:ops/tenants.git");
        s.ok({"tenant", "edit", "acme", "--owner="});
        CHECK(owner_of(s, "acme") == "(none)");
        revert_last(s);
        CHECK(owner_of(s, "acme") == "git@example.org:ops/tenants.git");
        // The same owner again changes nothing; the display name alone keeps the owner.
        CHECK(s.ok({"tenant", "edit", "acme", "--owner", "git@example.org:ops/tenants.git"}).out ==
              "No changes.\n");
        s.ok({"tenant", "edit", "acme", "--display-name", "ACME"});
        CHECK(owner_of(s, "acme") == "git@example.org:ops/tenants.git");
        // A deleted tenant comes back with its owner.
        s.ok({"apply", "--prune", "--owner", "git@example.org:ops/tenants.git", "-f",
              s.write("e.yaml", declaration({}))});
        CHECK(tenants(s).empty());
        revert_last(s);
        CHECK(owner_of(s, "acme") == "git@example.org:ops/tenants.git");
        expect_refused(s, {"tenant", "edit", "acme"}, 64, "give --display-name or --owner");
    }

    TEST_CASE("a malformed owner is invalid input naming --owner; nothing is written") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        const std::string file = s.write("a.yaml", declaration({"{tenant: acme}"}));
        for (const std::string& bad :
             {std::string("two words"), std::string(""), std::string(101, 'o'), std::string("é"),
              std::string("ci\x1b[31m"), std::string("a,b"), std::string("ci#1")}) {
            CAPTURE(bad);
            for (const char* command : {"plan", "apply"})
                expect_refused(s, {command, "--owner", bad, "--prune", "-f", file}, 5, "--owner");
            if (!bad.empty())
                expect_refused(s, {"tenant", "edit", "acme", "--owner", bad}, 5, "--owner");
        }
        Result r = s.run({"apply", "--owner", "ci\x1b[31m", "-f", file});
        CHECK(r.err.find('\x1b') == std::string::npos);
        expect_refused(s, {"apply", "-f", file, "--owner"}, 64);
        // The longest and every mark allowed.
        const std::string longest = std::string(94, 'A') + "._:/@-";
        s.ok({"apply", "--owner", longest, "-f", file});
        CHECK(owner_of(s, "acme") == longest);
    }

    TEST_CASE("a declaration cannot name an owner; export writes none, and applying an "
              "export keeps the owners") {
        Sandbox s;
        setup(s);
        expect_refused(
            s, {"apply", "-f", s.write("o.yaml", declaration({"{tenant: acme, owner: ci-b}"}))}, 5,
            "owner");
        const std::string exported = s.ok({"export"}).out;
        CHECK(exported.find("owner") == std::string::npos);
        CHECK(s.ok({"export", "-o", "json"}).out.find("owner") == std::string::npos);
        const std::string bytes = s.bytes();
        Result r = s.run({"apply", "--prune", "-f", s.write("export.yaml", exported)});
        CHECK(r.out == "No changes.\n");
        CHECK(s.bytes() == bytes);
        // user import, and apply without --owner, leave owners as they are.
        CHECK(s.run({"user", "import", "-t", "acme", "-"}, {}, "login\nzed\n").code == 0);
        s.ok({"apply", "-f",
              s.write("plain.yaml", declaration({"{tenant: beta, display_name: B}"}))});
        CHECK(owner_of(s, "acme") == "ci-a");
        CHECK(owner_of(s, "beta") == "ci-a");
    }

    TEST_CASE("raw SQL: the store refuses an owner out of bounds or with a control; an owner "
              "set by SQL is honoured") {
        Sandbox s;
        setup(s);
        const std::string chr = on_postgres() ? "chr(" : "char(";
        for (const std::string& value : std::vector<std::string>{
                 "''", "'two words'", "'" + std::string(101, 'o') + "'", "'ci' || " + chr + "27)",
                 "'ci' || " + chr + "133)", "'é'", "'a,b'"})
            refused_sql(s, "UPDATE tenants SET owner = " + value + " WHERE key = 'delta'");
        if (!on_postgres()) // PostgreSQL text holds no NUL byte at all
            refused_sql(s, "UPDATE tenants SET owner = 'ci' || char(0) || char(27) WHERE key = "
                           "'delta'");
        // Set by SQL, within bounds: ci-a's prune takes delta too.
        CHECK(s.sql("UPDATE tenants SET owner = 'ci-a' WHERE key = 'delta'").empty());
        s.ok(
            {"apply", "--prune", "--owner", "ci-a", "-f", s.write("a.yaml", declaration({kAcme}))});
        CHECK(tenants(s) == std::vector<std::string>{"acme", "gamma"});
    }

    TEST_CASE("apply writing while it reads keeps the same rules") {
        Sandbox s;
        setup(s);
        // Users in login order, as export writes them: apply writes them as it reads.
        std::string users;
        for (int i = 0; i < 3000; ++i)
            users += std::string(users.empty() ? "" : ", ") + "{login: u" +
                     std::to_string(100000 + i) + "}";
        const std::string big = "{tenant: big, users: [" + users + "]}";
        const std::string file = s.write("big.yaml", declaration({big, kGamma}));
        expect_refused(s, {"apply", "--owner", "ci-a", "-f", file}, 4, "managed by owner ci-b");
        s.ok({"apply", "--prune", "--owner", "ci-b", "-f", file});
        CHECK(owner_of(s, "big") == "ci-b");
        CHECK(tenants(s) == std::vector<std::string>{"acme", "beta", "big", "delta", "gamma"});
        s.ok({"apply", "--prune", "--owner", "ci-b", "-f",
              s.write("big.yaml", declaration({"{tenant: big, users: [" + users + "]}"}))});
        CHECK(tenants(s) == std::vector<std::string>{"acme", "beta", "big", "delta"});
        CHECK(s.ok({"tenant", "show", "big", "-o", "json"}).json()["users"] == 3000);
    }

    TEST_CASE("a version 5 store is read as it is and upgraded by its first write [file]") {
        Sandbox s;
        s.ok({"tenant", "create", "acme"});
        // Back to version 5, as an older chatctl left it.
        CHECK(s.sql("DROP TABLE change_reasons; "
                    "DROP INDEX tenants_by_owner; DROP TRIGGER tenants_owner_guard_insert; "
                    "DROP TRIGGER tenants_owner_guard_update; ALTER TABLE tenants DROP COLUMN "
                    "owner; PRAGMA user_version = 5")
                  .empty());
        const std::string bytes = s.bytes();
        CHECK(owner_of(s, "acme") == "(none)");
        CHECK(s.ok({"tenant", "list", "-o", "json"}).json()[0]["owner"].is_null());
        CHECK(
            s.run({"plan", "--prune", "--owner", "ci-a", "-f", s.write("e.yaml", declaration({}))})
                .code == 0);
        CHECK(s.bytes() == bytes);
        s.ok(
            {"apply", "--owner", "ci-a", "-f", s.write("a.yaml", declaration({"{tenant: acme}"}))});
        CHECK(owner_of(s, "acme") == "ci-a");
        CHECK(s.query("PRAGMA user_version")[0][0] ==
              std::to_string(chatctl::sqlite::schema::current_version()));
        refused_sql(s, "UPDATE tenants SET owner = 'a b'");
        // A store set back to 5 with the owner's index there is damaged, and left as it is.
        CHECK(s.sql("PRAGMA user_version = 5").empty());
        expect_refused(s, {"tenant", "list"}, 6, "tenants_by_owner");
        expect_refused(s, {"tenant", "create", "beta"}, 6, "tenants_by_owner");
    }

} // TEST_SUITE
