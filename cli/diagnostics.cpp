#include "diagnostics.hpp"

#include "core/validate.hpp"
#include "progress.hpp"
#include "render.hpp"

#include <iostream>

namespace chatctl::cli {

namespace {

// GitHub's escaping of a workflow command's message, and (with : and ,) of its properties.
std::string workflow_escape(const std::string& text, bool property) {
    std::string out;
    for (char c : text) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else if (property && c == ':')
            out += "%3A";
        else if (property && c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string position(const Diagnostic& d) {
    std::string out = d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    return out;
}

std::string github_annotation(const char* level, const Diagnostic& d) {
    using validate::escape_controls;
    const std::string message = escape_controls(d.message);
    std::string out = std::string("::") + level;
    if (d.file == "-") // standard input: no file GitHub could show it in
        return out + "::" + workflow_escape(position(d) + ": " + message, false) + "\n";
    out += " file=" + workflow_escape(escape_controls(d.file), true);
    if (d.line > 0) out += ",line=" + std::to_string(d.line) + ",col=" + std::to_string(d.column);
    return out + "::" + workflow_escape(message, false) + "\n";
}

void warn(const Globals& g, const Diagnostic& w) {
    if (g.quiet) return;
    using validate::escape_controls;
    Progress::erase_active();
    std::cerr << escape_controls(position(w)) << ": " << label("warning", g.color_errors()) << " "
              << escape_controls(w.message) << "\n";
    if (g.github()) std::cerr << github_annotation("warning", w);
}

} // namespace chatctl::cli
