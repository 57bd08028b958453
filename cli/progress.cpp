#include "progress.hpp"

#include "app.hpp"

#include <cstdio>
#include <unistd.h>

namespace chatctl::cli {

namespace {

Progress* active = nullptr;

constexpr auto kFirstAfter = std::chrono::seconds(1);
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

// 1234567 as "1,234,567".
std::string grouped(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void write_stderr(const std::string& text) {
    // Straight to the descriptor: a progress line is never held in a buffer, and a
    // failure to draw it changes nothing of the command's outcome.
    for (size_t done = 0; done < text.size();) {
        ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

} // namespace

Progress::Progress(const Globals& g, std::string unit, std::optional<uint64_t> total,
                   bool streams_to_stdout)
    : enabled_(!g.quiet && ::isatty(STDERR_FILENO) &&
               !(streams_to_stdout && ::isatty(STDOUT_FILENO))),
      unit_(std::move(unit)), total_(total), start_(std::chrono::steady_clock::now()),
      next_(start_ + kFirstAfter), outer_(active) {
    if (enabled_) active = this;
}

Progress::~Progress() {
    erase();
    if (enabled_) active = outer_;
}

void Progress::erase() {
    if (!shown_) return;
    write_stderr("\r\x1b[K");
    shown_ = false;
}

void Progress::erase_active() {
    if (active) active->erase();
}

void Progress::tick() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + kRedrawEvery;
    write_stderr("\r\x1b[K" + line(std::chrono::duration<double>(now - start_).count()));
    shown_ = true;
}

std::string Progress::line(double seconds) const {
    std::string out = grouped(done_);
    if (total_ && *total_ > 0)
        out += " / " + grouped(*total_) + " " + unit_ + " (" +
               std::to_string(done_ * 100 / *total_) + "%)";
    else
        out += " " + unit_;
    out += ", " + grouped(static_cast<uint64_t>(static_cast<double>(done_) / seconds)) + "/s, " +
           std::to_string(static_cast<long>(seconds)) + " s";
    return out;
}

} // namespace chatctl::cli
