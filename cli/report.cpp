// An error as chatctl reports it: its exit code, and its text on stderr (the same fault
// on many rows grouped into one line, hints after it), or one JSON object with -o json.
#include "report.hpp"

#include "core/validate.hpp"
#include "diagnostics.hpp"
#include "render.hpp"

#include <iostream>
#include <map>

namespace chatctl::cli {

namespace {

int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::internal:
        return 1;
    case ErrorKind::not_found:
        return 3;
    case ErrorKind::conflict:
        return 4;
    case ErrorKind::invalid_input:
        return 5;
    case ErrorKind::store:
        return 6;
    case ErrorKind::output:
        return 7;
    case ErrorKind::usage:
        return 64;
    }
    return 1;
}

// 1234567 as 1,234,567.
std::string with_commas(size_t n) {
    std::string digits = std::to_string(n);
    for (size_t at = digits.size(); at > 3; at -= 3)
        digits.insert(at - 3, ",");
    return digits;
}

// The same fault on many rows (a profile a file names 5,000 times, a tenant missing) is
// one line: the first place, then how many times and the first few lines. What differs
// (a value, a name) makes another message, so each kind and value keeps its line; -o json
// still lists every diagnostic.
std::vector<Diagnostic> grouped(const std::vector<Diagnostic>& all) {
    constexpr size_t kLinesShown = 5;
    std::vector<Diagnostic> out;
    std::vector<std::vector<int>> lines;
    std::map<std::pair<std::string, std::string>, size_t> index; // (file, message) -> group
    for (const auto& d : all) {
        if (d.line == 0) { // no place to count it by
            out.push_back(d);
            lines.emplace_back();
            continue;
        }
        auto [it, fresh] = index.try_emplace({d.file, d.message}, out.size());
        if (fresh) {
            out.push_back(d);
            lines.emplace_back();
        }
        lines[it->second].push_back(d.line);
    }
    for (size_t k = 0; k < out.size(); ++k) {
        const std::vector<int>& at = lines[k];
        if (at.size() < 2) continue;
        std::string shown;
        for (size_t i = 0; i < at.size() && i < kLinesShown; ++i)
            shown += (i ? ", " : "") + std::to_string(at[i]);
        out[k].message += ": " + with_commas(at.size()) + " times (lines " + shown +
                          (at.size() > kLinesShown ? ", ...)" : ")");
    }
    return out;
}

} // namespace

// With --error-format github, each diagnostic with a file is also written as GitHub
// Actions' workflow command (JSON errors stay one object on stderr).
// With colour (a terminal's stderr, or --color always), `error:` is painted.
int report(const Error& e, bool json, bool github, bool color) {
    int code = exit_code(e.kind());
    if (json) {
        Json diagnostics = Json::array();
        for (const auto& d : e.diagnostics())
            diagnostics.push_back(
                {{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}});
        Json body{{"kind", kind_name(e.kind())},
                  {"message", e.what()},
                  {"exit_code", code},
                  {"diagnostics", diagnostics}};
        if (!e.hints().empty()) body["hints"] = e.hints();
        // Bytes that are not UTF-8 (a path, an argument) are replaced, never thrown on.
        std::cerr << json_dump(Json{{"error", body}}) << "\n";
        return code;
    }
    // A message may name what a store or a file holds: never a raw control on stderr.
    using validate::escape_controls;
    for (const auto& d : grouped(e.diagnostics())) {
        std::cerr << escape_controls(d.file.empty() ? "chatctl" : position(d)) << ": "
                  << label("error", color) << " " << escape_controls(d.message) << "\n";
        if (github && !d.file.empty()) std::cerr << github_annotation("error", d);
    }
    std::cerr << "chatctl: " << label("error", color) << " " << escape_controls(e.what()) << "\n";
    for (const auto& hint : e.hints())
        std::cerr << "hint: " << escape_controls(hint) << "\n";
    return code;
}

} // namespace chatctl::cli
