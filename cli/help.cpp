#include "help.hpp"

namespace chatctl::cli {

namespace {

// CLI11's help, in chatctl's words: an option's names as `-o, --output`, its value's name
// alone (never the choices a check lists nor `=DEFAULT`), a default and "required" said
// at the end of its description, a positional by its name; and the options every command
// takes (those of chatctl itself) listed in each command's help before its examples.
class HelpFormatter : public CLI::Formatter {
  public:
    std::string make_option_name(const CLI::Option* o, bool positional) const override {
        if (positional) return o->get_name(true, false);
        std::string names;
        for (const auto& s : o->get_snames())
            names += (names.empty() ? "-" : ", -") + s;
        for (const auto& l : o->get_lnames())
            names += (names.empty() ? "--" : ", --") + l;
        return names;
    }

    std::string make_option_opts(const CLI::Option* o) const override {
        if (!o->get_option_text().empty()) return " " + o->get_option_text();
        std::string out;
        if (o->get_type_size() == 0) return out; // a flag
        if (!o->get_type_name().empty()) out += " " + o->get_type_name();
        if (o->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
        return out;
    }

    std::string make_option_desc(const CLI::Option* o) const override {
        std::string out = o->get_description();
        if (!o->get_default_str().empty()) out += " (default " + o->get_default_str() + ")";
        if (o->get_required() && o->nonpositional()) out += " (required)";
        return out;
    }

    std::string make_option(const CLI::Option* o, bool positional) const override {
        std::stringstream out;
        // A positional's name says what it is; it is required unless [ ] in the usage.
        CLI::detail::format_help(
            out, make_option_name(o, positional) + (positional ? "" : make_option_opts(o)),
            make_option_desc(o), column_width_);
        return out.str();
    }

    std::string make_footer(const CLI::App* app) const override {
        const CLI::App* root = app;
        while (root->get_parent())
            root = root->get_parent();
        std::string globals;
        if (root != app) {
            for (const CLI::Option* o : root->get_options())
                if (o->nonpositional() && o != root->get_help_ptr() &&
                    o->get_name(false, false) != "--version")
                    globals += make_option(o, false);
            globals = "\nGlobal options:\n" + globals;
        }
        return globals + CLI::Formatter::make_footer(app);
    }
};

} // namespace

void use_help_formatter(CLI::App& app) {
    app.formatter(std::make_shared<HelpFormatter>());
}

std::string choices(const std::vector<std::string>& words, const std::string& default_word,
                    const char* last) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? last : ", ";
        out += words[i];
        if (words[i] == default_word) out += " (default)";
    }
    return out;
}

std::vector<std::string> choices_in(const std::string& description) {
    std::vector<std::string> out;
    const size_t colon = description.rfind(": ");
    if (colon == std::string::npos) return out;
    std::string rest = description.substr(colon + 2);
    if (size_t last = rest.rfind(" or "); last != std::string::npos) rest.replace(last, 4, ", ");
    for (size_t at = 0; at <= rest.size();) {
        const size_t end = std::min(rest.find(", ", at), rest.size());
        out.push_back(rest.substr(at, end - at));
        at = end + 2;
    }
    return out;
}

} // namespace chatctl::cli
