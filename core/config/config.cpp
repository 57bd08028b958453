// Reading the config file with yaml-cpp, every problem at its place, and choosing the
// context a command uses.
#include "core/config/config.hpp"

#include "core/config/config_text.hpp"
#include "core/error.hpp"
#include "core/store/store_text.hpp"
#include "core/validate.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

namespace chatctl::config {

namespace {

size_t key_index(const std::string& key) {
    for (size_t i = 0; i < kContextKeys.size(); ++i)
        if (kContextKeys[i] == key) return i;
    return kContextKeys.size();
}

// Collects the file's problems, each at its place.
class Reader {
  public:
    Reader(const std::string& path, const std::string& text) : path_(path), text_(text) {}

    File read() {
        File file;
        file.path = path_;
        file.exists = true;
        file.text = text_;
        std::vector<YAML::Node> documents;
        try {
            documents = YAML::LoadAll(without_bom(text_));
        } catch (const YAML::ParserException& e) {
            problem(e.mark, e.msg);
            finish();
        }
        if (documents.size() > 1) problem(documents[1].Mark(), "one document only, not several");
        if (!documents.empty()) root(documents[0], file);
        finish();
        return file;
    }

  private:
    void problem(const YAML::Mark& mark, const std::string& message) {
        const Place p = place_of(text_, mark);
        problems_.push_back({path_, p.line, p.column, message});
    }

    void finish() {
        if (problems_.empty()) return;
        const size_t n = problems_.size();
        throw Error(ErrorKind::invalid_input,
                    "the config file " + path_ + " has " + std::to_string(n) +
                        (n == 1 ? " error" : " errors") + "; nothing was done",
                    problems_);
    }

    std::optional<std::string> scalar(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            problem(node.Mark(), what + " must be a text, not " +
                                     (node.IsMap()    ? "a mapping"
                                      : node.IsNull() ? "empty"
                                                      : "a list"));
            return std::nullopt;
        }
        return node.Scalar();
    }

    // Keys of a mapping, each once, as texts.
    std::vector<std::pair<std::string, YAML::const_iterator>> entries(const YAML::Node& map) {
        std::vector<std::pair<std::string, YAML::const_iterator>> out;
        for (auto it = map.begin(); it != map.end(); ++it) {
            auto key = scalar(it->first, "a key");
            if (!key) continue;
            bool twice = false;
            for (const auto& [seen, at] : out)
                twice = twice || seen == *key;
            if (twice) {
                problem(it->first.Mark(), "the key " + validate::quote(*key) + " is given twice");
                continue;
            }
            out.emplace_back(*key, it);
        }
        return out;
    }

    void root(const YAML::Node& node, File& file) {
        if (node.IsNull()) return; // an empty file: no context
        if (!node.IsMap()) {
            problem(node.Mark(), "the config file must be a mapping (current-context, contexts)");
            return;
        }
        for (const auto& [key, it] : entries(node)) {
            if (key == "current-context") {
                if (it->second.IsNull()) continue;
                if (auto name = scalar(it->second, "current-context"); name && !name->empty())
                    file.current = Setting{*name, place_of(text_, it->second.Mark())};
            } else if (key == "contexts") {
                contexts(it->second, file);
            } else {
                unknown(it->first.Mark(), key, {"current-context", "contexts"}, "");
            }
        }
    }

    void unknown(const YAML::Mark& mark, const std::string& key,
                 const std::vector<std::string>& known, const std::string& where) {
        std::string message = "unknown key " + validate::quote(key) + where;
        const std::string near = validate::closest(key, known);
        message += near.empty() ? "; the keys are " + join(known)
                                : "; did you mean " + validate::quote(near) + "?";
        problem(mark, message);
    }

    static std::string join(const std::vector<std::string>& words) {
        std::string out;
        for (const auto& w : words)
            out += (out.empty() ? "" : ", ") + w;
        return out;
    }

    void contexts(const YAML::Node& node, File& file) {
        if (node.IsNull()) return;
        if (!node.IsMap()) {
            problem(node.Mark(), "contexts must be a mapping of names to contexts");
            return;
        }
        for (const auto& [name, it] : entries(node)) {
            if (name.empty() || validate::has_control(name)) {
                problem(it->first.Mark(), "a context's name must be a text without control "
                                          "characters");
                continue;
            }
            Context c;
            c.name = name;
            c.place = place_of(text_, it->first.Mark());
            settings(it->second, c);
            file.contexts.push_back(std::move(c));
        }
    }

    void settings(const YAML::Node& node, Context& c) {
        const std::string of = " of context " + validate::quote(c.name);
        if (node.IsNull()) return;
        if (!node.IsMap()) {
            problem(node.Mark(), "context " + validate::quote(c.name) +
                                     " must be a mapping (db, tenant, actor, output, "
                                     "lock-timeout)");
            return;
        }
        for (const auto& [key, it] : entries(node)) {
            const size_t i = key_index(key);
            if (i == kContextKeys.size()) {
                unknown(it->first.Mark(), key, kContextKeys, of);
                continue;
            }
            const YAML::Node v = it->second; // a copy: the iterator gives a temporary
            auto value = scalar(v, key + of);
            if (!value) continue;
            try {
                if (key == "lock-timeout" && v.Tag() == "!")
                    fail(ErrorKind::invalid_input, key + of +
                                                       " is a number of seconds, not a "
                                                       "text: write it without quotes");
                check_value(key, *value, key + of);
            } catch (const Error& e) {
                problem(v.Mark(), e.what());
                continue;
            }
            c.settings[i] = Setting{*value, place_of(text_, v.Mark())};
        }
    }

    std::string path_, text_;
    std::vector<Diagnostic> problems_;
};

std::string read_file(const std::string& path, bool& exists) {
    exists = false;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return "";
        fail(ErrorKind::invalid_input,
             "cannot read the config file " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        fail(ErrorKind::invalid_input, "the config file " + path + " is not a regular file",
             {"$CHATCTL_CONFIG names the config file itself, not its folder"});
    if (st.st_size > (1 << 20))
        fail(ErrorKind::invalid_input, "the config file " + path + " is over 1 MiB",
             {"a config file holds a few contexts; is $CHATCTL_CONFIG the right file?"});
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(ErrorKind::invalid_input,
             "cannot read the config file " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    exists = true;
    return text.str();
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

File load(const std::string& path) {
    File file;
    file.path = path;
    if (path.empty()) return file;
    bool exists = false;
    std::string text = read_file(path, exists);
    if (!exists) return file;
    return load_text(path, text);
}

File load_text(const std::string& path, const std::string& text) {
    return Reader(path, text).read();
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
        if (value != "table" && value != "json" && value != "yaml")
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
