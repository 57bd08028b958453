// The config file read with yaml-cpp: every problem found, each at its place, before any
// is reported.
#include "core/config/config.hpp"
#include "core/config/config_text.hpp"
#include "core/error.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

namespace chatctl::config {

namespace {

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
            if (std::find(kContextKeys.begin(), kContextKeys.end(), key) == kContextKeys.end()) {
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
            c.get(key) = Setting{*value, place_of(text_, v.Mark())};
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

} // namespace chatctl::config
