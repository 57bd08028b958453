#include "core/decl/yaml_typing.hpp"

namespace chatctl::yaml_typing {

namespace {

bool digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view unsigned_part(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    return s;
}

// [-+]?[0-9]+
bool is_integer(std::string_view s) {
    return digits(unsigned_part(s));
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_fraction(std::string_view s) {
    s = unsigned_part(s);
    std::string_view mantissa = s.substr(0, s.find_first_of("eE"));
    if (mantissa.size() < s.size() && !is_integer(s.substr(mantissa.size() + 1))) return false;
    auto dot = mantissa.find('.');
    if (dot == std::string_view::npos) return digits(mantissa);
    std::string_view whole = mantissa.substr(0, dot), part = mantissa.substr(dot + 1);
    if (whole.empty()) return digits(part);
    return digits(whole) && (part.empty() || digits(part));
}

} // namespace

bool is_plain(std::string_view tag) {
    return tag == kPlain || tag.empty();
}

bool is_string_tag(std::string_view tag) {
    return tag == kQuoted || tag == "tag:yaml.org,2002:str";
}

bool is_null(std::string_view s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

Type type_of_plain(std::string_view s) {
    if (is_null(s)) return Type::null;
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
        return Type::boolean;
    if (is_integer(s)) return Type::integer;
    if (is_fraction(s)) return Type::fraction;
    return Type::string;
}

} // namespace chatctl::yaml_typing
