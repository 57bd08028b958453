// simulate's models: the chain against closed forms and a published example, the
// simulator against the chain where both apply (gated on |z| < 3, fixed seeds), and
// identities the simulator must keep.
#include "core/sim/des.hpp"
#include "core/sim/erlang.hpp"
#include "core/sim/simulate.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <random>
#include <stdexcept>

using namespace chatctl::sim;

namespace {

Load load(double per_hour, double talk, std::optional<double> patience = std::nullopt) {
    Load l;
    l.arrivals_per_second = per_hour / 3600;
    l.talk_seconds = talk;
    l.patience_seconds = patience;
    return l;
}

} // namespace

TEST_CASE("the published example: 100 contacts per 30 min, 180 s, 14 agents, 80/20") {
    CHECK(erlang_c(14, 10) == doctest::Approx(0.1741).epsilon(0.0005));
    ChainFigures f = birth_death(100.0 / 1800, 180, 14, std::nullopt, 20);
    CHECK(f.offered_load == doctest::Approx(10));
    CHECK(f.wait_probability == doctest::Approx(0.1741).epsilon(0.0005));
    CHECK(f.service_level == doctest::Approx(0.888).epsilon(0.001));
    CHECK(f.asa_seconds == doctest::Approx(7.84).epsilon(0.002));
    CHECK(f.slot_utilisation == doctest::Approx(0.714).epsilon(0.001));
    CHECK(f.abandonment == 0);
    // 14 is the fewest agents for 80% within 20 s; 13 is not enough.
    Scenario one{"current", {Pool{"Default", 20, 1, 0}}};
    RunOptions quick;
    quick.replications = 3;
    quick.duration_seconds = 3600;
    Result solved = solve(one, load(200, 180), Target{0.8, 20}, quick).answer;
    CHECK(solved.exact);
    CHECK(solved.measures[0].agents == 14);
    CHECK(birth_death(100.0 / 1800, 180, 13, std::nullopt, 20).service_level < 0.8);
}

TEST_CASE("the chain is Erlang C's closed form without patience") {
    for (int s : {1, 2, 5, 30, 300, 3000})
        for (double rho : {0.3, 0.8, 0.95}) {
            CAPTURE(s);
            CAPTURE(rho);
            double load = rho * s;
            ChainFigures f = birth_death(load / 100, 100, s, std::nullopt, 10);
            double c = erlang_c(s, load);
            CHECK(f.wait_probability == doctest::Approx(c).epsilon(1e-6));
            // ASA = C / (s mu - lambda); SL = 1 - C e^{-(s mu - lambda) T}.
            double gap = (s - load) / 100;
            CHECK(f.asa_seconds == doctest::Approx(c / gap).epsilon(1e-6));
            CHECK(f.service_level == doctest::Approx(1 - c * std::exp(-gap * 10)).epsilon(1e-6));
        }
    CHECK_THROWS_AS(birth_death(1, 10, 10, std::nullopt, 20), std::domain_error);
}

TEST_CASE("Erlang A: patience as long as the hold is M/M/infinity, and Little holds") {
    // With theta = mu every chat in the system leaves at the same rate: n is Poisson(A).
    const int s = 8;
    const double a = 7;
    ChainFigures f = birth_death(a / 60, 60, s, 60.0, 20);
    double p = std::exp(-a), below = 0;
    for (int n = 0; n < s; ++n, p *= a / n)
        below += p;
    CHECK(f.wait_probability == doctest::Approx(1 - below).epsilon(1e-9));
    // Abandonment rate = theta x mean queue; mean wait of all = mean queue / lambda.
    CHECK(f.abandonment == doctest::Approx(f.mean_wait_seconds / 60).epsilon(1e-9));
    // Patience this long, at a load over the slots, still settles.
    CHECK(birth_death(20.0 / 60, 60, s, 60.0, 20).abandonment > 0.5);
    // Patience ever longer tends to Erlang C.
    CHECK(birth_death(a / 60, 60, s, 1e9, 20).wait_probability ==
          doctest::Approx(erlang_c(s, a)).epsilon(1e-4));
}

TEST_CASE("the simulator agrees with the chain where both apply (|z| < 3)") {
    RunOptions run;
    run.seed = 2026;
    run.replications = 40;
    run.duration_seconds = 400000; // a few thousand chats a run
    run.warmup_seconds = 5000;
    struct Case {
        std::string name;
        std::vector<Pool> pools;
        Load load;
    };
    const Case cases[] = {
        {"N = 1", {Pool{"P", 1, 1, 0}}, load(0.7 * 36, 100)},
        {"N = 3", {Pool{"P", 3, 1, 0}}, load(2.4 * 36, 100)},
        {"3 agents x 2 chats", {Pool{"P", 3, 2, 0}}, load(5 * 36, 100)},
        {"Erlang A", {Pool{"P", 4, 1, 0}}, load(4.5 * 36, 100, 120.0)},
        {"max chats 1 and 4", {Pool{"A", 2, 1, 0}, Pool{"B", 2, 4, 0}}, load(8 * 36, 100)},
    };
    const Target target{0.8, 30};
    for (const auto& c : cases) {
        CAPTURE(c.name);
        REQUIRE(exact_for(c.pools, c.load));
        int slots = 0;
        for (const auto& p : c.pools)
            slots += p.agents * p.max_chats;
        ChainFigures e = birth_death(c.load.arrivals_per_second, c.load.talk_seconds, slots,
                                     c.load.patience_seconds, target.seconds);
        std::vector<Replication> reps;
        for (int i = 0; i < run.replications; ++i)
            reps.push_back(replicate(c.pools, c.load, target, run, i));
        auto check = [&](const char* name, double exact, auto figure) {
            double mean = 0, var = 0;
            const double n = run.replications;
            for (const auto& r : reps)
                mean += figure(r.tenant, r.measured_seconds) / n;
            for (const auto& r : reps)
                var += std::pow(figure(r.tenant, r.measured_seconds) - mean, 2) / (n - 1);
            double zz = (mean - exact) / std::sqrt(var / n);
            INFO(std::string(name)
                 << ": simulated " << mean << ", exact " << exact << ", z " << zz);
            CHECK(std::abs(zz) < 3);
        };
        check("P(wait)", e.wait_probability,
              [](const Tally& t, double) { return t.waited / t.arrivals; });
        check("ASA", e.asa_seconds,
              [](const Tally& t, double) { return t.answered_wait / t.answered; });
        check("mean wait", e.mean_wait_seconds,
              [](const Tally& t, double) { return t.all_wait / t.arrivals; });
        check("service level", e.service_level,
              [](const Tally& t, double) { return t.within / t.arrivals; });
        check("utilisation", e.slot_utilisation,
              [&](const Tally& t, double s) { return t.slot_time / (s * slots); });
        if (c.load.patience_seconds)
            check("abandonment", e.abandonment,
                  [](const Tally& t, double) { return t.abandoned / t.arrivals; });
        // evaluate() prints the chain's figures for the tenant, as exact.
        Result r = evaluate(Scenario{"s", c.pools}, c.load, target, run);
        CHECK(r.exact);
        CHECK(r.measures[0].wait_probability.value ==
              doctest::Approx(e.wait_probability).epsilon(1e-12));
        CHECK(!r.measures[0].wait_probability.low);
        CHECK(r.measures[0].agent_busy_share.low); // simulated
    }
}

TEST_CASE("Little's law inside the simulator: busy slots = throughput x mean hold") {
    RunOptions run;
    run.duration_seconds = 50000;
    run.warmup_seconds = 3000;
    Load l = load(120, 200);
    l.talk_shape = TalkShape::lognormal;
    l.talk_cv = 0.8;
    std::vector<Pool> pools{Pool{"A", 3, 3, 60}, Pool{"B", 2, 1, 0}};
    for (int i = 0; i < 3; ++i) {
        Replication r = replicate(pools, l, Target{}, run, i);
        double busy = r.tenant.slot_time / r.measured_seconds;
        double throughput = r.tenant.answered / r.measured_seconds;
        double hold = r.tenant.hold / r.tenant.answered;
        CHECK(busy == doctest::Approx(throughput * hold).epsilon(0.01));
        CHECK(r.tenant.answered == r.pools[0].answered + r.pools[1].answered);
        CHECK(r.tenant.answered + r.tenant.abandoned == r.tenant.arrivals);
    }
}

TEST_CASE("the agent with the most free slots is offered the chat") {
    // At light load the agent taking 5 chats nearly always has more free slots than the
    // one taking 1, so it answers nearly all of them.
    RunOptions run;
    run.replications = 4;
    run.duration_seconds = 20000;
    Result r = evaluate(Scenario{"s", {Pool{"Five", 1, 5, 0}, Pool{"One", 1, 1, 0}}}, load(36, 100),
                        Target{}, run);
    CHECK(r.exact); // max chats differ, but no wrap-up: the slots are one chain
    double five = r.measures[1].offered_load.value, one = r.measures[2].offered_load.value;
    CHECK(one < 0.02 * five);
}

TEST_CASE("the same seed gives the same figures; scenarios see the same chats") {
    RunOptions run;
    run.replications = 3;
    run.duration_seconds = 3600;
    Load l = load(300, 120);
    l.talk_shape = TalkShape::fixed;
    std::vector<Pool> pools{Pool{"P", 5, 2, 30}};
    Replication a = replicate(pools, l, Target{}, run, 1);
    Replication b = replicate(pools, l, Target{}, run, 1);
    CHECK(a.tenant.arrivals == b.tenant.arrivals);
    CHECK(a.tenant.answered_wait == b.tenant.answered_wait);
    CHECK(a.tenant.slot_time == b.tenant.slot_time);
    Replication other = replicate(pools, l, Target{}, run, 2);
    CHECK(other.tenant.arrivals != a.tenant.arrivals);
    // Another scenario, the same arrivals: common random numbers.
    std::vector<Pool> more{Pool{"P", 5, 3, 10}};
    Replication c = replicate(more, l, Target{}, run, 1);
    CHECK(c.tenant.arrivals == a.tenant.arrivals);
    CHECK(c.tenant.answered_wait <= a.tenant.answered_wait);
    run.seed = 7;
    CHECK(replicate(pools, l, Target{}, run, 1).tenant.arrivals != a.tenant.arrivals);
}

TEST_CASE("solve's split never takes an agent from a profile as the total grows") {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::vector<Pool> pools;
        const int n = 3 + static_cast<int>(rng() % 3);
        for (int i = 0; i < n; ++i)
            pools.push_back(Pool{"P" + std::to_string(i), static_cast<int>(rng() % 7), 1, 0});
        std::vector<Pool> last = staffed(pools, 0);
        for (int total = 1; total <= 80; ++total) {
            std::vector<Pool> now = staffed(pools, total);
            int sum = 0, grew = 0;
            for (size_t i = 0; i < now.size(); ++i) {
                CHECK(now[i].agents >= last[i].agents);
                grew += now[i].agents - last[i].agents;
                sum += now[i].agents;
                if (pools[i].agents == 0 && total > 0)
                    CHECK((now[i].agents == 0 ||
                           std::all_of(pools.begin(), pools.end(),
                                       [](const Pool& p) { return p.agents == 0; })));
            }
            CHECK(sum == total);
            CHECK(grew == 1);
            last = now;
        }
    }
}

TEST_CASE("--solve is minimal: exact cases with 3 to 5 profiles") {
    // The independent check's case: one agent of each meets 90/20s; two do not.
    Scenario issue{"s", {Pool{"M5", 1, 5, 0}, Pool{"M1", 3, 1, 0}, Pool{"M2", 3, 2, 0}}};
    RunOptions quick;
    quick.replications = 2;
    quick.duration_seconds = 600;
    Solved solved = solve(issue, load(70, 180), Target{0.9, 20}, quick);
    CHECK(solved.answer.measures[0].agents == 3);
    CHECK(solved.answer.measures[0].service_level.value == doctest::Approx(0.9819).epsilon(5e-4));
    // Random weights and max chats: the answer meets the target by the chain, and the
    // split one agent smaller does not.
    std::mt19937 rng(2026);
    for (int round = 0; round < 60; ++round) {
        std::vector<Pool> pools;
        const int n = 3 + round % 3;
        for (int i = 0; i < n; ++i)
            pools.push_back(Pool{"P" + std::to_string(i), static_cast<int>(rng() % 6),
                                 1 + static_cast<int>(rng() % 5), 0});
        const Load l = load(20 + rng() % 400, 60 + rng() % 300);
        const Target target{0.5 + (rng() % 45) / 100.0, 20};
        CAPTURE(round);
        Solved s = solve(Scenario{"s", pools}, l, target, quick);
        REQUIRE(s.answer.exact);
        const int answer = s.answer.measures[0].agents;
        auto level = [&](int total) {
            std::vector<Pool> split = staffed(pools, total);
            try {
                Chain chain = chain_of(split, l);
                return chain_figures(chain, stationary(chain), target.seconds).service_level;
            } catch (const std::domain_error&) {
                return 0.0;
            }
        };
        CHECK(level(answer) >= target.share);
        CHECK(level(answer - 1) < target.share);
        CHECK(s.answer.meets_target);
        CHECK(!s.borderline);
        if (answer > 1) {
            REQUIRE(s.less);
            CHECK(!s.less->meets_target);
        }
    }
}

TEST_CASE("an overloaded scenario is unstable, not an error, where the caller asks") {
    Result r = evaluate_or_unstable(Scenario{"current", {Pool{"P", 1, 3, 0}}}, load(100, 240),
                                    Target{}, RunOptions{});
    CHECK(!r.stable);
    CHECK(r.reason.find("without end") != std::string::npos);
    CHECK_THROWS_AS(
        evaluate(Scenario{"current", {Pool{"P", 1, 3, 0}}}, load(100, 240), Target{}, RunOptions{}),
        Unstable);
}

TEST_CASE("one agent whose chats slow with concurrency is a chain of its own") {
    Pool one{"P", 1, 3, 0, {100, 150, 240}};
    Chain c = chain_of({one}, load(30, 100));
    REQUIRE(c.service.size() == 3);
    CHECK(c.service[0] == doctest::Approx(1.0 / 100));
    CHECK(c.service[1] == doctest::Approx(2.0 / 150));
    CHECK(c.service[2] == doctest::Approx(3.0 / 240));
    CHECK(exact_for({one}, load(30, 100)));
    Pool two = one;
    two.agents = 2;
    CHECK(!exact_for({two}, load(30, 100)));
    two.talk_by_concurrency = {120, 120};
    CHECK(exact_for({two}, load(30, 100))); // a flat curve does not slow
}

TEST_CASE("the work of a run is known before it runs") {
    RunOptions run;
    run.duration_seconds = 600;
    run.replications = 2;
    Load l = load(1000 * 3600.0, 1, 3600.0);
    Work w = work_of(Scenario{"s", {Pool{"P", 14, 1, 0}}}, l, run);
    CHECK(w.queue > 1e6); // about arrivals x patience wait at once
    CHECK(w.events == doctest::Approx(1000 * (600 + 1800) * 2 * 3.0));
    Work light = work_of(Scenario{"s", {Pool{"P", 14, 1, 0}}}, load(200, 180), run);
    CHECK(light.queue < 1);
}

TEST_CASE("Student's t quantiles, computed in double") {
    CHECK(t_quantile(1) == doctest::Approx(12.7062).epsilon(1e-5));
    CHECK(t_quantile(29) == doctest::Approx(2.04523).epsilon(1e-5));
    CHECK(t_quantile(999) == doctest::Approx(1.96234).epsilon(1e-5));
}

TEST_CASE("profiles whose chats take different times are not one chain, nor costed as one") {
    Load l = load(40, 240);
    std::vector<Pool> pools{Pool{"Fast", 4, 1, 0}, Pool{"Slow", 4, 1, 0, {1200}}};
    CHECK(!exact_for(pools, l));
    // Full, each profile ends chats at its own pace: 4/240 + 4/1200 a second.
    Chain c = chain_of(pools, l);
    CHECK(c.service.back() == doctest::Approx(4.0 / 240 + 4.0 / 1200));
    Result r = evaluate(Scenario{"s", pools}, l, Target{0.8, 60}, RunOptions{});
    CHECK(r.stable);
    CHECK(!r.exact);
    // A curve past the profile's max chats changes nothing.
    CHECK(exact_for({Pool{"One", 3, 1, 0, {240, 600}}}, l));
}

TEST_CASE("the chain fills each profile up to its own max, as the routing does") {
    // One agent of max 1 and one of max 5 whose chats slow: full, 1/240 + 5/2400 a second,
    // under the 60 an hour offered: no steady state, refused before any run.
    std::vector<Pool> pools{Pool{"Default", 1, 1, 0, {240}},
                            Pool{"Experts", 1, 5, 0, {240, 240, 240, 1200, 2400}}};
    Chain c = chain_of(pools, load(60, 240));
    REQUIRE(c.service.size() == 6);
    CHECK(c.service[0] == doctest::Approx(1.0 / 240)); // the agent with the most free slots
    CHECK(c.service.back() == doctest::Approx(1.0 / 240 + 5.0 / 2400));
    CHECK_THROWS_AS(evaluate(Scenario{"s", pools}, load(60, 240), Target{}, RunOptions{}),
                    Unstable);
}

TEST_CASE("a profile that answered no chat has no figures, and shares stay within 0-1") {
    RunOptions run;
    run.replications = 3;
    run.duration_seconds = 600;
    run.warmup_seconds = 0;
    // At one chat an hour, the agent of 25 slots answers every chat; the other none.
    Result r = evaluate(Scenario{"s", {Pool{"Many", 1, 25, 30}, Pool{"One", 1, 1, 30}}},
                        load(1, 60), Target{}, run);
    CHECK(!r.measures[2].service_level.known);
    CHECK(!r.measures[2].asa_seconds.known);
    for (const auto& m : r.measures)
        if (m.service_level.known && m.service_level.high) {
            CHECK(*m.service_level.high <= 1);
            CHECK(*m.service_level.low >= 0);
        }
}

TEST_CASE("a queue too long to hold is unstable, and --solve goes past it") {
    Load l = load(100 * 3600.0, 60, 4 * 3600.0);
    Result r =
        evaluate_or_unstable(Scenario{"current", {Pool{"P", 1, 1, 0}}}, l, Target{}, RunOptions{});
    CHECK(!r.stable);
    CHECK(r.reason.find("would wait at once") != std::string::npos);
}
