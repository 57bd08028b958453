// A read command's result printed in the format -o names: json and yaml as the document
// is, csv as rows of fields, table through columns for people. Lists are printed as they
// are read, so that one of a million rows is never held.
#pragma once

#include "app.hpp"
#include "core/model.hpp"

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace chatctl::cli {

// A table's column: a header and the JSON field it shows, or a cell made from the whole row.
struct Column {
    const char* header;
    const char* field;
    std::string (*make)(const Json& row) = nullptr;
};

// Rows handed over one at a time to the function given.
using RowSource = std::function<void(const std::function<void(const Json&)>&)>;

// A list: json, csv and names printed as the rows come, csv with csv_fields as its
// columns (a header row unless --no-headers, then one row per object; null an empty cell,
// other values as JSON text), -o name each row's name_field, yaml once all are read, a
// table in aligned blocks through the given columns. With --sort-by, every row is held
// and sorted first.
void print_rows(const Globals& g, const RowSource& each, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields, const char* name_field,
                std::ostream& out = std::cout);
// A read command's output, print(out) reading the store as it writes: to standard output,
// or, when reading holds a server's session, to a temporary file printed once the read
// is ended (Store::end_read), so that a slow reader of the output never holds a
// transaction open.
void print_read(Store& store, const std::function<void(std::ostream&)>& print);
// The same for rows held.
void print_list(const Globals& g, const Json& rows, const std::vector<Column>& columns,
                const std::vector<std::string>& csv_fields, const char* name_field,
                std::ostream& out = std::cout);
// One object: json or yaml, its name_field with -o name, else a table of its fields and
// values.
void print_object(const Globals& g, const Json& object, const char* name_field = nullptr);
// A document: json and yaml as is, anything else the text given (a table, CSV rows).
std::string data_text(const Globals& g, const Json& value, const std::string& text);
void print_data(const Globals& g, const Json& value, const std::string& text);

} // namespace chatctl::cli
