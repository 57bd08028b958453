// Reads one YAML declaration file into a JSON value, remembering where each value and
// key stood, and reporting what YAML allows but a declaration does not: duplicate keys,
// aliases, unknown tags, several documents, invalid UTF-8. Scalars are typed as YAML 1.2
// does, and a quoted scalar is always a string ("5" is not 5).
#pragma once

#include "core/decl/input.hpp"
#include "core/error.hpp"

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chatctl {

// The positions of a JSON value and its children, in the same shape. A scalar (most of
// a large file) costs 24 bytes: its children are allocated only for a mapping or a list.
struct Marked {
    struct Children;
    Position at;     // the value
    Position key_at; // the key naming it, inside a mapping
    std::unique_ptr<Children> children;

    Children& make_children();
    const Marked* field(const std::string& key) const;
    const Marked* item(size_t index) const;
};
struct Marked::Children {
    std::map<std::string, Marked> fields;
    std::vector<Marked> items;
};

struct YamlDocument {
    nlohmann::json value; // null when the file holds no document
    Marked marks;
    bool empty = true;
    bool complete = true; // false when a syntax error stopped the reading
};

// Called with each item of a tenant's `users` list as soon as it is read (the tenant's
// index in `tenants`, the item's index): the document keeps the list empty, so a
// declaration of a million users is never held whole.
using ItemHook =
    std::function<void(size_t tenant, size_t index, nlohmann::json& value, Marked& marks)>;

// Called as a tenant's `users` list opens, with the tenant as read so far (the keys
// before `users`) and its places.
using StartHook =
    std::function<void(size_t tenant, const nlohmann::json& so_far, const Marked& marks)>;

// A `users` item that is a mapping of untagged scalars only (nearly every item of a large
// file), as its events came: keys and values alternate, each as written with its tag
// (yaml_typing::kPlain or kQuoted, or the tag written) and place.
struct FlatScalar {
    std::string text, tag;
    Position at;
};
struct FlatItem {
    Position at;
    std::vector<FlatScalar> scalars; // only the first `count` are this item's
    size_t count = 0;
};
// Called first with such an item; returns false to have it read as any other item (the
// ItemHook then takes it, with every diagnostic the reader gives). This lets the caller
// take the common item without building its JSON value.
using FlatHook = std::function<bool(size_t tenant, const FlatItem& item)>;

struct UserHooks {
    ItemHook item;
    StartHook start; // optional
    FlatHook flat;   // optional
};

// Reads `file` (its name, used in diagnostics). Problems are appended to diagnostics;
// the document holds what could be read.
YamlDocument read_yaml(const std::string& file, const Input& input,
                       std::vector<Diagnostic>& diagnostics, const UserHooks& users = {});
YamlDocument read_yaml(const std::string& file, const std::string& text,
                       std::vector<Diagnostic>& diagnostics);

// The position of the value at a JSON path (keys and indexes), or of its nearest parent
// that has one; the key's position when `key` is true and the value is a mapping entry.
Position position_of(const Marked& root, const std::vector<std::string>& path, bool key = false);

} // namespace chatctl
