// chatctl user: R5, R6, the user bounds, and commands on several logins (all or none).
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

Sandbox& setup(Sandbox& s) {
    s.ok({"tenant", "create", "acme"});
    s.ok({"profile", "add", "Experts", "-t", "acme"});
    s.ok({"tenant", "create", "beta"});
    s.ok({"profile", "add", "BetaOnly", "-t", "beta"});
    return s;
}

std::string profile_of(const Sandbox& s, const std::string& login) {
    return s.ok({"user", "show", login, "-t", "acme", "-o", "json"}).json()["profile"];
}

} // namespace

TEST_SUITE("user") {

    TEST_CASE("a new user gets the tenant default unless a profile is named (R5)") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", "alice", "-t", "acme", "--name", "Alice Martin", "--email",
              "alice@acme.example"});
        s.ok({"user", "add", "bob", "-t", "acme", "--profile", "experts"});
        Json alice = s.ok({"user", "show", "ALICE", "-t", "acme", "-o", "json"}).json();
        CHECK(alice == Json::parse(R"({"tenant":"acme","login":"alice","name":"Alice Martin",
                                   "email":"alice@acme.example","profile":"Default"})"));
        CHECK(profile_of(s, "bob") == "Experts");
        expect_refused(s, {"user", "add", "carol", "-t", "acme", "--profile", "Nope"}, 3, "Nope");
    }

    TEST_CASE("a user's profile belongs to the user's tenant (R6)") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", "alice", "-t", "acme"});
        expect_refused(s, {"user", "add", "bob", "-t", "acme", "--profile", "BetaOnly"}, 3);
        expect_refused(s, {"user", "assign", "alice", "-t", "acme", "--profile", "BetaOnly"}, 3);
        expect_refused(s, {"user", "show", "alice", "-t", "beta"}, 3);
        expect_refused(s, {"user", "delete", "alice", "-t", "beta"}, 3);
    }

    TEST_CASE("logins are unique per tenant, case-insensitively (R9), and free across tenants") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", "alice", "-t", "acme"});
        expect_refused(s, {"user", "add", "ALICE", "-t", "acme"}, 4, "already exists");
        s.ok({"user", "add", "alice", "-t", "beta"});
    }

    TEST_CASE("login, name and email bounds") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", std::string(128, 'a'), "-t", "acme"});
        s.ok({"user", "add", "A.b_c@d+e-f", "-t", "acme"});
        for (std::string bad : {std::string(129, 'b'), std::string("al ice"), std::string("alice!"),
                                std::string("é"), std::string("a;b"), std::string("")}) {
            CAPTURE(bad);
            expect_refused(s, {"user", "add", bad, "-t", "acme"}, 5, "LOGIN");
        }
        for (std::string bad : {std::string("nope"), std::string("a b@c.d"), std::string("a@"),
                                std::string("@b"), std::string(250, 'x') + "@b.cd"}) {
            CAPTURE(bad);
            expect_refused(s, {"user", "add", "u1", "-t", "acme", "--email", bad}, 5, "--email");
        }
        expect_refused(s, {"user", "add", "u1", "-t", "acme", "--name", std::string(201, 'n')}, 5,
                       "--name");
        expect_refused(s, {"user", "add", "u1", "-t", "acme", "--name", "a\tb"}, 5, "--name");
        s.ok({"user", "add", "u1", "-t", "acme", "--name", std::string(200, 'n'), "--email",
              std::string(240, 'x') + "@b.cd"});
    }

    TEST_CASE("edit changes and clears name and email") {
        Sandbox s;
        setup(s);
        s.ok({"user", "add", "alice", "-t", "acme", "--name", "A"});
        s.ok({"user", "edit", "alice", "-t", "acme", "--name", "Alice", "--email", "a@x.y"});
        Json u = s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json();
        CHECK(u["name"] == "Alice");
        CHECK(u["email"] == "a@x.y");
        s.ok({"user", "edit", "alice", "-t", "acme", "--email", ""});
        CHECK(
            s.ok({"user", "show", "alice", "-t", "acme", "-o", "json"}).json()["email"].is_null());
        expect_refused(s, {"user", "edit", "alice", "-t", "acme"}, 64, "nothing to change");
        expect_refused(s, {"user", "edit", "nobody", "-t", "acme", "--name", "x"}, 3);
    }

    TEST_CASE("assign several logins acts on all or on none") {
        Sandbox s;
        setup(s);
        for (const char* u : {"a", "b", "c"})
            s.ok({"user", "add", u, "-t", "acme"});
        expect_refused(s,
                       {"user", "assign", "a", "b", "ghost", "-t", "acme", "--profile", "Experts"},
                       3, "ghost");
        CHECK(profile_of(s, "a") == "Default");
        s.ok({"user", "assign", "a", "B", "a", "-t", "acme", "--profile", "experts"});
        CHECK(profile_of(s, "a") == "Experts");
        CHECK(profile_of(s, "b") == "Experts");
        CHECK(profile_of(s, "c") == "Default");
    }

    TEST_CASE("assign --from-profile moves every user of a profile") {
        Sandbox s;
        setup(s);
        for (const char* u : {"a", "b"})
            s.ok({"user", "add", u, "-t", "acme"});
        s.ok({"user", "add", "x", "-t", "acme", "--profile", "Experts"});
        s.ok({"user", "assign", "--from-profile", "default", "-t", "acme", "--profile", "Experts"});
        CHECK(s.ok({"user", "list", "-t", "acme", "--profile", "Experts", "-o", "json"})
                  .json()
                  .size() == 3);
        expect_refused(
            s, {"user", "assign", "--from-profile", "Nope", "-t", "acme", "--profile", "Default"},
            3);
        expect_refused(s,
                       {"user", "assign", "a", "--from-profile", "Experts", "-t", "acme",
                        "--profile", "Default"},
                       64);
        expect_refused(s, {"user", "assign", "-t", "acme", "--profile", "Default"}, 64);
        expect_refused(s, {"user", "assign", "a", "-t", "acme"}, 64, "--profile");
    }

    TEST_CASE("delete several logins acts on all or on none") {
        Sandbox s;
        setup(s);
        for (const char* u : {"a", "b", "c"})
            s.ok({"user", "add", u, "-t", "acme"});
        expect_refused(s, {"user", "delete", "a", "ghost", "-t", "acme"}, 3);
        s.ok({"user", "delete", "a", "b", "-t", "acme"});
        Json list = s.ok({"user", "list", "-t", "acme", "-o", "json"}).json();
        REQUIRE(list.size() == 1);
        CHECK(list[0]["login"] == "c");
        expect_refused(s, {"user", "delete", "-t", "acme"}, 64);
    }

    TEST_CASE("list is sorted case-insensitively, then by code point; --profile filters") {
        Sandbox s;
        setup(s);
        for (const char* u : {"bob", "Alice", "alice2", "Bob2", "carl"})
            s.ok({"user", "add", u, "-t", "acme"});
        s.ok({"user", "assign", "carl", "-t", "acme", "--profile", "Experts"});
        Json list = s.ok({"user", "list", "-t", "acme", "-o", "json"}).json();
        std::vector<std::string> logins;
        for (const auto& u : list)
            logins.push_back(u["login"]);
        CHECK(logins == std::vector<std::string>{"Alice", "alice2", "bob", "Bob2", "carl"});
        Json experts =
            s.ok({"user", "list", "-t", "acme", "--profile", "EXPERTS", "-o", "json"}).json();
        REQUIRE(experts.size() == 1);
        CHECK(experts[0]["login"] == "carl");
        expect_refused(s, {"user", "list", "-t", "acme", "--profile", "Nope"}, 3);
    }

} // TEST_SUITE
