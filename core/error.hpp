// The one error type of chatctl: every failure carries a kind, and only the front end
// turns kinds into exit codes and text.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace chatctl {

// output: a change was committed, but what the command prints of it could not be written.
enum class ErrorKind { usage, not_found, conflict, invalid_input, store, internal, output };

const char* kind_name(ErrorKind kind);

// One problem in a declaration, with its place when it has one (line and column 1-based,
// 0 when unknown).
struct Diagnostic {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message, std::vector<std::string> hints = {})
        : std::runtime_error(message), kind_(kind), hints_(std::move(hints)) {}
    Error(ErrorKind kind, const std::string& message, std::vector<Diagnostic> diagnostics)
        : std::runtime_error(message), kind_(kind), diagnostics_(std::move(diagnostics)) {}

    ErrorKind kind() const { return kind_; }
    const std::vector<std::string>& hints() const { return hints_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    // The same error with one more hint at the end (none when it is there already).
    Error with_hint(const std::string& hint) const {
        Error out = *this;
        if (std::find(hints_.begin(), hints_.end(), hint) == hints_.end())
            out.hints_.push_back(hint);
        return out;
    }

  private:
    ErrorKind kind_;
    std::vector<std::string> hints_;
    std::vector<Diagnostic> diagnostics_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message,
                              std::vector<std::string> hints = {}) {
    throw Error(kind, message, std::move(hints));
}

// A store that cannot be reached, read or written (exit 6).
[[noreturn]] inline void store_fail(const std::string& message,
                                    std::vector<std::string> hints = {}) {
    fail(ErrorKind::store, message, std::move(hints));
}

} // namespace chatctl
