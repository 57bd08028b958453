// Progress of long work, for a person at a terminal: after a second, one line on stderr
// (how many done, out of how many when known, the rate, the time so far), redrawn a few
// times a second and erased when the work ends. Nothing when stderr is not a terminal or
// with -q: logs and pipes never see it. Whoever writes to stderr meanwhile erases it first.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace chatctl::cli {

struct Globals;

class Progress {
  public:
    // `unit` names what is counted ("changes", "users"). With `streams_to_stdout` (the
    // work's own output goes out as it is made), nothing is drawn when stdout is the
    // terminal too: the output is the progress there, and a line drawn over it would
    // garble it.
    Progress(const Globals& g, std::string unit, std::optional<uint64_t> total = std::nullopt,
             bool streams_to_stdout = false);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void add(uint64_t n = 1) {
        done_ += n;
        if (enabled_) tick(); // a clock read: nothing beside a change's work
    }
    // Erases the line now (before another message), to be drawn again on the next tick.
    void erase();

    // The progress line in use, if any: erased by whoever writes to stderr meanwhile.
    static void erase_active();

  private:
    void tick();
    std::string line(double seconds) const;

    bool enabled_;
    std::string unit_;
    std::optional<uint64_t> total_;
    uint64_t done_ = 0;
    std::chrono::steady_clock::time_point start_, next_;
    bool shown_ = false;
    Progress* outer_ = nullptr; // the one active before this
};

} // namespace chatctl::cli
