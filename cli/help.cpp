#include "help.hpp"

namespace chatctl::cli {

namespace {

// CLI11's help, with the options every command takes (those of chatctl itself) listed in
// each command's help before its examples.
class HelpFormatter : public CLI::Formatter {
  public:
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

} // namespace chatctl::cli
