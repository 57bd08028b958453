// Text for people: aligned tables (by display width, so any Unicode lines up), plan
// lines, and errors, with colour only when asked for.
#pragma once

#include "core/engine.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl::cli {

// Whether what is written to `fd` is coloured: `when` is --color's value. "auto" colours
// a terminal unless $NO_COLOR is set and not empty or $TERM is "dumb"; "always" colours
// even a pipe (a CI log that renders ANSI), whatever the variables say; "never" never.
bool color_for(std::string_view when, int fd);

// "error" or "warning" followed by a colon: in bold red or yellow when colour is on.
std::string label(std::string_view word, bool color);

// How a table is written: colour (a bold header), the width it is cut to (0: never cut),
// and whether its first row, the header, is written.
struct TableStyle {
    bool color = false;
    size_t width = 0;
    bool header = true;
};

// Columns of cells, each padded to its widest cell; the header row in bold with colour.
// A control character in a cell is written as an escape (validate::escape_controls). When
// the lines are wider than style.width, the widest columns are narrowed (to 6 at least)
// and their longer cells cut, ending in "…".
std::string render_table(std::vector<std::vector<std::string>> rows, const TableStyle& style);
inline std::string render_table(std::vector<std::vector<std::string>> rows, bool color) {
    return render_table(std::move(rows), TableStyle{color});
}

// What ends a plan: nothing (an imperative command), `Plan: ...` (plan, apply --dry-run)
// or `Applied: ...` (apply).
enum class Summary { none, plan, applied };

// One line per change (`+ profile acme/Experts  default=false max_concurrent_chats=5 ...`),
// then the summary; "No changes." for an empty set. Written as the changes come: lines
// are aligned in blocks of 1,000 (a plan of a million changes is never held whole), each
// block written once full.
class PlanLines {
  public:
    static constexpr size_t kBlock = 1000;
    PlanLines(std::ostream& out, bool color) : out_(out), color_(color) {}
    void add(const Change& change);
    // The lines not written yet and the summary.
    std::string finish(Summary summary);
    const PlanSummary& count() const { return count_; }

  private:
    struct Line {
        std::string sign, object, details;
    };
    std::string flush();

    std::ostream& out_;
    bool color_;
    std::vector<Line> lines_;
    size_t width_ = 0;
    PlanSummary count_;
};

// What a change does to each field: `name=x max_concurrent_chats=4` for a create,
// `wrap_up_seconds: 60 -> 30, ...` for an update.
std::string field_changes(Action action, const std::vector<FieldChange>& fields);

// A JSON value as a table cell: strings bare, null as "-".
std::string cell(const Json& value);

// The terminal width of UTF-8 text (wide East Asian characters count 2).
size_t display_width(const std::string& text);

} // namespace chatctl::cli
