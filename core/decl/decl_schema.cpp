#include "core/decl/decl_schema.hpp"

#include "core/validate.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <map>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace chatctl {

namespace {

using nlohmann::json;
using Path = std::vector<std::string>;

const json& schema_json() {
    static const json parsed = json::parse(declaration_schema_text());
    return parsed;
}

std::unique_ptr<valijson::Schema> compile(const json& document) {
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, *s);
    return s;
}

const valijson::Schema& compiled_schema() {
    static const std::unique_ptr<valijson::Schema> schema = compile(schema_json());
    return *schema;
}

// One item of `tenants` or of a tenant's `users`, described by the same definitions.
std::unique_ptr<valijson::Schema> definition(const char* name) {
    const json document{{"$ref", std::string("#/definitions/") + name},
                        {"definitions", schema_json()["definitions"]}};
    return compile(document);
}

// One validator for every quick check: it keeps the patterns it compiled (std::regex
// takes far longer to compile than to match).
valijson::Validator& quick_validator() {
    static valijson::Validator validator;
    return validator;
}

const valijson::Schema& tenant_schema() {
    static const std::unique_ptr<valijson::Schema> schema = definition("tenant");
    return *schema;
}

const valijson::Schema& user_schema() {
    static const std::unique_ptr<valijson::Schema> schema = definition("user");
    return *schema;
}

// Past this many, errors are counted, not explained: a file of ten million wrong items
// is refused in seconds, and its first errors say what is wrong with the rest.
constexpr size_t kMaxExplained = 1000;

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

// What is wrong with the value at path, as messages with their places; empty when the
// problem is only that a child is wrong.
// `root` (with its places `marks`) is the value at `base`: the document, or one item
// of a list read as a stream.
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

} // namespace

namespace {

// Every failing path of `value` against `schema`, prefixed with `prefix`; the description
// of a path that fails more than once is its first.
void failing_paths(const valijson::Schema& schema, const json& value, const Path& prefix,
                   std::map<Path, std::string>& out) {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (validator.validate(schema, target, &results)) return;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        Path path = prefix;
        for (auto& step : to_path(error.context))
            path.push_back(std::move(step));
        out.emplace(std::move(path), error.description);
    }
}

} // namespace

bool tenant_passes_schema(const json& tenant) {
    valijson::adapters::NlohmannJsonAdapter target(tenant);
    return quick_validator().validate(tenant_schema(), target, nullptr);
}

SchemaCheck::SchemaCheck(const std::string& file, std::vector<Diagnostic>& diagnostics)
    : file_(file), diagnostics_(diagnostics), first_(diagnostics.size()) {}

bool SchemaCheck::room() const {
    return found_.size() < kMaxExplained;
}

void SchemaCheck::explain_all(const json& root, const Marked& marks, const Path& base,
                              const std::map<Path, std::string>& failing) {
    // Where the reader spoke first, the schema says nothing more.
    for (; scanned_ < diagnostics_.size(); ++scanned_)
        if (scanned_ >= first_)
            seen_.insert({diagnostics_[scanned_].line, diagnostics_[scanned_].column});
    // One explanation per failing path; parents that only repeat a child's error say nothing.
    for (const auto& [path, description] : failing) {
        Path rel(path.begin() + static_cast<std::ptrdiff_t>(base.size()), path.end());
        if (!room()) {
            ++unexplained_;
            continue;
        }
        for (auto& [at, message] : explain(root, marks, base, rel, description))
            if (!room())
                ++unexplained_;
            else if (seen_.insert({at.line, at.column}).second)
                found_.push_back(Diagnostic{file_, at.line, at.column, message});
    }
}

bool SchemaCheck::user(size_t tenant, size_t index, const json& value, const Marked& marks) {
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (quick_validator().validate(user_schema(), target, nullptr)) return true;
    failed_tenants_.insert(tenant);
    if (!room()) {
        ++unexplained_;
        return false;
    }
    const Path base{"tenants", std::to_string(tenant), "users", std::to_string(index)};
    std::map<Path, std::string> failing;
    failing_paths(user_schema(), value, base, failing);
    explain_all(value, marks, base, failing);
    return false;
}

SchemaVerdict SchemaCheck::document(const YamlDocument& doc) {
    SchemaVerdict verdict;
    const json* tenants = value_at(doc.value, {"tenants"});
    std::map<Path, std::string> failing;
    if (doc.value.is_object() && tenants && tenants->is_array()) {
        // The document without its tenants, then each tenant on its own: a tenant that
        // passes costs one quick check, and only the first that fail are explained.
        verdict.tenant_failed.assign(tenants->size(), false);
        for (size_t i : failed_tenants_)
            if (i < tenants->size()) verdict.tenant_failed[i] = true;
        json shell = json::object();
        for (const auto& [key, value] : doc.value.items())
            shell[key] = key == "tenants" ? json::array() : value;
        failing_paths(compiled_schema(), shell, {}, failing);
        for (size_t i = 0; i < tenants->size(); ++i) {
            valijson::adapters::NlohmannJsonAdapter target((*tenants)[i]);
            if (quick_validator().validate(tenant_schema(), target, nullptr)) continue;
            verdict.tenant_failed[i] = true;
            if (found_.size() + failing.size() < kMaxExplained)
                failing_paths(tenant_schema(), (*tenants)[i], {"tenants", std::to_string(i)},
                              failing);
            else
                ++unexplained_;
        }
    } else {
        failing_paths(compiled_schema(), doc.value, {}, failing);
    }
    for (const auto& [path, description] : failing) {
        size_t tenant = path.size() >= 2 && path[0] == "tenants" ? index_of(path[1]) : SIZE_MAX;
        if (tenant < verdict.tenant_failed.size())
            verdict.tenant_failed[tenant] = true;
        else
            verdict.readable = false; // the root or the tenants list itself is wrong
    }
    explain_all(doc.value, doc.marks, {}, failing);
    if (unexplained_ > 0) {
        Position at = position_of(doc.marks, {"tenants"});
        found_.push_back(Diagnostic{file_, at.line, at.column,
                                    "and more errors past the first " +
                                        std::to_string(kMaxExplained) +
                                        " (fix these and run again to see them)"});
    }
    diagnostics_.insert(diagnostics_.end(), found_.begin(), found_.end());
    found_.clear();
    return verdict;
}

} // namespace chatctl
