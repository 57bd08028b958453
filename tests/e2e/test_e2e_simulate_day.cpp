// chatctl simulate --arrivals-profile (a day of intervals, each sized to the target) and
// --plot (an SVG picture): intervals checked against Erlang C's closed form, totals and
// shrinkage, bad files refused at their lines, every output format, and the picture read
// back as XML.
#include "harness.hpp"
#include "xml_check.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>

using namespace e2e;

namespace {

const std::string kProfile = "start,arrivals\n08:00,40\n08:30,90\n09:00,150\n09:30,0\n"
                             "10:00,123.5\n10:30,7\n";

// Erlang C by its closed form (Erlang B's recursion, then C from B), and the service level
// of M/M/N: 1 - C(N, A) e^{-(N - A) T / h}.
double erlang_c(int n, double a) {
    double b = 1;
    for (int k = 1; k <= n; ++k)
        b = a * b / (k + a * b);
    return n * b / (n - a * (1 - b));
}
double service_level(int n, double a, double hold, double target) {
    return 1 - erlang_c(n, a) * std::exp(-(n - a) * target / hold);
}
int fewest(double a, double hold, double share, double target) {
    int n = static_cast<int>(std::floor(a)) + 1;
    while (service_level(n, a, hold, target) < share)
        ++n;
    return n;
}

std::vector<std::string> day_args(const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args{
        "simulate", "--pool",     "0",      "--max-chats",        "1",  "--talk",
        "3m",       "--target",   "80/20s", "--arrivals-profile", file, "--replications",
        "5",        "--duration", "1h"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

xml::Element svg_of(const std::string& path) {
    std::string text = slurp(path);
    REQUIRE(!text.empty());
    xml::Element root = xml::parse(text);
    CHECK(root.name == "svg");
    CHECK(root.attributes["xmlns"] == "http://www.w3.org/2000/svg");
    CHECK(root.attributes["width"] == "800");
    CHECK(root.attributes["height"] == "450");
    CHECK(root.find("id", "title") != nullptr);
    CHECK(root.find("id", "axes") != nullptr);
    return root;
}

} // namespace

TEST_SUITE("simulate") {

    TEST_CASE("a day of intervals: each interval the fewest agents Erlang C says, and totals") {
        Sandbox s;
        std::string file = s.write("day.csv", kProfile);
        Json r = s.ok(day_args(file, {"-o", "json"})).json();
        CHECK(r["interval_seconds"] == 1800);
        CHECK(r["target"]["share"] == 0.8);
        CHECK(r["load"]["talk_seconds"] == 180);
        CHECK(r["run"]["replications"] == 5);
        const Json& rows = r["intervals"];
        REQUIRE(rows.size() == 6);
        double agent_hours = 0;
        int peak = 0;
        const std::vector<double> chats{40, 90, 150, 0, 123.5, 7};
        for (size_t i = 0; i < rows.size(); ++i) {
            CAPTURE(i);
            const Json& row = rows[i];
            CHECK(row["arrivals"] == chats[i]);
            const double a = chats[i] / 1800 * 180; // Erlangs
            const int agents = row["agents"];
            agent_hours += agents * 0.5;
            peak = std::max(peak, agents);
            if (chats[i] == 0) {
                CHECK(agents == 0);
                CHECK(row["service_level"].is_null());
                CHECK(row["method"].is_null());
                continue;
            }
            CHECK(agents == fewest(a, 180, 0.8, 20));
            CHECK(row["method"] == "exact");
            CHECK(row["service_level"]["value"].get<double>() ==
                  doctest::Approx(service_level(agents, a, 180, 20)).epsilon(1e-6));
            CHECK(row["service_level"]["low"].is_null());
            CHECK(row["asa_seconds"]["value"].get<double>() ==
                  doctest::Approx(erlang_c(agents, a) * 180 / (agents - a)).epsilon(1e-6));
            CHECK(row["occupancy"]["value"].get<double>() == doctest::Approx(a / agents));
            CHECK(row["scheduled"].is_null());
        }
        CHECK(rows[0]["start"] == "08:00");
        CHECK(rows[0]["end"] == "08:30");
        CHECK(rows[5]["end"] == "11:00");
        const Json& t = r["totals"];
        CHECK(t["intervals"] == 6);
        CHECK(t["arrivals"].get<double>() == doctest::Approx(410.5));
        CHECK(t["agent_hours"].get<double>() == doctest::Approx(agent_hours));
        CHECK(t["peak_agents"] == peak);
        CHECK(t["scheduled_hours"].is_null());
    }

    TEST_CASE("a day read from the store: the tenant's pools, standard input, nothing written") {
        Sandbox s;
        fourteen_agents(s);
        std::string before = s.dump();
        Result r = s.run({"simulate", "-t", "acme", "--talk", "3m", "--target", "80/20s",
                          "--arrivals-profile", "-", "--replications", "5", "--duration", "1h",
                          "-o", "json"},
                         {}, kProfile);
        REQUIRE(r.code == 0);
        Json doc = r.json();
        CHECK(doc["tenant"] == "acme");
        CHECK(doc["arrivals_profile"] == "-");
        CHECK(doc["profiles"][0]["profile"] == "Default");
        CHECK(doc["intervals"][2]["agents"] == fewest(15, 180, 0.8, 20));
        CHECK(doc["intervals"][2]["profiles"][0]["agents"] == doc["intervals"][2]["agents"]);
        CHECK(s.dump() == before);
    }

    TEST_CASE("--shrinkage: agents scheduled per interval, rounded up, and in the totals") {
        Sandbox s;
        std::string file = s.write("day.csv", kProfile);
        Json r = s.ok(day_args(file, {"--shrinkage", "30%", "-o", "json"})).json();
        CHECK(r["shrinkage"].get<double>() == doctest::Approx(0.3));
        double hours = 0;
        int peak = 0;
        for (const auto& row : r["intervals"]) {
            const int agents = row["agents"], scheduled = row["scheduled"];
            // Exactly: the fewest whole agents of whom 70% are at least `agents`.
            CHECK(scheduled * 7 >= agents * 10);
            CHECK((scheduled - 1) * 7 < agents * 10);
            hours += scheduled * 0.5;
            peak = std::max(peak, scheduled);
        }
        CHECK(r["intervals"][0]["agents"] == 7);
        CHECK(r["intervals"][0]["scheduled"] == 10); // 7 / 0.7, not 11
        CHECK(r["totals"]["scheduled_hours"].get<double>() == doctest::Approx(hours));
        CHECK(r["totals"]["peak_scheduled"] == peak);
        std::string table = s.ok(day_args(file, {"--shrinkage", "30"})).out;
        CHECK(table.find("SCHEDULED") != std::string::npos);
        CHECK(table.find("agent-hours") != std::string::npos);
        CHECK(table.find("30.00% shrinkage") != std::string::npos);
        expect_refused(s, day_args(file, {"--shrinkage", "100"}), 5, "--shrinkage");
    }

    TEST_CASE("-o csv, yaml and table of a day; a simulated day has intervals") {
        Sandbox s;
        std::string file = s.write("day.csv", kProfile);
        std::string csv = s.ok(day_args(file, {"-o", "csv"})).out;
        CHECK(csv.rfind("start,end,arrivals,agents,scheduled,service_level,asa_seconds,"
                        "occupancy,method\n",
                        0) == 0);
        CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);
        CHECK(csv.find("\n08:00,08:30,40,7,,0.9") != std::string::npos);
        CHECK(csv.find("\n09:30,10:00,0,0,,,,,\n") != std::string::npos);
        CHECK(s.ok(day_args(file, {"-o", "yaml"})).out.find("intervals:") != std::string::npos);
        std::string table = s.ok(day_args(file)).out;
        CHECK(table.find("START") != std::string::npos);
        CHECK(table.find("Exact (birth-death chain)") != std::string::npos);
        // A wrap-up: simulated, each figure with its interval.
        Json r = s.ok({"simulate", "--pool", "0", "--max-chats", "3", "--wrap-up", "30s", "--talk",
                       "3m", "--target", "80/20s", "--arrivals-profile", file, "--replications",
                       "5", "--duration", "1h", "-o", "json"})
                     .json();
        const Json& busy = r["intervals"][2];
        CHECK(busy["method"] == "simulated");
        CHECK(busy["service_level"]["low"].get<double>() <=
              busy["service_level"]["value"].get<double>());
        CHECK(busy["service_level"]["value"].get<double>() >= 0.8);
    }

    TEST_CASE("a bad profile is refused at its line, the store unchanged") {
        Sandbox s;
        fourteen_agents(s);
        auto refused = [&](const std::string& text, int code, const std::string& message,
                           std::vector<std::string> more = {}) {
            std::string file = s.write("p.csv", text);
            std::vector<std::string> args{"simulate", "-t",       "acme",   "--talk",
                                          "3m",       "--target", "80/20s", "--arrivals-profile",
                                          file};
            args.insert(args.end(), more.begin(), more.end());
            CAPTURE(text);
            expect_refused(s, args, code, message);
        };
        refused("start,arrivals\n08:00,40\n8:3O,90\n", 5, "p.csv:3:1: error: start must be");
        refused("start,arrivals\n08:00,40\n08:30,-5\n", 5, "p.csv:3:7: error: arrivals must be");
        refused("start,arrivals\n08:00,40\n08:30,5,6\n", 5, "p.csv:3:1: error: a row is");
        refused("start,arrivals\n08:30,40\n08:00,5\n", 5, "p.csv:3:1: error: start 08:00 is not");
        refused("start,arrivals\n08:00,40\n08:30,5\n09:30,5\n", 5,
                "p.csv:4:1: error: start 09:30 is 60 minutes after 08:30");
        refused("start,arrivals\n08:00,40\n08:30,5\n", 5, "not the 60 of --interval",
                {"--interval", "1h"});
        refused("start,arrivals\n23:00,40\n23:45,5\n", 5, "p.csv:3:1: error: the last interval");
        refused("begin,count\n08:00,40\n", 5, "p.csv:1:1: error: the header");
        refused("", 5, "p.csv: error: is empty");
        refused("start,arrivals\n", 5, "has no interval");
        refused("start,arrivals\n08:00,40\n", 64, "--interval");
        refused("start,arrivals\n08:00,\"40\n", 5, "p.csv:2:");
        expect_refused(s,
                       {"simulate", "-t", "acme", "--talk", "3m", "--target", "80/20s",
                        "--arrivals-profile", s.dir() + "/missing.csv"},
                       5, "missing.csv");
        // One row with --interval is a day of one interval.
        std::string one = s.write("one.csv", "start,arrivals\n12:00,150\n");
        Json r = s.ok({"simulate", "-t", "acme", "--talk", "3m", "--target", "80/20s",
                       "--arrivals-profile", one, "--interval", "30m", "--replications", "5",
                       "--duration", "1h", "-o", "json"})
                     .json();
        CHECK(r["intervals"][0]["end"] == "12:30");
        CHECK(r["intervals"][0]["agents"] == fewest(15, 180, 0.8, 20));
    }

    TEST_CASE("the options of a day and of --plot: usage, and empty values invalid") {
        Sandbox s;
        std::string file = s.write("day.csv", kProfile);
        const std::vector<std::string> pool{"simulate", "--pool", "3", "--max-chats",
                                            "1",        "--talk", "3m"};
        auto with = [&](std::vector<std::string> more) {
            std::vector<std::string> args = pool;
            args.insert(args.end(), more.begin(), more.end());
            return args;
        };
        expect_refused(s, with({"--arrivals", "1/h", "--arrivals-profile", file}), 64,
                       "no --arrivals");
        expect_refused(s, with({"--arrivals-profile", file}), 64, "needs --target");
        expect_refused(s, with({"--target", "80/20s"}), 64, "--arrivals is required");
        expect_refused(s, with({"--arrivals", "1/h", "--interval", "30m"}), 64, "--interval");
        expect_refused(s, with({"--arrivals", "1/h", "--shrinkage", "3"}), 64, "--shrinkage");
        expect_refused(s, with({"--arrivals", "1/h", "--plot", s.dir() + "/x.svg"}), 64,
                       "--plot draws a --solve or an --arrivals-profile");
        for (const char* empty : {"--interval=", "--shrinkage=", "--plot="})
            expect_refused(s, with({"--target", "80/20s", "--arrivals-profile", file, empty}), 5,
                           std::string(empty).substr(0, std::string(empty).size() - 1));
        expect_refused(s, with({"--target", "80/20s", "--arrivals-profile=", "-q"}), 5,
                       "--arrivals-profile");
        expect_refused(s, with({"--arrivals="}), 5, "--arrivals");
        expect_refused(
            s, with({"--target", "80/20s", "--arrivals-profile", file, "--interval", "90s"}), 5,
            "whole minutes");
    }

    TEST_CASE("--plot of a day: an SVG with a bar per interval and the scheduled agents") {
        Sandbox s;
        std::string file = s.write("day.csv", kProfile);
        std::string svg = s.dir() + "/day.svg";
        Json r = s.ok(day_args(file, {"--shrinkage", "30", "--plot", svg, "-o", "json"})).json();
        CHECK(r["intervals"].size() == 6); // stdout is the document still
        xml::Element root = svg_of(svg);
        CHECK(root.count("class", "bar") == 6);
        CHECK(root.find("id", "scheduled") != nullptr);
        CHECK(root.find("id", "legend") != nullptr);
        CHECK(std::filesystem::directory_iterator(s.dir()) !=
              std::filesystem::directory_iterator());
        for (const auto& entry : std::filesystem::directory_iterator(s.dir()))
            CHECK(entry.path().filename().string().find(".chatctl-") == std::string::npos);
        // Again, over it, without shrinkage: no scheduled line.
        s.ok(day_args(file, {"--plot", svg}));
        CHECK(svg_of(svg).find("id", "scheduled") == nullptr);
    }

    TEST_CASE("--plot of a tenant of two profiles: their names escaped in the picture") {
        Sandbox s;
        fourteen_agents(s);
        const std::string name = "R&D <\"lab\">";
        s.ok({"profile", "add", name, "-t", "acme", "--max-chats", "1", "--wrap-up", "0", "-q"});
        for (const char* login : {"r1", "r2"})
            s.ok({"user", "add", login, "-t", "acme", "--profile", name, "-q"});
        std::string file = s.write("day.csv", kProfile);
        std::string svg = s.dir() + "/day.svg";
        Json r = s.ok({"simulate", "-t", "acme", "--talk", "3m", "--target", "80/20s",
                       "--arrivals-profile", file, "--plot", svg, "--replications", "5",
                       "--duration", "1h", "-o", "json"})
                     .json();
        const Json& busy = r["intervals"][2];
        CHECK(busy["agents"] == fewest(15, 180, 0.8, 20)); // alike slots: one chain still
        REQUIRE(busy["profiles"].size() == 2);
        CHECK(busy["profiles"][0]["agents"].get<int>() + busy["profiles"][1]["agents"].get<int>() ==
              busy["agents"]);
        xml::Element root = svg_of(svg);
        CHECK(root.count("class", "bar") == 6);
        CHECK(slurp(svg).find("R&amp;D &lt;&quot;lab&quot;&gt; ") != std::string::npos);
        svg = s.dir() + "/solve.svg";
        s.ok({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m", "--target", "80/20s",
              "--solve", "--plot", svg, "--replications", "5", "--duration", "1h"});
        CHECK(svg_of(svg).count("class", "service-level-point") == 9);
        CHECK(slurp(svg).find("R&amp;D &lt;&quot;lab&quot;&gt; ") != std::string::npos);
    }

    TEST_CASE("--plot of a solve: service level and ASA against agents, target and answer") {
        Sandbox s;
        fourteen_agents(s);
        std::string svg = s.dir() + "/solve.svg";
        Json r = s.ok({"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m", "--target",
                       "80/20s", "--solve", "--plot", svg, "--replications", "5", "--duration",
                       "1h", "-o", "json"})
                     .json();
        CHECK(r["solved"]["figures"][0]["agents"] == 14);
        xml::Element root = svg_of(svg);
        // 9 to 19 agents around the answer, 10 Erlangs: 9 and 10 agents have no steady state.
        CHECK(root.count("class", "service-level-point") == 9);
        CHECK(root.count("class", "asa-point") == 9);
        const xml::Element* target = root.find("id", "target");
        REQUIRE(target != nullptr);
        CHECK(target->attributes.at("y1") == target->attributes.at("y2")); // horizontal
        const xml::Element* answer = root.find("id", "answer");
        REQUIRE(answer != nullptr);
        CHECK(answer->attributes.at("x1") == answer->attributes.at("x2")); // vertical
        CHECK(root.find("id", "service-level") != nullptr);
        CHECK(slurp(svg).find("Tenant acme") != std::string::npos);
    }

    TEST_CASE("an unwritable --plot path is refused before any work, nothing written") {
        Sandbox s;
        fourteen_agents(s);
        std::string file = s.write("day.csv", kProfile);
        for (const std::string& path :
             {s.dir() + "/missing/day.svg", s.dir(), file + "/day.svg", std::string("-")}) {
            CAPTURE(path);
            Result r = s.run({"simulate", "-t", "acme", "--talk", "3m", "--target", "80/20s",
                              "--arrivals-profile", file, "--plot", path});
            CHECK(r.code == 5);
            CHECK(r.out.empty());
            CHECK(r.err.find("--plot") != std::string::npos);
        }
        CHECK(!std::filesystem::exists(s.dir() + "/missing"));
        expect_refused(s,
                       {"simulate", "-t", "acme", "--arrivals", "200/h", "--talk", "3m", "--target",
                        "80/20s", "--solve", "--plot", s.dir() + "/no/x.svg"},
                       5, "cannot write");
    }

} // TEST_SUITE
