// chatctl simulate through the command line: the tenant's agents read from the store,
// what-ifs that write nothing, every output format, and bad values refused.
#include "harness.hpp"

#include <doctest/doctest.h>

using namespace e2e;

namespace {

// A tenant of 14 agents taking one chat each without wrap-up: the published example.
void example(const Sandbox& s) {
    s.ok({"tenant", "create", "acme", "-q"});
    s.ok({"profile", "edit", "Default", "-t", "acme", "--max-chats", "1", "--wrap-up", "0", "-q"});
    std::string csv = "login\n";
    for (int i = 0; i < 14; ++i)
        csv += "a" + std::to_string(i) + "\n";
    REQUIRE(s.run({"user", "import", "-t", "acme", "-q", "-"}, {}, csv).code == 0);
}

std::vector<std::string> quick(std::vector<std::string> args) {
    args.insert(args.end(), {"--replications", "5", "--duration", "2h", "-o", "json"});
    return args;
}

const Json& tenant_figures(const Json& scenario) {
    return scenario["figures"][0];
}

} // namespace

TEST_SUITE("simulate") {

    TEST_CASE("the published example, read from the store: exact, and 14 agents is the fewest") {
        Sandbox s;
        example(s);
        Json r = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m",
                             "--target", "80/20s", "--solve"}))
                     .json();
        REQUIRE(r["scenarios"].size() == 1);
        const Json& current = r["scenarios"][0];
        CHECK(current["scenario"] == "current");
        CHECK(current["method"] == "exact");
        const Json& t = tenant_figures(current);
        CHECK(t["agents"] == 14);
        CHECK(t["slots"] == 14);
        CHECK(t["wait_probability"]["value"].get<double>() ==
              doctest::Approx(0.1741).epsilon(0.001));
        CHECK(t["wait_probability"]["method"] == "exact");
        CHECK(t["wait_probability"]["low"].is_null());
        CHECK(t["service_level"]["value"].get<double>() == doctest::Approx(0.888).epsilon(0.001));
        CHECK(t["asa_seconds"]["value"].get<double>() == doctest::Approx(7.84).epsilon(0.002));
        CHECK(t["slot_utilisation"]["value"].get<double>() ==
              doctest::Approx(0.714).epsilon(0.001));
        CHECK(t["agent_busy_share"]["method"] == "simulated");
        CHECK(current["meets_target"] == true);
        CHECK(current["approximation"].is_null());
        CHECK(r["solved"]["figures"][0]["agents"] == 14);
        CHECK(r["target"]["share"] == 0.8);
    }

    TEST_CASE("wrap-up holds a slot: simulated, with the Erlang C figure as an approximation") {
        Sandbox s;
        example(s);
        s.ok({"profile", "edit", "Default", "-t", "acme", "--wrap-up", "60"});
        std::string before = s.dump();
        Json r = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m",
                             "--set", "default.wrap_up_seconds=30", "--target", "80/20s"}))
                     .json();
        CHECK(s.dump() == before); // a what-if writes nothing
        REQUIRE(r["scenarios"].size() == 2);
        const Json& now = r["scenarios"][0];
        const Json& what_if = r["scenarios"][1];
        CHECK(now["method"] == "simulated");
        CHECK(now["approximation"]["method"] == "erlang_c");
        CHECK(what_if["profiles"][0]["wrap_up_seconds"] == 30);
        const Json& a = tenant_figures(now)["service_level"];
        const Json& b = tenant_figures(what_if)["service_level"];
        CHECK(a["low"].get<double>() <= a["value"].get<double>());
        CHECK(a["high"].get<double>() >= a["value"].get<double>());
        // 240 s of hold on 14 slots is more than the 200/h offered: no target is met.
        CHECK(a["value"].get<double>() < b["value"].get<double>());
        CHECK(now["meets_target"] == false);
        // The same seed, the same figures to the last digit; another seed, others.
        Json again = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m",
                                 "--set", "default.wrap_up_seconds=30", "--target", "80/20s"}))
                         .json();
        CHECK(again == r);
        Json other = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m",
                                 "--target", "80/20s", "--seed", "9"}))
                         .json();
        CHECK(other["scenarios"][0] != now);
    }

    TEST_CASE("--agents and -f: what-ifs on the agents, a declaration before it is applied") {
        Sandbox s;
        example(s);
        Json r = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m",
                             "--agents", "Default=20"}))
                     .json();
        CHECK(tenant_figures(r["scenarios"][1])["agents"] == 20);
        std::string decl = s.write("d.yaml", "tenants:\n  - tenant: acme\n    profiles:\n"
                                             "      - name: Default\n        default: true\n"
                                             "        max_concurrent_chats: 2\n"
                                             "        wrap_up_seconds: 0\n"
                                             "      - name: Experts\n"
                                             "        max_concurrent_chats: 3\n"
                                             "        wrap_up_seconds: 0\n"
                                             "    users:\n      - login: x1\n"
                                             "        profile: Experts\n");
        std::string before = s.dump();
        r = s.ok(quick(
                     {"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m", "-f", decl}))
                .json();
        CHECK(s.dump() == before);
        const Json& what_if = r["scenarios"][1];
        CHECK(tenant_figures(what_if)["agents"] == 15);
        CHECK(tenant_figures(what_if)["slots"] == 31); // 14 x 2 + 1 x 3
        CHECK(what_if["method"] == "simulated");       // max chats differ
        r = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "20/h", "--talk", "3m", "-f", decl,
                        "--prune"}))
                .json();
        CHECK(tenant_figures(r["scenarios"][1])["agents"] == 1);
    }

    TEST_CASE("-o csv, yaml and table") {
        Sandbox s;
        example(s);
        std::vector<std::string> args{
            "simulate",       "-t", "acme",       "--arrivals", "200/h",    "--talk", "3m",
            "--replications", "3",  "--duration", "1h",         "--target", "80/20s"};
        auto with = [&](const char* format) {
            std::vector<std::string> a = args;
            a.insert(a.end(), {"-o", format});
            return s.ok(a).out;
        };
        std::string csv = with("csv");
        CHECK(csv.rfind("scenario,scope,figure,value,low,high,method\n", 0) == 0);
        CHECK(csv.find("current,tenant,wait_probability,0.17") != std::string::npos);
        CHECK(csv.find(",exact\n") != std::string::npos);
        CHECK(csv.find("current,Default,agent_busy_share,") != std::string::npos);
        CHECK(with("yaml").find("scenario: current") != std::string::npos);
        std::string table = with("table");
        CHECK(table.find("P(wait)") != std::string::npos);
        CHECK(table.find("17.41%") != std::string::npos);
        CHECK(table.find("target: met") != std::string::npos);
        CHECK(s.ok({"simulate", "--help"}).out.find("ASA") != std::string::npos);
    }

    TEST_CASE("bad values, unknown names, loads that never settle: refused") {
        Sandbox s;
        example(s);
        const std::vector<std::string> base{"simulate", "-t", "acme", "--talk", "3m"};
        auto refused = [&](std::vector<std::string> extra, int code, const std::string& message) {
            std::vector<std::string> args = base;
            args.insert(args.end(), extra.begin(), extra.end());
            expect_refused(s, args, code, message);
        };
        refused({"--arrivals", "150"}, 5, "--arrivals");
        refused({"--arrivals", "150/d"}, 5, "--arrivals");
        refused({"--arrivals=-3/h"}, 5, "--arrivals");
        refused({"--arrivals", "0/h"}, 5, "--arrivals");
        refused({"--arrivals", "1/h", "--talk-dist", "gamma"}, 5, "--talk-dist");
        refused({"--arrivals", "1/h", "--talk-dist", "lognormal:0"}, 5, "--talk-dist");
        refused({"--arrivals", "1/h", "--patience", "1.5m"}, 5, "--patience");
        refused({"--arrivals", "1/h", "--target", "80"}, 5, "--target");
        refused({"--arrivals", "1/h", "--target", "120/20s"}, 5, "--target");
        refused({"--arrivals", "1/h", "--solve"}, 64, "--solve needs --target");
        refused({"--arrivals", "1/h", "--replications", "1"}, 5, "--replications");
        refused({"--arrivals", "1/h", "--agents", "Defualt=3"}, 3, "did you mean \"Default\"?");
        refused({"--arrivals", "1/h", "--agents", "Default"}, 5, "PROFILE=N");
        refused({"--arrivals", "1/h", "--set", "Default.max_concurrent_chats=26"}, 5,
                "max_concurrent_chats");
        refused({"--arrivals", "1/h", "--set", "Default.colour=3"}, 5, "--set");
        refused({"--arrivals", "1/h", "--prune"}, 64, "--prune goes with -f");
        // 600 chats an hour of 3 minutes is 30 Erlangs on 14 slots.
        refused({"--arrivals", "600/h"}, 5, "waits would grow without end");
        refused({"--arrivals", "1/h", "--agents", "Default=0"}, 5, "has no agent");
        expect_refused(s, {"simulate", "-t", "nope", "--arrivals", "1/h", "--talk", "3m"}, 3,
                       "nope");
        expect_refused(s, {"simulate", "-t", "acme", "--talk", "3m"}, 64, "--arrivals");
        // Patience makes any load settle: visitors leave.
        Json r = s.ok(quick({"simulate", "-t", "acme", "--arrivals", "600/h", "--talk", "3m",
                             "--patience", "1m"}))
                     .json();
        CHECK(tenant_figures(r["scenarios"][0])["abandonment"]["value"].get<double>() > 0.3);
        CHECK(r["scenarios"][0]["method"] == "exact"); // Erlang A
    }

} // TEST_SUITE
