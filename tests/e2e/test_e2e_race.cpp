// Readers racing writers: while writers create and delete a tenant and a profile in a
// loop, every read command runs again and again. Each read sees one committed state:
// it exits 0 or 3 (never 1, never a false corruption report), and what it prints is a
// state some commit produced (a tenant with exactly one default, never without profiles).
#include "harness.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <thread>

using namespace e2e;

namespace {

struct Seen {
    std::vector<std::string> args;
    Result result;
};

// What a committed state can look like, for the output of one read; "" when it can.
std::string impossible(const Seen& seen) {
    const Result& r = seen.result;
    if (r.code != 0 && r.code != 3) return "exit " + std::to_string(r.code) + ": " + r.err;
    if (r.code != 0) return "";
    Json j = r.json();
    const std::string& command = seen.args[0] + " " + seen.args[1];
    auto one_default = [](const Json& profiles) {
        int defaults = 0;
        for (const auto& p : profiles)
            defaults += p["default"] == true;
        return defaults == 1;
    };
    if (command == "tenant show" && (j["profiles"] < 1 || j["default_profile"] != "Default"))
        return "tenant show: " + j.dump();
    if (command == "profile list" && (j.empty() || !one_default(j)))
        return "profile list: " + j.dump();
    if (command == "profile show" && j["name"] != "P") return "profile show: " + j.dump();
    if (command == "export -o")
        for (const auto& t : j["tenants"])
            if (!one_default(t["profiles"])) return "export: " + t.dump();
    if (command == "tenant list")
        for (const auto& t : j)
            if (t["profiles"] < 1 || t["default_profile"].is_null())
                return "tenant list: " + t.dump();
    return "";
}

} // namespace

TEST_SUITE("race") {

    TEST_CASE("every read command sees one committed state while writers run") {
        Sandbox s;
        // Many tenants before the ones that come and go: a read that lists them and then
        // reads each takes long enough for a writer to commit in between.
        std::string decl = "tenants:\n";
        for (int t = 0; t < 60; ++t) {
            decl += "  - tenant: keep-" + std::to_string(100 + t) + "\n    users:\n";
            for (int u = 0; u < 20; ++u)
                decl += "      - login: u" + std::to_string(u) + "\n";
        }
        std::ofstream(s.dir() + "/keep.yaml") << decl;
        s.ok({"apply", "-f", s.dir() + "/keep.yaml"});
        std::atomic<bool> stop{false};
        std::atomic<int> writes{0};
        auto writer = [&](const std::string& key) {
            while (!stop) {
                for (auto args : std::vector<std::vector<std::string>>{
                         {"tenant", "create", key},
                         {"profile", "add", "P", "-t", key},
                         {"user", "add", "u", "-t", key, "--profile", "P"},
                         {"profile", "delete", "P", "-t", key, "--reassign-to", "Default"},
                         {"tenant", "delete", key, "--force"}}) {
                    args.insert(args.end(), {"--lock-timeout", "30"});
                    if (s.run(args).code == 0) ++writes;
                }
            }
        };
        const std::vector<std::vector<std::string>> reads = {
            {"tenant", "show", "tmp", "-o", "json"},
            {"tenant", "list", "-o", "json"},
            {"profile", "list", "-t", "tmp", "-o", "json"},
            {"profile", "show", "P", "-t", "tmp", "-o", "json"},
            {"user", "list", "-t", "tmp", "-o", "json"},
            {"user", "show", "u", "-t", "tmp", "-o", "json"},
            {"history", "-t", "tmp", "-o", "json"},
            {"export", "-o", "json"},
            {"export", "-o", "json", "-t", "tmp"}};
        std::vector<Seen> seen[2];
        auto reader = [&](std::vector<Seen>& out) {
            while (!stop)
                for (const auto& args : reads)
                    out.push_back({args, s.run(args)});
        };
        std::thread w1(writer, "tmp"), w2(writer, "tmp2");
        std::thread r1(reader, std::ref(seen[0])), r2(reader, std::ref(seen[1]));
        // Until enough writes and reads have met, however loaded the machine (at most two
        // minutes): a fixed time proves nothing on a machine that ran few of them.
        const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(2);
        while (writes < 30 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop = true;
        for (auto* t : {&w1, &w2, &r1, &r2})
            t->join();
        int found = 0, missing = 0;
        seen[0].insert(seen[0].end(), seen[1].begin(), seen[1].end());
        for (const auto& one : seen[0]) {
            std::string why = impossible(one);
            CAPTURE(one.args[0] + " " + one.args[1]);
            CHECK_MESSAGE(why.empty(), why);
            (one.result.code == 0 ? found : missing)++;
        }
        MESSAGE("reads: " << seen[0].size() << " (" << found << " found, " << missing
                          << " not found) during " << writes.load() << " writes");
        CHECK(writes >= 30);
        CHECK(found > 0);
        CHECK(missing > 0);
    }
}
