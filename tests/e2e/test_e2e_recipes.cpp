// The README's recipes for migrating off another platform, each run as written on a
// fixture in the shape of that platform's export (examples/migrations/).
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

const std::string kMigrations = std::string(CHATCTL_SOURCE_DIR) + "/examples/migrations/";

// The declaration the README's jq recipe makes of the Amazon Connect routing profiles.
std::string connect_declaration() {
    Result jq = run_binary({"/usr/bin/jq", "-s", "--arg", "tenant", "acme", "-f",
                            kMigrations + "connect-profiles.jq",
                            kMigrations + "connect-routing-profile-sales.json",
                            kMigrations + "connect-routing-profile-support.json"},
                           {}, "");
    REQUIRE(jq.code == 0);
    return jq.out;
}

} // namespace

TEST_SUITE("csv") {

    TEST_CASE("recipe: Amazon Connect routing profiles through jq, then its user upload CSV") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        s.ok({"apply", "-f", s.write("profiles.json", connect_declaration())});
        const Json profiles = s.ok({"profile", "list", "-t", "acme", "-o", "json"}).json();
        std::map<std::string, int> chats;
        for (const Json& p : profiles)
            chats[p["name"]] = p["max_concurrent_chats"];
        CHECK(chats ==
              std::map<std::string, int>{{"Default", 3}, {"Sales Chat", 4}, {"Support Chat", 2}});
        Result r = s.run({"user", "import", "-t", "acme", kMigrations + "amazon-connect-users.csv",
                          "--ignore-unknown-columns", "--map", "name={first name} {last name}",
                          "--map", "login=user login", "--map", "profile=routing profile name"});
        CHECK(r.code == 0);
        CHECK(r.out.find("Pa55word") == std::string::npos);
        CHECK(users_of(s, "acme") ==
              std::map<std::string, std::string>{{"ada.lovelace", "Ada Lovelace|-|Sales Chat"},
                                                 {"alan.turing", "Alan Turing|-|Support Chat"},
                                                 {"grace.hopper", "Grace Hopper|-|Sales Chat"}});
        // The declaration jq writes is in sync once applied.
        CHECK(s.run({"plan", "-f", s.write("again.json", connect_declaration())}).code == 0);
    }

    TEST_CASE("recipe: a Genesys Cloud people CSV, the email as login") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        CHECK(s.run({"user", "import", "-t", "acme", kMigrations + "genesys-cloud-users.csv",
                     "--map", "login=email", "--ignore-unknown-columns"})
                  .code == 0);
        CHECK(users_of(s, "acme") ==
              std::map<std::string, std::string>{
                  {"ada@acme.example", "Ada Lovelace|ada@acme.example|Default"},
                  {"alan@acme.example", "Alan Turing|alan@acme.example|Default"},
                  {"grace@acme.example", "Grace Hopper|grace@acme.example|Default"}});
    }

    TEST_CASE("recipe: a Zendesk agents CSV, the external id as login") {
        Sandbox s;
        s.ok({"tenant", "create", "acme", "-q"});
        CHECK(s.run({"user", "import", "-t", "acme", kMigrations + "zendesk-agents.csv", "--map",
                     "login=external_id", "--ignore-unknown-columns"})
                  .code == 0);
        CHECK(users_of(s, "acme") == std::map<std::string, std::string>{
                                         {"emp1000", "Grace Hopper|grace@acme.example|Default"},
                                         {"emp1001", "Ada Lovelace|ada@acme.example|Default"},
                                         {"emp1002", "Alan Turing|alan@acme.example|Default"}});
    }
}
