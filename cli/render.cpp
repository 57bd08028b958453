#include "render.hpp"

#include "core/plan.hpp"

#include <cwchar>
#include <regex>

namespace chatctl::cli {

namespace {

const char* const kBold = "\033[1m";
const char* const kReset = "\033[0m";

std::string paint(const std::string& text, const char* code, bool color) {
    return color ? std::string(code) + text + kReset : text;
}

std::string pad(const std::string& text, size_t width) {
    size_t w = display_width(text);
    return w >= width ? text : text + std::string(width - w, ' ');
}

// A value in a plan line: bare when it reads unambiguously, else JSON-quoted.
std::string value_text(const Json& value) {
    if (!value.is_string()) return value.dump();
    const auto& s = value.get_ref<const std::string&>();
    static const std::regex bare(R"([^\s"'=,\\]+)");
    bool ambiguous = s == "null" || s == "true" || s == "false" || s.find("->") != s.npos;
    return std::regex_match(s, bare) && !ambiguous ? s : value.dump();
}

} // namespace

size_t display_width(const std::string& text) {
    std::mbstate_t state{};
    size_t width = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        wchar_t wc = 0;
        size_t n = std::mbrtowc(&wc, p, static_cast<size_t>(end - p), &state);
        if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2) || n == 0) {
            state = {};
            ++width;
            ++p;
            continue;
        }
        int w = ::wcwidth(wc);
        width += w < 0 ? 1 : static_cast<size_t>(w);
        p += n;
    }
    return width;
}

std::string cell(const Json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

std::string render_table(const std::vector<std::vector<std::string>>& rows, bool color) {
    std::vector<size_t> widths;
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    std::string out;
    for (size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (size_t i = 0; i < rows[r].size(); ++i)
            line += i + 1 == rows[r].size() ? rows[r][i] : pad(rows[r][i], widths[i] + 2);
        out += (r == 0 ? paint(line, kBold, color) : line) + "\n";
    }
    return out;
}

std::string render_plan(const ChangeSet& changes, Summary summary, bool color) {
    if (changes.empty()) return "No changes.\n";
    struct Line {
        std::string sign, object, details;
    };
    std::vector<Line> lines;
    size_t width = 0;
    for (const auto& c : changes) {
        std::string sign = c.action == Action::create   ? "+"
                           : c.action == Action::update ? "~"
                                                        : "-";
        std::string object =
            std::string(kind_name(c.kind())) + " " +
            (c.kind() == Kind::tenant ? c.key() : c.tenant() + "/" + value_text(c.key()));
        std::string details;
        for (const auto& f : changed_fields(c)) {
            if (!details.empty()) details += c.action == Action::create ? " " : ", ";
            details += c.action == Action::create
                           ? f.field + "=" + value_text(f.after)
                           : f.field + ": " + value_text(f.before) + " -> " + value_text(f.after);
        }
        width = std::max(width, display_width(object));
        const char* code = c.action == Action::create   ? "\033[32m"
                           : c.action == Action::update ? "\033[33m"
                                                        : "\033[31m";
        lines.push_back({paint(sign, code, color), object, details});
    }
    std::string out;
    for (const auto& l : lines)
        out += l.sign + " " +
               (l.details.empty() ? l.object : pad(l.object, width + 2) + l.details) + "\n";
    PlanSummary s = summarize(changes);
    if (summary == Summary::plan)
        out += "Plan: " + std::to_string(s.create) + " to add, " + std::to_string(s.update) +
               " to change, " + std::to_string(s.remove) + " to destroy.\n";
    if (summary == Summary::applied)
        out += "Applied: " + std::to_string(s.create) + " added, " + std::to_string(s.update) +
               " changed, " + std::to_string(s.remove) + " destroyed.\n";
    return out;
}

} // namespace chatctl::cli
