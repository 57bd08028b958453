// `user import`'s columns: which column of the file (or which columns, joined by a --map
// template) each field of a user is read from, as the header and --map say; every other
// column refused unless --ignore-columns or --ignore-unknown-columns skips it; and the
// separator found in the header when none is given.
#pragma once

#include "core/csv/column_map.hpp"
#include "core/csv/csv.hpp"
#include "core/csv/user_csv.hpp"

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chatctl::csv {

class UserColumns {
  public:
    // The fields of a user's row, in kUserColumns' order.
    enum Column : size_t { tenant_column, login, name, email, profile, kColumns };
    // Where a problem of the file is reported, at its place.
    using Report = std::function<void(Position, const std::string&)>;

    UserColumns(const ImportOptions& options, Report report);

    // Reads --map (the first malformed one is a usage error).
    void read_mappings();
    // The separator that splits the header into the most names read (the fields, mapped
    // and skipped columns) and into at least the columns --map names by place; with no
    // header, or no name read, the one that gives the most columns.
    char detect(const std::string& file, const Input& text) const;
    // The field a mapping or the header gives each column to; every other column is
    // refused, all at once, unless skipped. With --no-header, `r` is the first row.
    void header(const Record& r);

    size_t width() const { return width_; } // the header's fields: every row's
    // Whether the field is read (its column, or a template's, is in the file).
    bool reads(Column c) const { return sources_[c].has_value(); }
    // A field's cell in a row: the column's, or a template's columns joined (no more than
    // what is between them when every one is empty; space around the whole trimmed).
    Field cell(const Record& r, Column c) const;

  private:
    void problem(Position at, const std::string& message) const { report_(at, message); }
    // The columns no field reads: one problem names them all.
    void unknown_columns(const Record& r, const std::vector<size_t>& unknown,
                         const std::array<bool, kColumns>& mapped);
    // The column a mapping names, or nullopt with a problem.
    std::optional<size_t> column_of(const Record& r, const ColumnRef& c, const Mapping& m);

    const ImportOptions& options_;
    Report report_;
    size_t width_ = 0;
    const std::vector<std::string> known_{std::begin(kUserColumns), std::end(kUserColumns)};
    std::vector<Mapping> mappings_;
    // Where each field is read from: a column, or a template's text and columns.
    struct Piece {
        std::string text;
        std::optional<size_t> column;
    };
    struct FieldSource {
        std::vector<Piece> pieces;
        bool joined = false;
    };
    std::array<std::optional<FieldSource>, kColumns> sources_;
};

} // namespace chatctl::csv
