// The config file's place and contexts, each value checked, and the context a command
// uses. The file is read in config_read.cpp.
#include "core/config/config.hpp"

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/store/store_text.hpp"
#include "core/validate.hpp"

#include <cstdlib>

namespace chatctl::config {

namespace {

size_t key_index(const std::string& key) {
    for (size_t i = 0; i < kContextKeys.size(); ++i)
        if (kContextKeys[i] == key) return i;
    return kContextKeys.size();
}

} // namespace

const std::optional<Setting>& Context::get(const std::string& key) const {
    return settings.at(key_index(key));
}

std::optional<Setting>& Context::get(const std::string& key) {
    return settings.at(key_index(key));
}

const Context* File::find(const std::string& name) const {
    for (const auto& c : contexts)
        if (c.name == name) return &c;
    return nullptr;
}

std::vector<std::string> File::names() const {
    std::vector<std::string> out;
    for (const auto& c : contexts)
        out.push_back(c.name);
    return out;
}

std::string config_path(bool* is_default) {
    if (is_default) *is_default = false;
    if (const char* env = std::getenv("CHATCTL_CONFIG")) {
        if (!*env)
            fail(ErrorKind::invalid_input, "$CHATCTL_CONFIG is set but empty",
                 {"set it to the config file's path, or unset it to use "
                  "~/.config/chatctl/config.yaml"});
        return env;
    }
    if (is_default) *is_default = true;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/chatctl/config.yaml";
    const char* home = std::getenv("HOME");
    if (!home || !*home) return ""; // no config file anywhere
    return std::string(home) + "/.config/chatctl/config.yaml";
}

void check_value(const std::string& key, const std::string& value, const std::string& field) {
    if (value.empty())
        fail(ErrorKind::invalid_input, field + " is empty",
             {"give it a value, or leave the key out"});
    if (key == "db") {
        if (validate::has_control(value))
            fail(ErrorKind::invalid_input, field + " holds a control character");
        check_store_text(value, field);
    } else if (key == "tenant") {
        validate::tenant_key(value, field);
    } else if (key == "actor") {
        validate::actor(value, field);
    } else if (key == "output") {
        if (const std::string name = fold(value);
            name != "table" && name != "json" && name != "yaml")
            fail(ErrorKind::invalid_input,
                 field + ": " + validate::quote(value) + " is not one of table, json, yaml",
                 {"csv is for lists only: give -o csv on the commands that print one"});
    } else if (key == "lock-timeout") {
        validate::parse_int(value, field, 0, 86400);
    }
}

std::optional<std::pair<std::string, std::string>>
selected_name(const File& file, const std::optional<std::string>& flag) {
    if (flag) {
        if (flag->empty())
            fail(ErrorKind::invalid_input, "--context is empty",
                 {"name a context (chatctl config get-contexts lists them), or leave it out"});
        return std::pair{*flag, std::string("--context")};
    }
    if (const char* env = std::getenv("CHATCTL_CONTEXT")) {
        if (!*env)
            fail(ErrorKind::invalid_input, "$CHATCTL_CONTEXT is set but empty",
                 {"set it to a context's name, or unset it to use the config file's "
                  "current-context"});
        return std::pair{std::string(env), std::string("$CHATCTL_CONTEXT")};
    }
    if (file.current) return std::pair{file.current->value, std::string("current-context")};
    return std::nullopt;
}

Error unknown_context(const File& file, const std::string& name, const std::string& from) {
    std::vector<std::string> hints;
    const std::string near = validate::closest(name, file.names());
    if (!near.empty()) hints.push_back("did you mean " + validate::quote(near) + "?");
    hints.push_back(file.contexts.empty()
                        ? "create one with `chatctl config set-context NAME --db PATH`"
                        : "`chatctl config get-contexts` lists them");
    const std::string message =
        "unknown context " + validate::quote(name) + (from.empty() ? "" : " (from " + from + ")") +
        (file.exists ? " in " + file.path : ": there is no config file " + file.path);
    Error e(ErrorKind::invalid_input, message, hints);
    if (from == "current-context") // a place in the file: shown as one
        e = Error(ErrorKind::invalid_input, message,
                  std::vector<Diagnostic>{{file.path, file.current->place.line,
                                           file.current->place.column,
                                           "current-context names no context of this file"}});
    for (const auto& h : hints)
        e = e.with_hint(h);
    return e;
}

const Context* select(const File& file, const std::optional<std::string>& flag) {
    auto named = selected_name(file, flag);
    if (!named) return nullptr;
    if (const Context* c = file.find(named->first)) return c;
    throw unknown_context(file, named->first, named->second);
}

std::string store_path(const File& file, const Setting& db) {
    const std::string& v = db.value;
    if (classify_store_text(v) != StoreTextKind::file) return v;
    if (v == "~" || v.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (!home || !*home)
            fail(ErrorKind::invalid_input,
                 "the db of a context starts with ~, but HOME is not set");
        return std::string(home) + v.substr(1);
    }
    if (v[0] == '/') return v;
    const size_t slash = file.path.rfind('/');
    return slash == std::string::npos ? v : file.path.substr(0, slash + 1) + v;
}

std::string source(const File& file, const Context& context, const std::string& key) {
    return key + " of context " + validate::quote(context.name) + " (" + file.path + ")";
}

bool holds_password(const std::string& text) {
    if (classify_store_text(text) != StoreTextKind::postgres) return false;
    if (const size_t scheme = text.find("://"); scheme != std::string::npos) {
        const size_t start = scheme + 3;
        const size_t at = text.find('@', start);
        const size_t end = text.find_first_of("/?", start);
        if (at != std::string::npos && (end == std::string::npos || at < end)) {
            const size_t colon = text.find(':', start);
            if (colon < at) return true;
        }
        return text.find("password=", start) != std::string::npos;
    }
    for (size_t at = text.find("password"); at != std::string::npos;
         at = text.find("password", at + 1)) {
        const size_t eq = text.find_first_not_of(" \t", at + 8);
        const bool word_start = at == 0 || text[at - 1] == ' ' || text[at - 1] == '\t';
        if (word_start && eq != std::string::npos && text[eq] == '=') return true;
    }
    return false;
}

} // namespace chatctl::config
