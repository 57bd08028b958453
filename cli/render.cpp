#include "render.hpp"

#include "core/plan.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cstdlib>
#include <cwchar>
#include <sstream>
#include <unistd.h>

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
    // Bare when no space, quote, '=', ',', backslash or control is in it; else JSON, which
    // escapes every control.
    bool bare =
        !s.empty() && s.find_first_of(" \"'=,\\") == std::string::npos && !validate::has_control(s);
    bool ambiguous = s == "null" || s == "true" || s == "false" || s.find("->") != s.npos;
    return bare && !ambiguous ? s : json_dump(value);
}

// Narrows the widest column, one column at a time, until the lines fit `width` (two
// spaces between columns) or every column is down to kNarrowest.
void fit(std::vector<size_t>& widths, size_t width) {
    constexpr size_t kNarrowest = 6;
    size_t total = widths.empty() ? 0 : 2 * (widths.size() - 1);
    for (size_t w : widths)
        total += w;
    while (total > width) {
        auto widest = std::max_element(widths.begin(), widths.end());
        if (*widest <= kNarrowest) break;
        --*widest;
        --total;
    }
}

// The text cut to `width` columns, ending in "…", when it is wider.
std::string cut(const std::string& text, size_t width) {
    if (display_width(text) <= width) return text;
    std::mbstate_t state{};
    std::string out;
    size_t used = 0;
    for (const char* p = text.data(); p < text.data() + text.size();) {
        wchar_t wc = 0;
        size_t n = std::mbrtowc(&wc, p, static_cast<size_t>(text.data() + text.size() - p), &state);
        size_t cw = 1; // a byte that is not UTF-8 counts one, as display_width counts it
        if (n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2) || n == 0) {
            state = {};
            n = 1;
        } else if (const int w = ::wcwidth(wc); w >= 0) {
            cw = static_cast<size_t>(w);
        }
        if (used + cw + 1 > width) break; // room for the "…"
        out.append(p, n);
        used += cw;
        p += n;
    }
    return out + "…";
}

} // namespace

bool color_for(std::string_view when, int fd) {
    if (when == "never") return false;
    if (when == "always") return true;
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return !(no_color && *no_color) && !(term && std::string_view(term) == "dumb") && ::isatty(fd);
}

std::string label(std::string_view word, bool color) {
    const char* code = word == "error" ? "\033[1;31m" : "\033[1;33m";
    return paint(std::string(word) + ":", code, color);
}

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

std::string field_changes(Action action, const std::vector<FieldChange>& fields) {
    std::string out;
    for (const auto& f : fields) {
        if (!out.empty()) out += action == Action::create ? " " : ", ";
        out += action == Action::create
                   ? f.field + "=" + value_text(f.after)
                   : f.field + ": " + value_text(f.before) + " -> " + value_text(f.after);
    }
    return out;
}

std::string cell(const Json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return validate::escape_controls(value.get_ref<const std::string&>());
    return value.dump();
}

std::string render_table(std::vector<std::vector<std::string>> rows, const TableStyle& style) {
    if (!style.header && !rows.empty()) rows.erase(rows.begin());
    // Whatever a cell holds (a store's text, a name given), a table writes no control.
    for (auto& row : rows)
        for (auto& text : row)
            if (validate::has_control(text)) text = validate::escape_controls(text);
    std::vector<size_t> widths;
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    if (style.width > 0) fit(widths, style.width);
    std::string out;
    for (size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (size_t i = 0; i < rows[r].size(); ++i) {
            std::string text = cut(rows[r][i], widths[i]);
            line += i + 1 == rows[r].size() ? text : pad(text, widths[i] + 2);
        }
        out += (r == 0 && style.header ? paint(line, kBold, style.color) : line) + "\n";
    }
    return out;
}

void PlanLines::add(const Change& c) {
    std::string sign = c.action == Action::create ? "+" : c.action == Action::update ? "~" : "-";
    std::string object = std::string(kind_name(c.kind())) + " " +
                         (c.kind() == Kind::tenant
                              ? validate::escape_controls(c.key())
                              : validate::escape_controls(c.tenant()) + "/" + value_text(c.key()));
    std::string details = field_changes(c.action, changed_fields(c));
    width_ = std::max(width_, display_width(object));
    const char* code = c.action == Action::create   ? "\033[32m"
                       : c.action == Action::update ? "\033[33m"
                                                    : "\033[31m";
    lines_.push_back({paint(sign, code, color_), object, details});
    (c.action == Action::create   ? count_.create
     : c.action == Action::update ? count_.update
                                  : count_.remove)++;
    if (lines_.size() == kBlock) out_ << flush();
}

std::string PlanLines::flush() {
    std::string out;
    for (const auto& l : lines_)
        out += l.sign + " " +
               (l.details.empty() ? l.object : pad(l.object, width_ + 2) + l.details) + "\n";
    lines_.clear();
    width_ = 0;
    return out;
}

std::string PlanLines::finish(Summary summary) {
    std::string out = flush();
    const PlanSummary& s = count_;
    if (s.create + s.update + s.remove == 0) return "No changes.\n";
    if (summary == Summary::plan)
        out += "Plan: " + std::to_string(s.create) + " to add, " + std::to_string(s.update) +
               " to change, " + std::to_string(s.remove) + " to destroy.\n";
    if (summary == Summary::applied)
        out += "Applied: " + std::to_string(s.create) + " added, " + std::to_string(s.update) +
               " changed, " + std::to_string(s.remove) + " destroyed.\n";
    return out;
}

} // namespace chatctl::cli
