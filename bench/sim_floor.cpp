// The floor for simulate: the least any event-driven simulation of the same load does.
// For each replication, the same Poisson arrivals over warm-up and duration, an
// exponential talk time for each, and each chat's end pushed to and popped from a binary
// heap of the slots' end times (an M/M/s loss pool, no queue, no routing, no figures).
//   sim_floor ARRIVALS_PER_HOUR TALK_SECONDS SLOTS REPLICATIONS SECONDS
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr,
                     "usage: sim_floor ARRIVALS_PER_HOUR TALK SLOTS REPLICATIONS SECONDS\n");
        return 64;
    }
    const double lambda = std::atof(argv[1]) / 3600, talk = std::atof(argv[2]);
    const auto slots = static_cast<size_t>(std::atol(argv[3]));
    const int replications = std::atoi(argv[4]);
    const double seconds = std::atof(argv[5]);
    double answered = 0;
    for (int r = 0; r < replications; ++r) {
        std::mt19937_64 arrivals(static_cast<uint64_t>(r)), talks(static_cast<uint64_t>(r) + 1000);
        std::exponential_distribution<double> gap(lambda), hold(1 / talk);
        std::priority_queue<double, std::vector<double>, std::greater<>> ends;
        for (double t = gap(arrivals); t < seconds; t += gap(arrivals)) {
            double h = hold(talks);
            while (!ends.empty() && ends.top() <= t)
                ends.pop();
            if (ends.size() < slots) {
                ends.push(t + h);
                ++answered;
            }
        }
    }
    std::printf("%.0f\n", answered);
    return 0;
}
