// The declaration format's JSON Schema (schemas/chatctl.schema.json, taken into the
// binary at build time) and validation against it, with errors turned into messages
// that name the field as written, at its place in the file.
#pragma once

#include "core/decl/yaml_reader.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace chatctl {

const std::string& declaration_schema_text();

// Validation of one file against the schema, in two parts: each item of a tenant's
// `users` as the reader hands it over, then the rest of the document (where those lists
// are left empty). Appends one diagnostic per problem (the first 1,000 are explained,
// the rest counted) and says whether the document's shape can be read at all
// (`tenants` a list of mappings), and which tenants (by index) have a problem.
struct SchemaVerdict {
    bool readable = true;
    std::vector<bool> tenant_failed;
};

// Whether a tenant item passes the schema (a quick check, nothing explained).
bool tenant_passes_schema(const nlohmann::json& tenant);

class SchemaCheck {
  public:
    SchemaCheck(const std::string& file, std::vector<Diagnostic>& diagnostics);
    // tenants[tenant].users[index]: whether it passes.
    bool user(size_t tenant, size_t index, const nlohmann::json& value, const Marked& marks);
    // The document, once read; adds the problems found to the diagnostics.
    SchemaVerdict document(const YamlDocument& doc);

  private:
    using Path = std::vector<std::string>;
    bool room() const;
    void explain_all(const nlohmann::json& root, const Marked& marks, const Path& base,
                     const std::map<Path, std::string>& failing);

    const std::string file_;
    std::vector<Diagnostic>& diagnostics_;
    size_t first_, scanned_ = 0; // this file's first diagnostic; those looked at so far
    std::set<std::pair<int, int>> seen_;
    std::vector<Diagnostic> found_;
    std::set<size_t> failed_tenants_;
    size_t unexplained_ = 0;
};

} // namespace chatctl
