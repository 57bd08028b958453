// YAML text for JSON values, in block style: what `-o yaml` and `export` print. Strings
// stay plain only when they cannot be read back as anything else; all others are
// double-quoted with JSON escapes (which YAML reads the same).
#pragma once

#include "core/model.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace chatctl {

std::string to_yaml(const Json& value);
std::string to_yaml(const nlohmann::json& value);

// The same, every line indented by `indent` spaces (a block inside a larger document).
std::string yaml_at(const Json& value, int indent);

// A string as a YAML scalar: plain when safe, else double-quoted.
std::string yaml_scalar(const std::string& text);

} // namespace chatctl
