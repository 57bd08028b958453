// What the SQLite store's queries and row writes share (sqlite_rows.cpp for tenants and
// profiles, sqlite_users.cpp, sqlite_history.cpp): every statement taken from the cache
// and reset, texts read back checked, and INSERTs of many rows.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <optional>
#include <string>

namespace chatctl::sqlite {

// Text as the store holds it, refused when it is not what chatctl ever writes (invalid
// UTF-8, a NUL byte): the store was changed outside chatctl, and no output is built on it.
std::string text(const SQLite::Column& column);
std::optional<std::string> optional_text(const SQLite::Column& column);

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& value);

// A statement from the cache, reset and cleared for new bindings.
struct Reset {
    SQLite::Statement& st;
    explicit Reset(SQLite::Statement& s) : st(s) {
        st.reset();
        st.clearBindings();
    }
    ~Reset() {
        try {
            st.reset();
        } catch (...) { // a reset only repeats an error already thrown
        }
    }
};

constexpr size_t kBatch = 64; // rows to an INSERT, when there are that many

// An INSERT of one row and of kBatch rows (its VALUES group repeated). The statement
// cache keys on the text's address: each is made once.
struct BatchInsert {
    std::string one, many;
    BatchInsert(const std::string& head, const std::string& values)
        : one(head + values), many(one) {
        for (size_t i = 1; i < kBatch; ++i)
            many += ", " + values;
    }
    const char* sql(size_t rows) const { return rows == 1 ? one.c_str() : many.c_str(); }
};

} // namespace chatctl::sqlite
