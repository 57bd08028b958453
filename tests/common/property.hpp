// What the property tests of the unit and end-to-end suites share: a store's state as
// plain JSON, the same state rebuilt from history alone, and random declarations that
// trouble the planner (names changing case, defaults moving, prune, users moving).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace property {

// A store's state: {tenant key: {"tenant": fields, "profiles": {folded name: fields},
// "users": {folded login: fields}}}, each object in its history JSON form.
using State = nlohmann::json;

// Adds one object, in its history JSON form (a list's counts are dropped), to a state.
void add(State& state, const std::string& kind, nlohmann::json object);

// The state history gives, replayed from empty: `entries` as `history -o json` prints
// them (newest first). A user's profile is the name its profile had at that entry; a
// profile's rename renames it for its users (the store holds a profile by identity).
// Every entry whose `before` is not the state replayed so far, or that creates an
// object already there, is added to `problems`.
State replay(const nlohmann::json& entries, std::vector<std::string>& problems);

// A random declaration of some of the state's tenants (and maybe new ones), as JSON
// (YAML reads it): profiles and logins spelled again in another case, the default moved
// or not, users moved between profiles, left out, or named by a profile's new spelling.
// Mostly valid; sometimes not, as a user may write it. Users are in login order more
// often than not, so that apply can write them as it reads.
nlohmann::json random_declaration(std::mt19937& rng, const State& state);

// Who applies a declaration (`apply --owner`), or none: half the time none, else one of
// two owners, so that one meets the tenants of the other.
std::optional<std::string> random_owner(std::mt19937& rng);

} // namespace property
