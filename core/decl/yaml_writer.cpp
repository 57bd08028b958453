#include "core/decl/yaml_writer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

namespace chatctl {

namespace {

template <typename J> void write(std::string& out, const J& value, int indent, bool in_list);

template <typename J> std::string scalar(const J& value) {
    if (value.is_string()) return yaml_scalar(value.template get_ref<const std::string&>());
    return value.dump(); // numbers, booleans, null
}

template <typename J> void write_map(std::string& out, const J& value, int indent, bool in_list) {
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!(first && in_list)) out.append(indent, ' ');
        first = false;
        out += yaml_scalar(it.key()) + ":";
        const J& v = it.value();
        if ((v.is_object() || v.is_array()) && !v.empty()) {
            out += "\n";
            write(out, v, indent + 2, false);
        } else {
            out += " " +
                   (v.is_object()  ? std::string("{}")
                    : v.is_array() ? "[]"
                                   : scalar(v)) +
                   "\n";
        }
    }
}

template <typename J> void write(std::string& out, const J& value, int indent, bool in_list) {
    if (value.is_object() && !value.empty()) {
        write_map(out, value, indent, in_list);
        return;
    }
    if (value.is_array() && !value.empty()) {
        for (const auto& item : value) {
            out.append(indent, ' ');
            out += "- ";
            if ((item.is_object() || item.is_array()) && !item.empty()) {
                if (item.is_object())
                    write_map(out, item, indent + 2, true);
                else {
                    out += "\n";
                    write(out, item, indent + 2, false);
                }
            } else {
                out += (item.is_object()  ? std::string("{}")
                        : item.is_array() ? "[]"
                                          : scalar(item)) +
                       "\n";
            }
        }
        return;
    }
    if (!in_list) out.append(indent, ' ');
    out += (value.is_object() ? std::string("{}") : value.is_array() ? "[]" : scalar(value)) + "\n";
}

} // namespace

std::string yaml_scalar(const std::string& s) {
    // Letters first, then letters, digits, and a few marks that mean nothing in YAML;
    // never a word YAML 1.1 or 1.2 reads as a boolean or null.
    static const auto word_char = [] {
        std::array<bool, 256> table{};
        for (unsigned char c : std::string_view(
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./@+()- "))
            table[c] = true;
        return table;
    }();
    static const char* const keywords[] = {"y",   "n",    "yes",   "no",  "on",
                                           "off", "true", "false", "null"};
    auto first_ok = [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '/';
    };
    bool safe = !s.empty() && first_ok(s[0]) && s.back() != ' ' &&
                s.find("  ") == std::string::npos && std::all_of(s.begin(), s.end(), [](char c) {
                    return word_char[static_cast<unsigned char>(c)];
                });
    auto is_keyword = [&] {
        if (s.size() > 5) return false;
        return std::any_of(std::begin(keywords), std::end(keywords), [&](const char* k) {
            return s.size() == std::strlen(k) &&
                   std::equal(s.begin(), s.end(), k, [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == b;
                   });
        });
    };
    if (safe && !is_keyword()) return s;
    // JSON's escapes are YAML's, but JSON leaves DEL and the C1 controls raw, which YAML
    // does not allow in a file (and the reader refuses): escape them too.
    std::string json =
        nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(json.size());
    for (size_t i = 0; i < json.size(); ++i) {
        auto c = static_cast<unsigned char>(json[i]);
        auto next = i + 1 < json.size() ? static_cast<unsigned char>(json[i + 1]) : 0;
        if (c == 0x7f || (c == 0xc2 && next >= 0x80 && next <= 0x9f)) {
            static const char* hex = "0123456789abcdef";
            unsigned code = c == 0x7f ? 0x7f : next;
            out += "\\u00";
            out += hex[code >> 4];
            out += hex[code & 0xf];
            if (c == 0xc2) ++i;
        } else {
            out += json[i];
        }
    }
    return out;
}

std::string yaml_at(const Json& value, int indent) {
    std::string out;
    write(out, value, indent, false);
    return out;
}

std::string to_yaml(const Json& value) {
    std::string out;
    write(out, value, 0, false);
    return out;
}

std::string to_yaml(const nlohmann::json& value) {
    std::string out;
    write(out, value, 0, false);
    return out;
}

} // namespace chatctl
