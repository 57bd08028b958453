// What `chatctl simulate` models: a tenant's agents, grouped by profile, taking chats that
// arrive at random. A chat holds one of its agent's slots for its talk time, then for the
// profile's wrap-up (the product's rule: during wrap-up the chat still counts); an agent
// is offered a chat only while it has a free slot. Nothing here knows the store or the
// command line.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::sim {

// The agents of one profile.
struct Pool {
    std::string profile;
    int agents = 0;
    int max_chats = 3;
    int wrap_up_seconds = 60;
    // Chats that slow with concurrency: the mean talk time of a chat while its agent holds
    // k chats is talk_by_concurrency[k-1] seconds (the last value beyond); empty: the
    // load's talk time whatever k.
    std::vector<double> talk_by_concurrency{};
    bool operator==(const Pool&) const = default;
};

enum class TalkShape { exponential, fixed, lognormal };

// The chats offered to the tenant.
struct Load {
    double arrivals_per_second = 0; // Poisson
    double talk_seconds = 0;        // mean talk time
    TalkShape talk_shape = TalkShape::exponential;
    double talk_cv = 1;                     // coefficient of variation (lognormal)
    std::optional<double> patience_seconds; // mean, exponential; none: nobody gives up
};

// "80/20s": this share of all arrivals answered within this many seconds.
struct Target {
    double share = 0.8;
    double seconds = 20;
};

struct RunOptions {
    uint64_t seed = 1;
    int replications = 30;
    double duration_seconds = 8 * 3600; // measured, per replication
    double warmup_seconds = 1800;       // simulated first and not measured
    // Where each replication starts: P(n chats in the system), n = 0, 1, ... (a steady
    // state of the chain); each replication draws its n from it. Empty: from empty.
    std::vector<double> start_distribution;
    std::function<void()> on_replication; // told as each replication ends (progress)
};

// A figure, with its 95% confidence interval when it was simulated.
struct Figure {
    double value = 0;
    std::optional<double> low, high;
    bool known = true; // false: nothing to measure it by (a profile that answered no chat)
};

// What the tenant (or one profile) gets. A profile's figures are about the chats its
// agents answered; abandonment and the wait of all arrivals are the tenant's only.
struct Measures {
    std::string scope; // "tenant", or a profile's name
    int agents = 0, slots = 0;
    Figure offered_load;      // Erlangs: arrivals x mean hold (a profile: the part it carried)
    Figure wait_probability;  // arrivals that found no free slot
    Figure asa_seconds;       // mean wait of answered chats (0 for those answered at once)
    Figure mean_wait_seconds; // mean wait of all arrivals, abandoned ones until they left
    Figure service_level;     // answered within the target time, over all arrivals
    Figure abandonment;       // arrivals that gave up
    Figure slot_utilisation;  // time-average share of slots held
    Figure agent_busy_share;  // time-average share of agents holding at least one chat
    Figure mean_concurrency;  // chats an agent holds, on average while it holds any
};

} // namespace chatctl::sim
