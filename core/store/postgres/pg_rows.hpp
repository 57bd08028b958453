// What the PostgreSQL store's queries and row writes share (pg_rows.cpp for tenants and
// profiles, pg_users.cpp, pg_history.cpp): parameters as text, arrays as literals, and
// results made into values.
#pragma once

#include "core/store/postgres/pg_conn.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl::postgres {

inline std::string num(int64_t n) {
    return std::to_string(n);
}

inline std::string str(std::string_view s) {
    return std::string(s);
}

// Every row of a result, made into a value by make(row).
template <class Make> auto rows_of(const Result& r, Make make) {
    std::vector<decltype(make(0))> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(make(i));
    return out;
}

inline const std::string* text_of(const std::string& text) {
    return &text;
}
inline const std::string* text_of(const std::optional<std::string>& text) {
    return text ? &*text : nullptr;
}

// A text[] literal: each element quoted, its quotes and backslashes escaped; a missing
// one is NULL.
template <class Text> std::string text_array(const std::vector<Text>& items) {
    std::string out = "{";
    for (const auto& item : items) {
        if (out.size() > 1) out += ',';
        const std::string* value = text_of(item);
        if (!value) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *value) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

inline std::string number_array(const std::vector<int64_t>& items) {
    std::string out = "{";
    for (int64_t item : items)
        out += (out.size() > 1 ? "," : "") + num(item);
    return out + "}";
}

} // namespace chatctl::postgres
