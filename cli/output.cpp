#include "output.hpp"

#include "core/csv/csv.hpp"
#include "core/decl/yaml_writer.hpp"
#include "render.hpp"
#include "spool.hpp"

#include <algorithm>
#include <iostream>

namespace chatctl::cli {

namespace {

// Output gathered and written a block at a time: a list of a million is never held.
class Blocks {
  public:
    explicit Blocks(std::ostream& to) : to_(to) {}
    std::string text;
    // Writes what is gathered once it passes above bytes (all of it with 0).
    void flush(size_t above = 0) {
        if (text.size() <= above) return;
        to_ << text;
        text.clear();
    }
    static constexpr size_t kSize = 1 << 16;

  private:
    std::ostream& to_;
};

void csv_list(const Globals& g, const RowSource& each, const std::vector<std::string>& fields,
              std::ostream& to) {
    Blocks out(to);
    if (!g.no_headers) csv::write_row(out.text, fields, g.csv_delimiter);
    std::vector<std::string> cells;
    each([&](const Json& row) {
        cells.clear();
        for (const auto& f : fields) {
            const Json& v = row[f];
            cells.push_back(v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump());
        }
        csv::write_row(out.text, cells, g.csv_delimiter);
        out.flush(Blocks::kSize);
    });
    out.flush();
}

// The array as dump(2) writes it whole.
void json_list(const RowSource& each, std::ostream& to) {
    Blocks out(to);
    bool first = true;
    each([&](const Json& row) {
        std::string one = json_dump(Json::array({row}), 2); // "[\n  {...}\n]"
        out.text += first ? "[\n" : ",\n";
        out.text.append(one, 2, one.size() - 4);
        first = false;
        out.flush(Blocks::kSize);
    });
    out.text += first ? "[]\n" : "\n]\n";
    out.flush();
}

void yaml_list(const RowSource& each, std::ostream& to) {
    Json rows = Json::array();
    each([&](const Json& row) { rows.push_back(row); });
    to << to_yaml(rows);
}

// One key per line (-o name).
void name_list(const RowSource& each, const char* field, std::ostream& to) {
    Blocks out(to);
    each([&](const Json& row) {
        out.text += cell(row[field]) + "\n";
        out.flush(Blocks::kSize);
    });
    out.flush();
}

// A table, aligned in blocks of kBlock rows, so that a long one is never held; on a
// terminal, cut to its width.
void table_list(const Globals& g, const RowSource& each, const std::vector<Column>& columns,
                std::ostream& to) {
    constexpr size_t kBlock = 1000;
    std::vector<std::vector<std::string>> table(1);
    for (const auto& c : columns)
        table[0].emplace_back(c.header);
    bool first = true;
    const TableStyle style{g.color(), g.table_width(), !g.no_headers};
    auto block = [&] {
        std::string text = render_table(table, style);
        if (!first && style.header) text.erase(0, text.find('\n') + 1); // the header, once
        to << text;
        table.resize(1);
        first = false;
    };
    each([&](const Json& row) {
        table.emplace_back();
        for (const auto& c : columns)
            table.back().push_back(c.make ? c.make(row) : cell(row[c.field]));
        if (table.size() > kBlock) block();
    });
    if (first || table.size() > 1) block();
}

// --sort-by's order: numbers by value, false before true, texts as lists are ordered
// (ignoring case, then by code point), nulls last.
bool sorts_before(const Json& a, const Json& b) {
    if (a.is_null() || b.is_null()) return !a.is_null() && b.is_null();
    if (a.is_string() && b.is_string()) {
        const std::string fa = fold(a.get<std::string>()), fb = fold(b.get<std::string>());
        return fa != fb ? fa < fb
                        : a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    }
    return a < b; // numbers, booleans
}

} // namespace

std::string data_text(const Globals& g, const Json& value, const std::string& text) {
    switch (g.format()) {
    case Format::json:
        return json_dump(value, 2) + "\n";
    case Format::yaml:
        return to_yaml(value);
    case Format::table:
    case Format::csv:  // the lists' own rows, or simulate's (refused elsewhere)
    case Format::name: // the lists' and show commands' own (refused elsewhere)
        break;
    }
    return text;
}

void print_data(const Globals& g, const Json& value, const std::string& text) {
    std::cout << data_text(g, value, text);
}

void print_rows(const Globals& g, const RowSource& each, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields, const char* name_field,
                std::ostream& out) {
    if (g.sort_by) { // every row is held to be sorted
        Json rows = Json::array();
        each([&](const Json& row) { rows.push_back(row); });
        const std::string field = fold(*g.sort_by);
        std::stable_sort(rows.begin(), rows.end(), [&](const Json& a, const Json& b) {
            return sorts_before(a[field], b[field]);
        });
        Globals sorted = g;
        sorted.sort_by.reset();
        return print_list(sorted, rows, columns, csv_fields, name_field, out);
    }
    switch (g.format()) {
    case Format::csv:
        return csv_list(g, each, csv_fields, out);
    case Format::name:
        return name_list(each, name_field, out);
    case Format::json:
        return json_list(each, out);
    case Format::yaml:
        return yaml_list(each, out);
    case Format::table:
        break;
    }
    table_list(g, each, columns, out);
}

void print_read(Store& store, const std::function<void(std::ostream&)>& print) {
    if (!store.read_holds_session()) {
        print(std::cout);
        store.end_read();
        return;
    }
    Spool spool;
    print(spool.stream());
    spool.secure();
    store.end_read();
    try {
        spool.copy_to_stdout();
    } catch (const std::runtime_error&) { // as a list printed as read: std::cout fails
        std::cout.setstate(std::ios::badbit);
    }
}

void print_list(const Globals& g, const Json& rows, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields, const char* name_field,
                std::ostream& out) {
    print_rows(
        g,
        [&](const std::function<void(const Json&)>& f) {
            for (const auto& row : rows)
                f(row);
        },
        columns, csv_fields, name_field, out);
}

void print_object(const Globals& g, const Json& object, const char* name_field) {
    if (g.format() == Format::name) {
        std::cout << cell(object[name_field]) << "\n";
        return;
    }
    std::vector<std::vector<std::string>> table{{"FIELD", "VALUE"}};
    for (auto it = object.begin(); it != object.end(); ++it)
        table.push_back({it.key(), cell(it.value())});
    // Never cut: its one value is what it is shown for.
    print_data(g, object, render_table(std::move(table), {g.color(), 0, !g.no_headers}));
}

} // namespace chatctl::cli
