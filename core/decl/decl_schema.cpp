#include "core/decl/decl_schema.hpp"

#include "core/decl/schema_explain.hpp"
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
using Path = detail::SchemaPath;
using detail::explain;
using detail::index_of;
using detail::schema_json;
using detail::to_path;
using detail::value_at;

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
