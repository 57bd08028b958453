// Schema errors explained in a declaration's words: valijson's failing paths turned into
// messages naming the field as written, at its place in the file. Internal to
// decl_schema.
#pragma once

#include "core/decl/yaml_reader.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace chatctl::detail {

using SchemaPath = std::vector<std::string>; // keys and indexes

// The declaration schema as JSON, parsed once.
const nlohmann::json& schema_json();

// An array index in a path, or SIZE_MAX when the step is not one.
size_t index_of(const std::string& step);

// The value at a path of `doc`, or nullptr.
const nlohmann::json* value_at(const nlohmann::json& doc, const SchemaPath& path);

// What is wrong with the value at path, as messages with their places; empty when the
// problem is only that a child is wrong. `root` (with its places `marks`) is the value
// at `base`: the document, or one item of a list read as a stream; `fallback` is
// valijson's own description, for what has no message of its own.
std::vector<std::pair<Position, std::string>> explain(const nlohmann::json& root,
                                                      const Marked& marks, const SchemaPath& base,
                                                      const SchemaPath& rel,
                                                      const std::string& fallback);

// A path from valijson's error context ("<root>", "[0]", "[\"users\"]").
SchemaPath to_path(const std::vector<std::string>& context);

} // namespace chatctl::detail
