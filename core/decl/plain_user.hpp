// The common user item, checked by the commands' own rules without the JSON Schema: a
// file of a million users is nearly all such items.
#pragma once

#include "core/decl/decl_users.hpp"
#include "core/decl/yaml_reader.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace chatctl {

// A user item that the commands' own checks pass (the login's, the name's, the
// address's: each as strict as the schema's pattern, or stricter), with no other key
// than the schema's: the schema passes it too, so valijson is not asked. An item this
// does not pass goes to SchemaCheck::user, to be explained (or passed).
bool plainly_valid_user(const nlohmann::json& value);

// A text field of an item the schema passed: left out, null and "" all mean none (a store
// never holds "").
std::optional<std::string> text_or_null(const nlohmann::json& object, const char* key);

// A user item the schema passed, as a declared user (tenant left empty).
DeclUser user_of(const std::string& file, const nlohmann::json& u, const Marked& marks);

// The same check of an item as read (a mapping of untagged scalars), on which the reader
// would report nothing either; when it passes, `out` is the declared user, as the item's
// JSON value would have given it. False: the item is read as any other.
bool plain_user(const std::string& file, const FlatItem& item, DeclUser& out);

} // namespace chatctl
