// The parts of the discrete-event simulation (core/sim/des.cpp) that hold no event: the
// agents by free slots, and the talk times (as drawn at arrival, and as found in a steady
// state: the residual of a hold under way).
#pragma once

#include "core/sim/model.hpp"

#include <array>
#include <cmath>
#include <random>
#include <vector>

namespace chatctl::sim::des_detail {

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

// A hold under way when the run starts: the talk still to go (0: in wrap-up) and the
// whole of the hold still to go.
struct Residual {
    double talk_left = 0, hold_left = 0;
};

// The talk time of one chat, of the chosen shape and mean.
class Talk {
  public:
    explicit Talk(const Load& load) : load_(load) {
        sigma2_ = std::log(1 + load.talk_cv * load.talk_cv);
        lognormal_ = std::lognormal_distribution<double>(std::log(load.talk_seconds) - sigma2_ / 2,
                                                         std::sqrt(sigma2_));
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

    // The stationary residual of a hold L = talk + wrap, talk of this shape and of mean
    // `mean`: L drawn length-biased (the hold an instant at random falls in), then the
    // part of it still to go, uniform over it.
    Residual residual(std::mt19937_64& rng, double mean, double wrap) {
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const bool biased = unit(rng) * (mean + wrap) < mean; // the talk's share of the hold
        double talk = mean;
        switch (load_.talk_shape) {
        case TalkShape::fixed:
            break;
        case TalkShape::lognormal: {
            // x f(x) / mean of lognormal(mu, sigma) is lognormal(mu + sigma^2, sigma).
            double mu = std::log(mean) - sigma2_ / 2 + (biased ? sigma2_ : 0);
            talk = std::lognormal_distribution<double>(mu, std::sqrt(sigma2_))(rng);
            break;
        }
        case TalkShape::exponential:
            // x f(x) / mean of Exp(mean) is Gamma(2, mean).
            talk = (exponential_(rng) + (biased ? exponential_(rng) : 0)) * mean;
            break;
        }
        const double hold = talk + wrap, left = unit(rng) * hold, elapsed = hold - left;
        return Residual{elapsed < talk ? talk - elapsed : 0, left};
    }

  private:
    const Load& load_;
    double sigma2_ = 0;
    std::exponential_distribution<double> exponential_{1.0};
    std::lognormal_distribution<double> lognormal_;
};

// The chats an agent of a pool that slows with concurrency is talking in, each with the
// work it has left (talk times of unit mean; done at 1/T_k a second while its agent holds
// k chats).
struct Talking {
    double work = 0;  // left, as of `Curve::since`
    double start = 0; // when its talk began (or the run, for a chat under way then)
    bool counted = false;
};

struct Curve {
    std::vector<Talking> chats; // at most max chats
    double since = 0;           // when `work` was brought up to date
    uint32_t version = 0;       // of the pending talk-end event
};

} // namespace chatctl::sim::des_detail
