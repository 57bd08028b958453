// The config file: named contexts (a store, a tenant, an actor, an output format and a
// lock timeout each) and the current one, read with yaml-cpp. A small document chatctl
// reads only when a command needs a setting; it is changed in place, a scalar's bytes at
// a time, so that the rest of the file, comments included, stays as it was.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chatctl::config {

// Where a value is in the file (1-based; 0 when it comes from nowhere in it).
struct Place {
    int line = 0;
    int column = 0;
};

struct Setting {
    std::string value; // as the file gives it (db: ~/ and relative paths not yet resolved)
    Place place;
};

// The keys of a context, as the file spells them.
inline const std::vector<std::string> kContextKeys = {"db", "tenant", "actor", "output",
                                                      "lock-timeout"};

struct Context {
    std::string name;
    Place place;
    // One per key of kContextKeys, in that order; nullopt when the context leaves it out.
    std::vector<std::optional<Setting>> settings = std::vector<std::optional<Setting>>(5);

    const std::optional<Setting>& get(const std::string& key) const;
    std::optional<Setting>& get(const std::string& key);
};

struct File {
    std::string path;
    bool exists = false;
    std::string text; // the file's bytes, as read
    std::optional<Setting> current;
    std::vector<Context> contexts; // in the file's order

    const Context* find(const std::string& name) const;
    std::vector<std::string> names() const;
};

// $CHATCTL_CONFIG, else $XDG_CONFIG_HOME/chatctl/config.yaml (an absolute one), else
// ~/.config/chatctl/config.yaml. `is_default` tells whether it is one of the last two.
std::string config_path(bool* is_default = nullptr);

// Reads and checks the file. A missing file is an empty one; a file that cannot be read,
// is not YAML, or holds an unknown key or a bad value is invalid input, every problem at
// its FILE:LINE:COLUMN.
File load(const std::string& path);
File load_text(const std::string& path, const std::string& text); // the same, from bytes

// Which context a command uses: `flag` (--context), else $CHATCTL_CONTEXT, else the
// file's current-context; nullptr when none is named. A name the file does not hold is
// invalid input with the nearest name.
const Context* select(const File& file, const std::optional<std::string>& flag);
// The name select() goes by and where it comes from ("--context", "$CHATCTL_CONTEXT" or
// "current-context"); nullopt when none is named.
std::optional<std::pair<std::string, std::string>>
selected_name(const File& file, const std::optional<std::string>& flag);

// The error for a context the file does not hold, with the nearest name; `from` says who
// named it ("--context", "$CHATCTL_CONTEXT", "current-context", or "").
Error unknown_context(const File& file, const std::string& name, const std::string& from);

// A context's db as a store path: ~/ is the home folder, a relative path is relative to
// the config file's folder, a URI or keyword/value string is as written.
std::string store_path(const File& file, const Setting& db);

// How a setting of a context is named in messages: `tenant of context "dev" (FILE)`.
std::string source(const File& file, const Context& context, const std::string& key);

// config use-context: rewrites current-context alone (inserting it when the file has
// none), atomically. The name must be a context of the file.
void use_context(const File& file, const std::string& name);

// config set-context: sets the given keys of the context (creating it when new), leaving
// the others as they are; creates the file (mode 0600) when there is none. Returns whether
// the context was created.
bool set_context(const File& file, const std::string& name, const Context& values,
                 bool make_folders);

// Checks one value of a context key (the file's or the command line's), naming `field`.
void check_value(const std::string& key, const std::string& value, const std::string& field);

// Whether a store text holds a password: a URI's user:password@, or a password= keyword.
bool holds_password(const std::string& text);

} // namespace chatctl::config
