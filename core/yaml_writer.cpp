#include "yaml_writer.hpp"

#include <regex>

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
        if (v.is_object() && !v.empty()) {
            out += "\n";
            write(out, v, indent + 2, false);
        } else if (v.is_array() && !v.empty()) {
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
    static const std::regex safe(R"([A-Za-z_/][A-Za-z0-9_./@+()-]*( [A-Za-z0-9_./@+()-]+)*)");
    static const std::regex keyword(R"((?:y|n|yes|no|on|off|true|false|null))", std::regex::icase);
    if (std::regex_match(s, safe) && !std::regex_match(s, keyword)) return s;
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
