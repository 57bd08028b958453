#include "core/sim/des.hpp"

#include "core/sim/des_agents.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <random>

namespace chatctl::sim {

namespace {

using namespace des_detail;

// A chat in the queue. Chats are queued in the order of `seq`, so a give-up event finds
// its chat by binary search; one that gave up stays, marked, until it reaches the front.
struct Waiting {
    int64_t seq = 0;
    double arrival = 0, talk = 0, patience = 0;
    bool counted = false, gone = false;
};

// What an event is, in the low bits of its key; above them, the agent (a slot freed at
// the end of a wrap-up), the chat's seq (giving up), or the agent and the version of its
// pending talk end (talk ends of a pool that slows with concurrency).
enum Kind : uint64_t { kRelease = 0, kGiveUp = 1, kTalkEnd = 2 };
constexpr uint64_t kVersionMask = (uint64_t{1} << 30) - 1;

struct Event {
    double at;
    uint64_t key;
    bool operator>(const Event& o) const { return at > o.at; }
};

std::vector<Agent> agents_of(const std::vector<Pool>& pools) {
    std::vector<Agent> agents;
    for (size_t p = 0; p < pools.size(); ++p)
        for (int i = 0; i < pools[p].agents; ++i)
            agents.push_back(Agent{static_cast<int>(p), pools[p].max_chats});
    return agents;
}

class Run {
  public:
    Run(const std::vector<Pool>& pools, const Load& load, const Target& target,
        const RunOptions& options, int index)
        : pools_(pools), load_(load), target_(target), options_(options), index_(index),
          start_(options.warmup_seconds), end_(options.warmup_seconds + options.duration_seconds),
          agents_(agents_of(pools)), free_(agents_), curves_(agents_.size()), talk_(load) {
        arrivals_rng_ = stream(1);
        talk_rng_ = stream(2);
        patience_rng_ = stream(3);
        out_.pools.resize(pools.size());
        busy_slots_.assign(pools.size(), 0);
        busy_agents_.assign(pools.size(), 0);
        // 1/T_k, k = 1 .. max chats, for the pools whose chats slow with concurrency.
        rates_.resize(pools.size());
        for (size_t p = 0; p < pools.size(); ++p) {
            const auto& curve = pools[p].talk_by_concurrency;
            if (curve.empty()) continue;
            rates_[p].assign(static_cast<size_t>(std::max(pools[p].max_chats, 1)) + 1, 0.0);
            for (size_t k = 1; k < rates_[p].size(); ++k)
                rates_[p][k] = 1 / curve[std::min(k, curve.size()) - 1];
        }
        for (size_t a = 0; a < agents_.size(); ++a)
            if (slows(static_cast<int>(a)))
                curves_[a].chats.reserve(static_cast<size_t>(agents_[a].max));
    }

    Replication go() {
        begin();
        std::exponential_distribution<double> gap(load_.arrivals_per_second);
        double next_arrival = gap(arrivals_rng_);
        for (;;) {
            out_.most_kept = std::max(out_.most_kept, waiting_.size() + events_.size());
            bool arrival = events_.empty() || next_arrival < events_.top().at;
            double t = arrival ? next_arrival : events_.top().at;
            if (t >= end_ && open_ == 0 && unsettled_ == 0) break;
            advance(t);
            if (arrival) {
                arrive(t);
                next_arrival = t + gap(arrivals_rng_);
                continue;
            }
            Event e = events_.top();
            events_.pop();
            switch (e.key & 3) {
            case kRelease:
                release(static_cast<int>(e.key >> 2), t);
                break;
            case kGiveUp:
                give_up(static_cast<int64_t>(e.key >> 2));
                break;
            default:
                talk_end(static_cast<int>((e.key >> 2) & 0xffffffff), e.key >> 34, t);
            }
        }
        advance(end_);
        out_.measured_seconds = end_ - start_;
        return out_;
    }

  private:
    std::mt19937_64 stream(uint64_t n) const {
        std::seed_seq seq{static_cast<uint32_t>(options_.seed),
                          static_cast<uint32_t>(options_.seed >> 32), static_cast<uint32_t>(index_),
                          static_cast<uint32_t>(n)};
        return std::mt19937_64(seq);
    }

    bool slows(int a) const { return !rates_[pool_of(a)].empty(); }
    size_t pool_of(int a) const {
        return static_cast<size_t>(agents_[static_cast<size_t>(a)].pool);
    }
    double wrap_of(int a) const { return pools_[pool_of(a)].wrap_up_seconds; }

    // A steady start: n chats drawn from the start distribution, in the system at time 0,
    // with their own random stream (4); never counted, as they arrived before.
    void begin() {
        const auto& dist = options_.start_distribution;
        if (dist.empty()) return;
        std::mt19937_64 rng = stream(4);
        double total = 0;
        for (double p : dist)
            total += p;
        double u = std::uniform_real_distribution<double>(0.0, total)(rng), sum = 0;
        size_t n = 0;
        while (n + 1 < dist.size() && (sum += dist[n]) <= u)
            ++n;
        for (size_t i = 0; i < n; ++i) {
            int a = free_.best();
            if (a < 0) { // past the slots: waiting, in order
                Waiting c;
                c.talk = talk_.draw(rng);
                c.patience = load_.patience_seconds ? patience_(rng) * *load_.patience_seconds : 0;
                enqueue(c, 0);
                continue;
            }
            // Under way: the residual of the agent's hold, talking still or in wrap-up.
            const Agent& agent = agents_[static_cast<size_t>(a)];
            const size_t p = pool_of(a);
            const bool slow = slows(a);
            const double rate = slow ? rates_[p][static_cast<size_t>(agent.busy) + 1] : 0;
            Residual r = talk_.residual(rng, slow ? 1 / rate : load_.talk_seconds, wrap_of(a));
            take(a, 0);
            if (slow && r.talk_left > 0) {
                curves_[static_cast<size_t>(a)].chats.push_back(
                    Talking{r.talk_left * rate, 0, false});
            } else {
                events_.push(Event{r.hold_left, static_cast<uint64_t>(a) << 2 | kRelease});
            }
            if (slow) reschedule(a, 0);
        }
    }

    // The time integrals over the measured window, up to t.
    void advance(double t) {
        double from = std::max(last_, start_), to = std::min(t, end_);
        if (to > from)
            for (size_t p = 0; p < pools_.size(); ++p) {
                double slots = busy_slots_[p] * (to - from), agents = busy_agents_[p] * (to - from);
                out_.pools[p].slot_time += slots;
                out_.pools[p].busy_agent_time += agents;
                out_.tenant.slot_time += slots;
                out_.tenant.busy_agent_time += agents;
            }
        last_ = std::max(last_, t);
    }

    void arrive(double t) {
        Waiting c;
        c.arrival = t;
        c.talk = talk_.draw(talk_rng_);
        c.patience =
            load_.patience_seconds ? patience_(patience_rng_) * *load_.patience_seconds : 0;
        c.counted = t >= start_ && t < end_;
        if (c.counted) {
            ++out_.tenant.arrivals;
            ++open_;
        }
        if (int a = free_.best(); a >= 0 && waiting_.empty()) {
            answer(c, false, a, t);
            return;
        }
        if (c.counted) ++out_.tenant.waited; // answered later or not, it waited
        enqueue(c, t);
    }

    void enqueue(Waiting c, double t) {
        c.seq = next_seq_++;
        waiting_.push_back(c);
        if (load_.patience_seconds)
            events_.push(Event{t + c.patience, static_cast<uint64_t>(c.seq) << 2 | kGiveUp});
    }

    void answer(const Waiting& c, bool waited, int a, double t) {
        const size_t p = pool_of(a);
        const bool slow = slows(a);
        double hold = c.talk + wrap_of(a);
        if (c.counted) {
            --open_;
            double wait = t - c.arrival;
            out_.pools[p].waited += waited ? 1 : 0;
            for (Tally* tally : {&out_.tenant, &out_.pools[p]}) {
                ++tally->answered;
                tally->within += wait <= target_.seconds ? 1 : 0;
                tally->answered_wait += wait;
                tally->all_wait += wait;
                if (!slow) tally->hold += hold; // else as its talk ends
            }
            if (slow) ++unsettled_;
        }
        take(a, t);
        if (!slow) {
            events_.push(Event{t + hold, static_cast<uint64_t>(a) << 2 | kRelease});
            return;
        }
        // Its talk as work of unit mean, done at 1/T_k a second.
        double work = load_.talk_seconds > 0 ? c.talk / load_.talk_seconds : 0;
        curves_[static_cast<size_t>(a)].chats.push_back(Talking{work, t, c.counted});
        reschedule(a, t);
    }

    // Agent a takes a slot (its talking chats, if they slow, brought up to date first).
    void take(int a, double t) {
        const size_t p = pool_of(a);
        if (slows(a)) sync(a, t);
        if (agents_[static_cast<size_t>(a)].busy == 0) ++busy_agents_[p];
        ++busy_slots_[p];
        free_.change(a, +1);
    }

    // A slot of agent a frees (the end of a wrap-up): the queue's first chat is answered.
    void release(int a, double t) {
        const size_t p = pool_of(a);
        const bool slow = slows(a);
        if (slow) sync(a, t);
        --busy_slots_[p];
        free_.change(a, -1);
        if (agents_[static_cast<size_t>(a)].busy == 0) --busy_agents_[p];
        if (slow) reschedule(a, t);
        while (!waiting_.empty() && waiting_.front().gone)
            waiting_.pop_front();
        if (waiting_.empty()) return;
        Waiting c = waiting_.front();
        waiting_.pop_front();
        answer(c, true, free_.best(), t);
    }

    // The work done by agent a's talking chats since they were last brought up to date.
    void sync(int a, double t) {
        Curve& curve = curves_[static_cast<size_t>(a)];
        if (t > curve.since && !curve.chats.empty()) {
            const auto k = static_cast<size_t>(agents_[static_cast<size_t>(a)].busy);
            double done = (t - curve.since) * rates_[pool_of(a)][k];
            for (Talking& c : curve.chats)
                c.work -= done;
        }
        curve.since = t;
    }

    // Agent a's next talk end, at its speed now; any event pending before goes stale.
    void reschedule(int a, double t) {
        Curve& curve = curves_[static_cast<size_t>(a)];
        ++curve.version;
        if (curve.chats.empty()) return;
        double least = curve.chats.front().work;
        for (const Talking& c : curve.chats)
            least = std::min(least, c.work);
        const auto k = static_cast<size_t>(agents_[static_cast<size_t>(a)].busy);
        const uint64_t key =
            ((curve.version & kVersionMask) << 32 | static_cast<uint32_t>(a)) << 2 | kTalkEnd;
        events_.push(Event{t + std::max(least, 0.0) / rates_[pool_of(a)][k], key});
    }

    // The talk of agent a's chat with the least work left ends; its wrap-up begins.
    void talk_end(int a, uint64_t version, double t) {
        Curve& curve = curves_[static_cast<size_t>(a)];
        if (version != (curve.version & kVersionMask)) return; // stale
        sync(a, t);
        auto done =
            std::min_element(curve.chats.begin(), curve.chats.end(),
                             [](const Talking& x, const Talking& y) { return x.work < y.work; });
        Talking chat = *done;
        *done = curve.chats.back();
        curve.chats.pop_back();
        const size_t p = pool_of(a);
        if (chat.counted) {
            double hold = t - chat.start + wrap_of(a);
            out_.tenant.hold += hold;
            out_.pools[p].hold += hold;
            --unsettled_;
        }
        if (wrap_of(a) > 0) {
            events_.push(Event{t + wrap_of(a), static_cast<uint64_t>(a) << 2 | kRelease});
            reschedule(a, t); // the agent holds as many chats: the others' speed is the same
        } else {
            release(a, t);
        }
    }

    void give_up(int64_t seq) {
        auto it = std::lower_bound(waiting_.begin(), waiting_.end(), seq,
                                   [](const Waiting& c, int64_t s) { return c.seq < s; });
        if (it == waiting_.end() || it->seq != seq) return; // answered before
        it->gone = true;
        if (it->counted) {
            --open_;
            ++out_.tenant.abandoned;
            out_.tenant.all_wait += it->patience;
        }
        while (!waiting_.empty() && waiting_.front().gone)
            waiting_.pop_front();
    }

    const std::vector<Pool>& pools_;
    const Load& load_;
    const Target& target_;
    const RunOptions& options_;
    const int index_;
    const double start_, end_;
    std::vector<Agent> agents_;
    Free free_;
    std::vector<Curve> curves_;              // per agent; used by the pools that slow
    std::vector<std::vector<double>> rates_; // per pool: 1/T_k; empty: it does not slow
    std::mt19937_64 arrivals_rng_, talk_rng_, patience_rng_;
    Talk talk_;
    std::exponential_distribution<double> patience_{1.0};
    std::deque<Waiting> waiting_;
    int64_t next_seq_ = 0;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::vector<double> busy_slots_, busy_agents_;
    double last_ = 0;
    int64_t open_ = 0;      // counted chats neither answered nor gone
    int64_t unsettled_ = 0; // counted chats still talking to an agent whose chats slow
    Replication out_;
};

} // namespace

Replication replicate(const std::vector<Pool>& pools, const Load& load, const Target& target,
                      const RunOptions& run, int index) {
    return Run(pools, load, target, run, index).go();
}

} // namespace chatctl::sim
