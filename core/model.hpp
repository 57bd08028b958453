// The objects chatctl manages, as plain values, and their JSON form (the form used in
// output, history and plans).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace chatctl {

// Objects keep their fields in the order the contract lists them.
using Json = nlohmann::ordered_json;

inline constexpr int kDefaultMaxChats = 3;
inline constexpr int kDefaultWrapUp = 60;
inline constexpr const char* kDefaultProfileName = "Default";

struct Tenant {
    std::string key;
    std::optional<std::string> display_name;
    // Who manages the tenant (`apply --owner NAME`): what `apply --prune --owner NAME`
    // may delete once NAME no longer declares it. Never declared, never exported.
    std::optional<std::string> owner = std::nullopt;
    bool operator==(const Tenant&) const = default;
};

struct Profile {
    std::string tenant;
    std::string name;
    bool is_default = false;
    int max_concurrent_chats = kDefaultMaxChats;
    int wrap_up_seconds = kDefaultWrapUp;
    std::optional<std::string> description;
    bool operator==(const Profile&) const = default;
};

struct User {
    std::string tenant;
    std::string login;
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::string profile;
    bool operator==(const User&) const = default;
};

using Object = std::variant<Tenant, Profile, User>;

enum class Kind { tenant, profile, user };
enum class Action { create, update, remove };

const char* kind_name(Kind kind);
const char* action_name(Action action);

Kind kind_of(const Object& object);
const std::string& tenant_of(const Object& object);
// The object's key within its tenant: the tenant key, the profile name or the login.
const std::string& key_of(const Object& object);

// ASCII lower case: names and logins compare as the store compares them (R9).
std::string fold(const std::string& text);

// The object's fields as in its JSON form, without counts.
Json to_json(const Object& object);
// A text, or null when there is none.
Json optional_json(const std::optional<std::string>& value);

// The kind and action history names ("user", "delete"), or nullopt.
std::optional<Kind> kind_named(const std::string& name);
std::optional<Action> action_named(const std::string& name);

// The object of that kind a JSON form describes (as history keeps it), or nullopt when
// it is not one. Its values are not checked against the bounds.
std::optional<Object> object_from_json(Kind kind, const Json& json);

// The same as compact JSON text, as to_json(object).dump() writes it (history keeps
// it): a user, by the million, is written without building the JSON value.
std::string to_json_text(const Object& object);

// A user read back from that text without building the JSON value, as object_from_json
// reads it: nullopt when the text is not exactly that form (keys in that order, no
// space, strings without escapes), which object_from_json then reads (a revert reads
// history's users by the million).
std::optional<User> user_from_json_text(std::string_view text);

// A value as JSON text, as dump(indent) writes it, but with DEL and the C1 controls
// escaped too (`\u007f`, `\u009b`): JSON may hold them raw, a terminal takes them as
// controls. Bytes that are not UTF-8 are replaced, never thrown on.
std::string json_dump(const Json& value, int indent = -1);

// Appends text as a JSON string, as json_dump writes it (UTF-8 kept, control characters
// escaped).
void json_quote(std::string& out, const std::string& text);

// What list and show print: the object with its counts.
struct TenantInfo {
    Tenant tenant;
    std::string default_profile;
    int64_t profiles = 0;
    int64_t users = 0;
};

struct ProfileInfo {
    Profile profile;
    int64_t users = 0;
};

Json to_json(const TenantInfo& info);
Json to_json(const ProfileInfo& info);
Json to_json(const User& user);

} // namespace chatctl
