#include "core/sim/des.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <queue>
#include <random>

namespace chatctl::sim {

namespace {

constexpr int kMaxChats = 25; // the bound of max_concurrent_chats

struct Agent {
    int pool = 0, max = 0, busy = 0;
    int prev = -1, next = -1; // neighbours in the list of agents with as many free slots
};

// Agents by free slots, each list in the order they came to it, so that among agents
// with the most free slots the one longest at that count is offered the next chat.
class Free {
  public:
    explicit Free(std::vector<Agent>& agents) : agents_(agents) {
        head_.fill(-1);
        tail_.fill(-1);
        for (int a = 0; a < static_cast<int>(agents.size()); ++a)
            push(a);
    }
    int best() const {
        for (int f = kMaxChats; f > 0; --f)
            if (head_[static_cast<size_t>(f)] >= 0) return head_[static_cast<size_t>(f)];
        return -1;
    }
    void change(int a, int delta) {
        remove(a);
        agents_[static_cast<size_t>(a)].busy += delta;
        push(a);
    }

  private:
    size_t free_of(int a) const {
        const Agent& x = agents_[static_cast<size_t>(a)];
        return static_cast<size_t>(x.max - x.busy);
    }
    void push(int a) {
        size_t f = free_of(a);
        Agent& x = agents_[static_cast<size_t>(a)];
        x.prev = tail_[f];
        x.next = -1;
        if (tail_[f] >= 0)
            agents_[static_cast<size_t>(tail_[f])].next = a;
        else
            head_[f] = a;
        tail_[f] = a;
    }
    void remove(int a) {
        size_t f = free_of(a);
        Agent& x = agents_[static_cast<size_t>(a)];
        (x.prev >= 0 ? agents_[static_cast<size_t>(x.prev)].next : head_[f]) = x.next;
        (x.next >= 0 ? agents_[static_cast<size_t>(x.next)].prev : tail_[f]) = x.prev;
    }
    std::vector<Agent>& agents_;
    std::array<int, kMaxChats + 1> head_{}, tail_{};
};

struct Chat {
    double arrival = 0, talk = 0, patience = 0;
    bool counted = false, waited = false, done = false;
};

struct Event {
    double at;
    bool departure; // else a chat giving up
    int id;         // the agent, or the chat
    bool operator>(const Event& o) const { return at > o.at; }
};

// The talk time of one chat, of the chosen shape and mean.
class Talk {
  public:
    explicit Talk(const Load& load) : load_(load) {
        double sigma2 = std::log(1 + load.talk_cv * load.talk_cv);
        lognormal_ = std::lognormal_distribution<double>(std::log(load.talk_seconds) - sigma2 / 2,
                                                         std::sqrt(sigma2));
    }
    double draw(std::mt19937_64& rng) {
        switch (load_.talk_shape) {
        case TalkShape::fixed:
            return load_.talk_seconds;
        case TalkShape::lognormal:
            return lognormal_(rng);
        case TalkShape::exponential:
            break;
        }
        return exponential_(rng) * load_.talk_seconds;
    }

  private:
    const Load& load_;
    std::exponential_distribution<double> exponential_{1.0};
    std::lognormal_distribution<double> lognormal_;
};

class Run {
  public:
    Run(const std::vector<Pool>& pools, const Load& load, const Target& target,
        const RunOptions& options, int index)
        : pools_(pools), load_(load), target_(target), start_(options.warmup_seconds),
          end_(options.warmup_seconds + options.duration_seconds), talk_(load) {
        for (size_t p = 0; p < pools.size(); ++p)
            for (int i = 0; i < pools[p].agents; ++i)
                agents_.push_back(Agent{static_cast<int>(p), pools[p].max_chats});
        auto stream = [&](uint64_t n) {
            std::seed_seq seq{static_cast<uint32_t>(options.seed),
                              static_cast<uint32_t>(options.seed >> 32),
                              static_cast<uint32_t>(index), static_cast<uint32_t>(n)};
            return std::mt19937_64(seq);
        };
        arrivals_rng_ = stream(1);
        talk_rng_ = stream(2);
        patience_rng_ = stream(3);
        out_.pools.resize(pools.size());
        busy_slots_.assign(pools.size(), 0);
        busy_agents_.assign(pools.size(), 0);
    }

    Replication go() {
        Free free(agents_);
        std::exponential_distribution<double> gap(load_.arrivals_per_second);
        double next_arrival = gap(arrivals_rng_);
        for (;;) {
            bool arrival = events_.empty() || next_arrival < events_.top().at;
            double t = arrival ? next_arrival : events_.top().at;
            if (t >= end_ && open_ == 0) break;
            advance(t);
            if (arrival) {
                arrive(t, free);
                next_arrival = t + gap(arrivals_rng_);
                continue;
            }
            Event e = events_.top();
            events_.pop();
            if (e.departure)
                depart(e.id, t, free);
            else
                give_up(e.id);
        }
        advance(end_);
        out_.measured_seconds = end_ - start_;
        return out_;
    }

  private:
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

    void arrive(double t, Free& free) {
        Chat c;
        c.arrival = t;
        c.talk = talk_.draw(talk_rng_);
        c.patience =
            load_.patience_seconds ? patience_(patience_rng_) * *load_.patience_seconds : 0;
        c.counted = t >= start_ && t < end_;
        if (c.counted) {
            ++out_.tenant.arrivals;
            ++open_;
        }
        chats_.push_back(c);
        int id = static_cast<int>(chats_.size()) - 1;
        if (int a = free.best(); a >= 0 && queue_.empty()) {
            answer(id, a, t, free);
            return;
        }
        chats_.back().waited = true;
        if (c.counted) ++out_.tenant.waited; // answered later or not, it waited
        queue_.push_back(id);
        if (load_.patience_seconds) events_.push(Event{t + c.patience, false, id});
    }

    void answer(int id, int a, double t, Free& free) {
        Chat& c = chats_[static_cast<size_t>(id)];
        c.done = true;
        const Agent& agent = agents_[static_cast<size_t>(a)];
        const auto p = static_cast<size_t>(agent.pool);
        double hold = c.talk + pools_[p].wrap_up_seconds;
        if (c.counted) {
            --open_;
            double wait = t - c.arrival;
            out_.pools[p].waited += c.waited ? 1 : 0;
            for (Tally* tally : {&out_.tenant, &out_.pools[p]}) {
                ++tally->answered;
                tally->within += wait <= target_.seconds ? 1 : 0;
                tally->answered_wait += wait;
                tally->all_wait += wait;
                tally->hold += hold;
            }
        }
        if (agent.busy == 0) ++busy_agents_[p];
        ++busy_slots_[p];
        free.change(a, +1);
        events_.push(Event{t + hold, true, a});
    }

    void depart(int a, double t, Free& free) {
        const auto p = static_cast<size_t>(agents_[static_cast<size_t>(a)].pool);
        --busy_slots_[p];
        free.change(a, -1);
        if (agents_[static_cast<size_t>(a)].busy == 0) --busy_agents_[p];
        while (!queue_.empty() && chats_[static_cast<size_t>(queue_.front())].done)
            queue_.pop_front(); // gave up
        if (queue_.empty()) return;
        int id = queue_.front();
        queue_.pop_front();
        answer(id, free.best(), t, free);
    }

    void give_up(int id) {
        Chat& c = chats_[static_cast<size_t>(id)];
        if (c.done) return; // answered before
        c.done = true;
        if (!c.counted) return;
        --open_;
        ++out_.tenant.abandoned;
        out_.tenant.all_wait += c.patience;
    }

    const std::vector<Pool>& pools_;
    const Load& load_;
    const Target& target_;
    const double start_, end_;
    std::vector<Agent> agents_;
    std::mt19937_64 arrivals_rng_, talk_rng_, patience_rng_;
    Talk talk_;
    std::exponential_distribution<double> patience_{1.0};
    std::vector<Chat> chats_;
    std::deque<int> queue_;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::vector<double> busy_slots_, busy_agents_;
    double last_ = 0;
    int64_t open_ = 0; // counted chats neither answered nor gone
    Replication out_;
};

} // namespace

Replication replicate(const std::vector<Pool>& pools, const Load& load, const Target& target,
                      const RunOptions& run, int index) {
    return Run(pools, load, target, run, index).go();
}

} // namespace chatctl::sim
