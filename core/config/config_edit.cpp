// config use-context and set-context: the file changed in place, one scalar or one
// inserted entry at a time, so that its comments, order and quoting stay as they were.
// Every edit is checked by reading the result back: what it holds must be what was meant,
// else nothing is written.
#include "core/config/config.hpp"
#include "core/config/config_text.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace chatctl::config {

namespace {

struct Edit {
    size_t at, length;
    std::string text;
};

std::string apply(std::string text, std::vector<Edit> edits) {
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.at > b.at; });
    for (const auto& e : edits)
        text.replace(e.at, e.length, e.text);
    return text;
}

bool is_flow(const YAML::Node& node) {
    return node.Style() == YAML::EmitterStyle::Flow;
}

// The key node and the value node of `key` in a mapping.
std::optional<std::pair<YAML::Node, YAML::Node>> entry(const YAML::Node& map,
                                                       const std::string& key) {
    if (!map.IsMap()) return std::nullopt;
    for (auto it = map.begin(); it != map.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return std::pair{it->first, it->second};
    return std::nullopt;
}

[[noreturn]] void cannot_edit(const File& file, const std::string& what) {
    fail(ErrorKind::invalid_input,
         "cannot " + what + " in place in " + file.path + "; the file was left as it was",
         {"edit the file by hand: its layout is one chatctl does not change (a value on "
          "several lines, a null mapping, a complex key)"});
}

// Where to write a value for a node yaml-cpp read as null: over `~` or `null`, else just
// after the colon that follows its key.
Edit over_null(const File& file, const YAML::Node& key, const YAML::Node& value,
               const std::string& text, const std::string& what) {
    const std::string& t = file.text;
    const size_t at = offset_of(t, value.Mark());
    for (const char* word : {"~", "null", "Null", "NULL"})
        if (at != std::string::npos && t.compare(at, std::strlen(word), word) == 0)
            return {at, std::strlen(word), text};
    const size_t k = offset_of(t, key.Mark());
    const size_t end = k == std::string::npos ? k : scalar_end(t, k, false);
    const size_t colon = end == std::string::npos ? end : t.find_first_not_of(" \t", end);
    if (colon == std::string::npos || t[colon] != ':') cannot_edit(file, what);
    return {colon + 1, 0, " " + text};
}

// An entry added to a mapping that has entries: before its first one, on a line of its
// own in block style (with the first one's indentation), as the first item in flow style.
Edit before_first(const File& file, const YAML::Node& map, const std::string& entry_text,
                  const std::string& what) {
    const std::string& t = file.text;
    if (map.size() == 0) { // an empty flow mapping: inside its braces
        const size_t brace = offset_of(t, map.Mark());
        if (brace == std::string::npos || t[brace] != '{') cannot_edit(file, what);
        return {brace + 1, 0, entry_text};
    }
    const size_t at = offset_of(t, map.begin()->first.Mark());
    if (at == std::string::npos || at > t.size()) cannot_edit(file, what);
    if (is_flow(map)) return {at, 0, entry_text + ", "};
    const size_t line = t.rfind('\n', at == 0 ? 0 : at - 1);
    const size_t start = line == std::string::npos || at == 0 ? 0 : line + 1;
    std::string indent(at - start, ' ');
    return {at, 0, entry_text + "\n" + indent};
}

Edit replace_scalar(const File& file, const YAML::Node& value, bool in_flow,
                    const std::string& text, const std::string& what) {
    const size_t at = offset_of(file.text, value.Mark());
    const size_t end = scalar_end(file.text, at, in_flow);
    if (end == std::string::npos) cannot_edit(file, what);
    return {at, end - at, text};
}

std::string value_text(const std::string& key, const std::string& value) {
    return key == "lock-timeout" ? value : yaml_scalar(value);
}

// "db: X, tenant: Y" (flow) or one line each (block, indented).
std::string settings_text(const Context& values, const std::string& separator) {
    std::string out;
    for (size_t i = 0; i < kContextKeys.size(); ++i)
        if (const auto& s = values.settings[i])
            out += (out.empty() ? "" : separator) + kContextKeys[i] + ": " +
                   value_text(kContextKeys[i], s->value);
    return out;
}

bool same_contexts(const File& a, const File& b) {
    if (a.contexts.size() != b.contexts.size()) return false;
    for (const auto& c : a.contexts) {
        const Context* other = b.find(c.name);
        if (!other) return false;
        for (size_t i = 0; i < kContextKeys.size(); ++i) {
            const auto &x = c.settings[i], &y = other->settings[i];
            if (x.has_value() != y.has_value() || (x && x->value != y->value)) return false;
        }
    }
    return true;
}

// Reads the edited text back and writes it only when it holds what was meant.
void write_checked(const File& file, const std::string& text, const File& expected,
                   const std::string& what) {
    File got;
    try {
        got = load_text(file.path, text);
    } catch (const Error&) {
        cannot_edit(file, what);
    }
    const bool same_current = got.current.has_value() == expected.current.has_value() &&
                              (!got.current || got.current->value == expected.current->value);
    if (!same_current || !same_contexts(got, expected)) cannot_edit(file, what);
    replace_file(file.path, text, file.exists);
}

void make_folder_of(const std::string& path, bool make_folders) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return;
    const std::string dir = path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return;
    if (!make_folders)
        fail(ErrorKind::invalid_input,
             "cannot create the config file " + path + ": its folder " + dir + " does not exist",
             {"create the folder first, or point $CHATCTL_CONFIG at an existing one"});
    for (size_t at = path.find('/', 1); at != std::string::npos && at <= slash;
         at = path.find('/', at + 1)) {
        const std::string part = path.substr(0, at);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            fail(ErrorKind::invalid_input,
                 "cannot create the folder " + part + ": " + std::strerror(errno));
    }
}

} // namespace

void use_context(const File& file, const std::string& name) {
    if (!file.find(name)) throw unknown_context(file, name, "");
    const std::string what = "set current-context";
    const std::string value = yaml_scalar(name);
    const YAML::Node root = YAML::Load(without_bom(file.text));
    Edit edit{file.text.size(), 0, ""};
    if (auto current = entry(root, "current-context")) {
        edit = current->second.IsNull()
                   ? over_null(file, current->first, current->second, value, what)
                   : replace_scalar(file, current->second, is_flow(root), value, what);
    } else if (root.IsMap()) {
        edit = before_first(file, root, "current-context: " + value, what);
    } else {
        const bool newline = file.text.empty() || file.text.back() == '\n';
        edit.text = std::string(newline ? "" : "\n") + "current-context: " + value + "\n";
    }
    File expected = file;
    expected.current = Setting{name, {}};
    write_checked(file, apply(file.text, {edit}), expected, what);
}

bool set_context(const File& file, const std::string& name, const Context& values,
                 bool make_folders) {
    File expected = file;
    const Context* existing = file.find(name);
    if (!existing) {
        Context added = values;
        added.name = name;
        expected.contexts.push_back(added);
    } else {
        Context& c = *std::find_if(expected.contexts.begin(), expected.contexts.end(),
                                   [&](const Context& x) { return x.name == name; });
        for (size_t i = 0; i < kContextKeys.size(); ++i)
            if (values.settings[i]) c.settings[i] = values.settings[i];
    }
    const std::string what = "change context " + validate::quote(name);
    const std::string key = yaml_scalar(name);
    if (!file.exists) {
        make_folder_of(file.path, make_folders);
        std::string text = "contexts:\n  " + key + ":";
        const std::string body = settings_text(values, "\n    ");
        text += body.empty() ? " {}\n" : "\n    " + body + "\n";
        write_checked(file, text, expected, what);
        return true;
    }
    const YAML::Node root = YAML::Load(without_bom(file.text));
    const std::string flow_body = "{" + settings_text(values, ", ") + "}";
    std::vector<Edit> edits;
    auto contexts = entry(root, "contexts");
    if (!contexts) {
        if (!root.IsMap() && !root.IsNull()) cannot_edit(file, what);
        const bool newline = file.text.empty() || file.text.back() == '\n';
        edits.push_back(
            {file.text.size(), 0,
             std::string(newline ? "" : "\n") + "contexts:\n  " + key + ": " + flow_body + "\n"});
    } else if (contexts->second.IsNull()) {
        edits.push_back(over_null(file, contexts->first, contexts->second,
                                  "{" + key + ": " + flow_body + "}", what));
    } else if (auto context = entry(contexts->second, name); !context) {
        edits.push_back(before_first(file, contexts->second, key + ": " + flow_body, what));
    } else if (context->second.IsNull()) {
        edits.push_back(over_null(file, context->first, context->second, flow_body, what));
    } else {
        const YAML::Node& map = context->second;
        Context inserted;
        for (size_t i = 0; i < kContextKeys.size(); ++i) {
            const auto& s = values.settings[i];
            if (!s) continue;
            const std::string text = value_text(kContextKeys[i], s->value);
            if (auto old = entry(map, kContextKeys[i]))
                edits.push_back(replace_scalar(file, old->second, is_flow(map), text, what));
            else
                inserted.settings[i] = s;
        }
        const std::string body =
            settings_text(inserted, is_flow(map) || map.size() == 0 ? ", " : "\n");
        if (!body.empty()) {
            if (is_flow(map) || map.size() == 0) {
                edits.push_back(before_first(file, map, body, what));
            } else { // each line with the first key's indentation
                Edit e = before_first(file, map, "", what);
                const std::string indent = e.text.substr(1);
                std::string lines;
                for (size_t i = 0; i < kContextKeys.size(); ++i)
                    if (const auto& s = inserted.settings[i])
                        lines += kContextKeys[i] + ": " + value_text(kContextKeys[i], s->value) +
                                 "\n" + indent;
                edits.push_back({e.at, 0, lines});
            }
        }
    }
    write_checked(file, apply(file.text, edits), expected, what);
    return existing == nullptr;
}

} // namespace chatctl::config
