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
    // JSON's escapes are YAML's, but JSON leaves raw what a YAML file may not hold raw:
    // DEL and the C1 controls (the reader refuses them), and the line and paragraph
    // separators U+2028 and U+2029 (a YAML 1.1 parser breaks the line there, even
    // inside quotes), and U+FFFE and U+FFFF (YAML takes them only as escapes). Those are
    // escaped too.
    std::string json =
        nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(json.size());
    static const char* hex = "0123456789abcdef";
    auto escape = [&](unsigned code) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4)
            out += hex[(code >> shift) & 0xf];
    };
    for (size_t i = 0; i < json.size(); ++i) {
        auto byte = [&](size_t k) {
            return k < json.size() ? static_cast<unsigned char>(json[k]) : 0;
        };
        unsigned c = byte(i);
        if (c == 0x7f) {
            escape(c);
        } else if (c == 0xc2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
            escape(byte(++i));
        } else if ((c == 0xe2 && byte(i + 1) == 0x80 && (byte(i + 2) | 1) == 0xa9) ||
                   (c == 0xef && byte(i + 1) == 0xbf && (byte(i + 2) | 1) == 0xbf)) {
            escape(((c & 0x0f) << 12) | ((byte(i + 1) & 0x3f) << 6) | (byte(i + 2) & 0x3f));
            i += 2;
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
