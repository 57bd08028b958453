#include "argv.hpp"

#include "core/model.hpp"
#include "core/shell.hpp"
#include "core/validate.hpp"

#include <algorithm>

namespace chatctl::cli {

namespace {

// A word read as an option: `-x...` or `--xyz...`, but not `-` (standard input) and not
// a negative number (which no option is named like, and which a value may be).
bool looks_like_option(const std::string& w) {
    if (w.size() < 2 || w[0] != '-') return false;
    return !std::all_of(w.begin() + 1, w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const CLI::App* named_command(const CLI::App* app, const std::string& name) {
    for (const CLI::App* sub : commands_of(app))
        if (sub->get_name() == name) return sub;
    return nullptr;
}

std::vector<std::string> long_names(const std::vector<const CLI::App*>& path) {
    std::vector<std::string> out;
    for (const CLI::App* app : path)
        for (const CLI::Option* o : app->get_options())
            for (const auto& l : o->get_lnames())
                out.push_back("--" + l);
    return out;
}

// Where the option someone reached for belongs to another command, that command.
std::string elsewhere(const std::string& command, const std::string& option) {
    static const std::map<std::pair<std::string, std::string>, std::string> table = {
        {{"chatctl user edit", "--profile"},
         "`chatctl user assign LOGIN -t TENANT --profile NAME` changes a user's profile"},
        {{"chatctl user edit", "--login"},
         "a login cannot be changed: add a new user and "
         "delete the old one"},
        {{"chatctl user add", "--login"},
         "the login is the first argument: `chatctl user add "
         "LOGIN -t TENANT`"},
        {{"chatctl profile edit", "--default"},
         "`chatctl profile set-default NAME -t TENANT` makes a profile the default"},
        {{"chatctl profile add", "--rename"},
         "`chatctl profile edit NAME -t TENANT --rename NEW` renames a profile"},
        {{"chatctl user assign", "--name"},
         "`chatctl user edit LOGIN -t TENANT --name TEXT` changes a user's name"},
        {{"chatctl tenant edit", "--rename"}, "a tenant key cannot be changed"},
    };
    auto it = table.find({command, option});
    return it == table.end() ? "" : it->second;
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : separator) + w;
    return out;
}

class Reader {
  public:
    Reader(const CLI::App& app, const std::vector<std::string>& words) : words_(words) {
        line_.path.push_back(&app);
    }

    CommandLine read() {
        for (i_ = 0; i_ < words_.size() && !stopped_; ++i_) {
            const std::string& w = words_[i_];
            const bool options = !after_dashes_; // after `--`, every word is an argument
            if (options && w == "--") {
                after_dashes_ = true;
                line_.args.push_back(w);
            } else if (options && (w == "-h" || w == "--help" || w == "--version")) {
                line_.help = true;
                line_.args.push_back(w);
            } else if (options && looks_like_option(w)) {
                option(w);
            } else if (options && !after_positional_ && !commands_of(line_.path.back()).empty()) {
                command(w);
            } else {
                positional(w);
            }
        }
        if (stopped_) output_format();
        if (!line_.help && !stopped_) finish();
        return line_;
    }

  private:
    // After an unknown command the words mean nothing, but `-o json` still says how the
    // error is to be written.
    void output_format() {
        for (size_t k = i_; k < words_.size(); ++k) {
            const std::string& w = words_[k];
            if ((w == "-o" || w == "--output") && k + 1 < words_.size())
                output(words_[k + 1]);
            else if (w.starts_with("--output="))
                output(w.substr(9));
            else if (w.starts_with("-o") && w.size() > 2)
                output(w.substr(2));
        }
    }

    void output(const std::string& format) {
        line_.values["--output"] = format;
        line_.json_errors = line_.json_errors || fold(format) == "json";
    }

    void problem(const std::string& text, const std::string& hint = "") {
        line_.problems.push_back(text);
        if (!hint.empty() &&
            std::find(line_.hints.begin(), line_.hints.end(), hint) == line_.hints.end())
            line_.hints.push_back(hint);
    }

    void command(const std::string& w) {
        if (const CLI::App* sub = named_command(line_.path.back(), w)) {
            line_.path.push_back(sub);
            line_.args.push_back(w);
            return;
        }
        std::vector<std::string> names;
        for (const CLI::App* s : commands_of(line_.path.back()))
            names.push_back(s->get_name());
        std::string near = validate::closest(w, names);
        problem("unknown command " + validate::quote(w) + " for `" + line_.command() + "`",
                near.empty() ? "" : "did you mean `" + line_.command() + " " + near + "`?");
        stopped_ = true; // what follows an unknown command means nothing
    }

    void positional(const std::string& w) {
        positionals_.push_back(w);
        after_positional_ = true;
        line_.args.push_back(w);
    }

    void option(const std::string& w) {
        if (!w.starts_with("--")) return short_options(w);
        auto eq = w.find('=');
        std::string name = w.substr(0, eq);
        std::optional<std::string> inline_value;
        if (eq != std::string::npos) inline_value = w.substr(eq + 1);
        const CLI::Option* o = find_option(line_.path, name);
        if (!o) return unknown_option(name);
        if (takes_value(o)) return value_option(o, name, inline_value);
        if (inline_value)
            problem(name + " takes no value (got " + validate::quote(*inline_value) + ")");
        count(o);
        line_.args.push_back(name);
    }

    // -q, -t acme, -tacme, -qo json: flags, then at most one option that takes the rest of
    // the word, or the next word, as its value.
    void short_options(const std::string& w) {
        for (size_t k = 1; k < w.size(); ++k) {
            std::string name = std::string("-") + w[k];
            const CLI::Option* o = find_option(line_.path, name);
            if (!o) return unknown_option(name);
            if (takes_value(o))
                return value_option(
                    o, name, k + 1 < w.size() ? std::optional(w.substr(k + 1)) : std::nullopt);
            count(o);
            line_.args.push_back(name);
        }
    }

    void value_option(const CLI::Option* o, const std::string& name,
                      const std::optional<std::string>& inline_value) {
        std::string lname = o->get_name(false, false);
        std::string value;
        if (inline_value) {
            value = *inline_value;
        } else if (i_ + 1 < words_.size() && !looks_like_option(words_[i_ + 1])) {
            value = words_[++i_];
        } else {
            problem(lname + " needs a value (" + o->get_type_name() + ")",
                    i_ + 1 < words_.size()
                        ? "to give a value that starts with -, write " + lname + "=VALUE"
                        : "");
            return;
        }
        if (count(o) == 2 && o->get_items_expected_max() == 1)
            problem(lname + " is given more than once; give it once");
        if (auto allowed = allowed_values().find(lname); allowed != allowed_values().end()) {
            const auto& v = allowed->second;
            if (std::find(v.begin(), v.end(), fold(value)) == v.end()) // -o JSON: as json
                line_.invalid.push_back(lname + ": " + validate::quote(value) + " is not one of " +
                                        join(v, ", "));
        }
        if (lname == "--output")
            output(value);
        else
            line_.values[lname] = value;
        line_.args.push_back(name);
        line_.args.push_back(value);
    }

    int count(const CLI::Option* o) { return ++seen_[o]; }

    // What arguments a command does not take most likely meant: files for a command that
    // reads them with -f (`chatctl apply acme.yaml`), else one value with spaces.
    std::string extra_hint(size_t given) const {
        if (!find_option(line_.path, "--file"))
            return "a value with spaces is one argument when quoted: 'Night shift'";
        std::vector<std::string> words;
        for (size_t i = 1; i < line_.path.size(); ++i)
            words.push_back(line_.path[i]->get_name());
        for (size_t k = given; k < positionals_.size(); ++k)
            words.insert(words.end(), {"-f", positionals_[k]});
        return "did you mean `" + shell_command(words) + "`?";
    }

    void unknown_option(const std::string& name) {
        std::string command = line_.command();
        std::string hint = elsewhere(command, name);
        if (hint.empty()) {
            std::string near = validate::closest(name, long_names(line_.path));
            if (!near.empty()) hint = "did you mean " + near + "?";
        }
        problem("unknown option " + name + " for `" + command + "`", hint);
        // Its value, if it has one, is not an argument of the command.
        if (name.find('=') == std::string::npos && i_ + 1 < words_.size() &&
            !looks_like_option(words_[i_ + 1]) && positional_capacity() <= positionals_.size())
            ++i_;
    }

    size_t positional_capacity() const {
        size_t capacity = 0;
        for (const CLI::Option* o : line_.path.back()->get_options())
            if (o->get_positional()) {
                int max = o->get_items_expected_max();
                capacity += max >= CLI::detail::expected_max_vector_size / 16
                                ? words_.size()
                                : static_cast<size_t>(max);
            }
        return capacity;
    }

    void finish() {
        const CLI::App* command = line_.path.back();
        if (!commands_of(command).empty()) {
            line_.group_alone = true;
            return;
        }
        size_t given = 0;
        for (const CLI::Option* o : command->get_options()) {
            if (!o->get_positional()) continue;
            int max = o->get_items_expected_max();
            size_t takes = max >= CLI::detail::expected_max_vector_size / 16
                               ? positionals_.size()
                               : static_cast<size_t>(max);
            size_t got = std::min(takes, positionals_.size() - given);
            if (got == 0 && o->get_required())
                problem("`" + line_.command() + "` needs " + o->get_name() + " (" +
                        o->get_description() + ")");
            given += got;
        }
        if (given < positionals_.size()) {
            std::vector<std::string> extra;
            for (size_t k = given; k < positionals_.size(); ++k)
                extra.push_back(validate::quote(positionals_[k]));
            problem("unexpected " + std::string(extra.size() == 1 ? "argument " : "arguments ") +
                        join(extra, " ") + " for `" + line_.command() + "`",
                    extra_hint(given));
        }
        for (const CLI::App* app : line_.path)
            for (const CLI::Option* o : app->get_options())
                if (o->nonpositional() && o->get_required() && seen_[o] == 0)
                    problem("`" + line_.command() + "` needs " + o->get_name(false, false) + " " +
                            o->get_type_name());
    }

    const std::vector<std::string>& words_;
    CommandLine line_;
    std::vector<std::string> positionals_;
    std::map<const CLI::Option*, int> seen_;
    size_t i_ = 0;
    bool after_dashes_ = false, after_positional_ = false, stopped_ = false;
};

} // namespace

// The values of the options that take a few words, checked here (not by CLI11) to say so
// in chatctl's words; their help lists them the same way.
const std::map<std::string, std::vector<std::string>>& allowed_values() {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"--output", {"table", "json", "yaml", "csv", "name"}},
        {"--error-format", {"text", "github"}},
        {"--color", {"auto", "always", "never"}}};
    return table;
}

std::string CommandLine::command() const {
    std::string out = "chatctl";
    for (size_t i = 1; i < path.size(); ++i)
        out += " " + path[i]->get_name();
    return out;
}

std::string CommandLine::help_hint() const {
    return "see `" + command() + " --help`";
}

CommandLine read_command_line(const CLI::App& app, const std::vector<std::string>& words) {
    return Reader(app, words).read();
}

const CLI::Option* find_option(const std::vector<const CLI::App*>& path, const std::string& word) {
    for (auto it = path.rbegin(); it != path.rend(); ++it)
        for (const CLI::Option* o : (*it)->get_options())
            if (o->nonpositional() && o->check_name(word)) return o;
    return nullptr;
}

bool takes_value(const CLI::Option* option) {
    return option->get_items_expected_max() > 0; // CLI11 reads a flag as 0 items
}

std::vector<const CLI::App*> commands_of(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

} // namespace chatctl::cli
