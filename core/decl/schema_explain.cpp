#include "core/decl/schema_explain.hpp"

#include "core/decl/decl_schema.hpp"
#include "core/validate.hpp"

#include <charconv>
#include <climits>

namespace chatctl::detail {

namespace {

using nlohmann::json;
using Path = SchemaPath;

const json& follow_ref(const json& node) {
    if (node.is_object() && node.contains("$ref")) {
        std::string ref = node["$ref"].get<std::string>(); // "#/definitions/x"
        return schema_json().at(json::json_pointer(ref.substr(1)));
    }
    return node;
}

// The subschema that describes the value at path (our schema uses only properties,
// items and local $ref).
const json* subschema(const Path& path) {
    const json* node = &schema_json();
    for (const auto& step : path) {
        node = &follow_ref(*node);
        if (node->contains("properties") && (*node)["properties"].contains(step))
            node = &(*node)["properties"][step];
        else if (node->contains("items"))
            node = &(*node)["items"];
        else
            return nullptr;
    }
    return &follow_ref(*node);
}

bool has_type(const json& value, const std::string& type) {
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    return false;
}

std::string describe(const json& value) {
    if (value.is_null()) return "null";
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_float()) return "the fraction " + value.dump();
    if (value.is_number()) return "the number " + value.dump();
    if (value.is_string()) return "the string " + validate::quote(value.get<std::string>());
    if (value.is_array()) return "a list";
    return "a mapping";
}

std::string expected(const std::vector<std::string>& types) {
    static const std::map<std::string, std::string> words{
        {"integer", "an integer"}, {"string", "a string"},  {"boolean", "true or false"},
        {"null", "null"},          {"object", "a mapping"}, {"array", "a list"}};
    std::string out;
    for (const auto& t : types)
        out += (out.empty() ? "" : " or ") + words.at(t);
    return out;
}

// The bound-checking message of a string field, from the same checks the commands use.
std::string string_message(const Path& path, const std::string& value) {
    const std::string& field = path.back();
    const std::string parent = path.size() >= 3 ? path[path.size() - 3] : "";
    try {
        if (field == "tenant")
            validate::tenant_key(value, field);
        else if (field == "display_name")
            validate::display_name(value, field);
        else if (field == "name" && parent == "profiles")
            validate::profile_name(value, field);
        else if (field == "name")
            validate::user_name(value, field);
        else if (field == "description")
            validate::description(value, field);
        else if (field == "login")
            validate::login(value, field);
        else if (field == "email")
            validate::email(value, field);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

// An array index in a path, or SIZE_MAX when the step is not one.
size_t index_of(const std::string& step) {
    size_t i = 0;
    auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), i);
    return ec == std::errc() && end == step.data() + step.size() ? i : SIZE_MAX;
}

const json* value_at(const json& doc, const Path& path) {
    const json* node = &doc;
    for (const auto& step : path) {
        if (node->is_object() && node->contains(step))
            node = &(*node)[step];
        else if (node->is_array()) {
            size_t i = index_of(step);
            if (i >= node->size()) return nullptr;
            node = &(*node)[i];
        } else
            return nullptr;
    }
    return node;
}

const json& schema_json() {
    static const json parsed = json::parse(declaration_schema_text());
    return parsed;
}

std::vector<std::pair<Position, std::string>> explain(const json& root, const Marked& marks,
                                                      const Path& base, const Path& rel,
                                                      const std::string& fallback) {
    std::vector<std::pair<Position, std::string>> out;
    Path path = base;
    path.insert(path.end(), rel.begin(), rel.end());
    const json* value = value_at(root, rel);
    const json* schema = subschema(path);
    if (!value || !schema) return {{position_of(marks, rel), fallback}};
    const std::string field = path.empty() ? "the document" : path.back();
    const Position at = position_of(marks, rel);

    std::vector<std::string> types;
    if (schema->contains("type")) {
        const json& t = (*schema)["type"];
        if (t.is_string())
            types.push_back(t);
        else
            for (const auto& x : t)
                types.push_back(x);
    }
    bool type_ok = types.empty() || std::any_of(types.begin(), types.end(),
                                                [&](auto& t) { return has_type(*value, t); });
    if (!type_ok) {
        std::string where = path.empty() ? "the document" : field;
        return {{at, where + ": expected " + expected(types) + ", got " + describe(*value)}};
    }
    if (schema->contains("enum") && std::find((*schema)["enum"].begin(), (*schema)["enum"].end(),
                                              *value) == (*schema)["enum"].end())
        return {
            {at, field + ": must be " + (*schema)["enum"][0].dump() + ", got " + describe(*value)}};
    if (value->is_object()) {
        std::vector<std::string> known;
        for (const auto& [k, v] : (*schema)["properties"].items())
            known.push_back(k);
        for (const auto& [k, v] : value->items()) {
            if (std::find(known.begin(), known.end(), k) != known.end()) continue;
            std::string message = "unknown key " + validate::quote(k);
            if (std::string near = validate::closest(k, known); !near.empty())
                message += "; did you mean " + validate::quote(near) + "?";
            Path child = rel;
            child.push_back(k);
            out.emplace_back(position_of(marks, child, true), message);
        }
        for (const auto& r : schema->value("required", json::array()))
            if (!value->contains(r.get<std::string>()))
                out.emplace_back(at, "missing key " + validate::quote(r.get<std::string>()));
        return out;
    }
    if (value->is_number()) {
        int64_t lo = schema->value("minimum", INT64_MIN), hi = schema->value("maximum", INT64_MAX);
        return {{at, field + ": " + value->dump() + " is out of range (allowed: " +
                         std::to_string(lo) + "-" + std::to_string(hi) + ")"}};
    }
    if (value->is_string()) {
        std::string message = string_message(path, value->get<std::string>());
        return {{at, message.empty() ? field + ": " + fallback : message}};
    }
    return out; // an array whose items are wrong
}

Path to_path(const std::vector<std::string>& context) {
    Path path;
    for (const auto& c : context) {
        if (c == "<root>") continue;
        std::string step = c;
        if (step.size() >= 2 && step.front() == '[' && step.back() == ']')
            step = step.substr(1, step.size() - 2);
        if (step.size() >= 2 && step.front() == '"' && step.back() == '"')
            step = step.substr(1, step.size() - 2);
        path.push_back(step);
    }
    return path;
}

} // namespace chatctl::detail
