// The declaration format's JSON Schema (schemas/chatctl.schema.json, taken into the
// binary at build time) and validation against it, with errors turned into messages
// that name the field as written, at its place in the file.
#pragma once

#include "core/decl/yaml_reader.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chatctl {

const std::string& declaration_schema_text();

// Appends one diagnostic per problem the schema finds in the document, and returns
// whether the document's shape can be read at all (`tenants` a list of mappings), and
// which tenants (by index) have a problem.
struct SchemaVerdict {
    bool readable = true;
    std::vector<bool> tenant_failed;
};
SchemaVerdict check_schema(const std::string& file, const YamlDocument& doc,
                           std::vector<Diagnostic>& diagnostics);

} // namespace chatctl
