#include "manpage.hpp"

namespace chatctl::cli {

namespace {

// roff escapes: a backslash, and a leading dot or quote.
std::string roff(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
    return out;
}

std::vector<const CLI::App*> visible(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

std::string option_name(const CLI::Option* o) {
    std::string names;
    for (const auto& s : o->get_snames())
        names += (names.empty() ? "-" : ", -") + s;
    for (const auto& l : o->get_lnames())
        names += (names.empty() ? "--" : ", --") + l;
    // The value named as --help names it (FORMAT, PATH, [PROFILE:]1:D,2:D...).
    std::string type = o->get_option_text();
    if (type.empty()) type = o->get_type_name();
    if (!type.empty()) names += " " + type;
    return names;
}

void options(const CLI::App* app, std::ostream& out) {
    for (const CLI::Option* o : app->get_options()) {
        if (!o->nonpositional() || o->get_lnames() == std::vector<std::string>{"help"}) continue;
        out << ".TP\n.B " << roff(option_name(o)) << "\n" << roff(o->get_description());
        if (!o->get_default_str().empty()) out << " (default " << roff(o->get_default_str()) << ")";
        if (!o->get_envname().empty()) out << " (else $" << o->get_envname() << ")";
        out << "\n";
    }
}

void command(const CLI::App* app, const std::string& prefix, std::ostream& out) {
    std::string name = prefix + " " + app->get_name();
    auto subs = visible(app);
    if (!subs.empty()) {
        for (const CLI::App* sub : subs)
            command(sub, name, out);
        return;
    }
    std::string usage = name;
    for (const CLI::Option* o : app->get_options())
        if (o->get_positional()) usage += " " + o->get_name();
    out << ".SS " << roff(usage.substr(1)) << "\n" << roff(app->get_description()) << "\n";
    options(app, out);
    std::string footer = app->get_footer();
    if (auto first = footer.find_first_not_of('\n'); first != std::string::npos)
        footer = footer.substr(first);
    if (!footer.empty()) {
        out << ".PP\n.nf\n";
        for (size_t pos = 0; pos < footer.size();) {
            size_t end = footer.find('\n', pos);
            out << roff(footer.substr(pos, end - pos)) << "\n";
            if (end == std::string::npos) break;
            pos = end + 1;
        }
        out << ".fi\n";
    }
}

} // namespace

void write_manpage(const CLI::App& app, std::ostream& out) {
    out << ".TH CHATCTL 1 \"\" \"chatctl " CHATCTL_VERSION "\" \"User Commands\"\n"
        << ".SH NAME\nchatctl \\- administer the chat handling profiles of a multi\\-tenant "
           "contact center\n"
        << ".SH SYNOPSIS\n.B chatctl\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
        << ".SH DESCRIPTION\n"
           "chatctl keeps tenants, their chat handling profiles (how many chats an agent "
           "receives at once, how long the wrap\\-up after a conversation lasts, which profile "
           "new users get) and their users in one SQLite file or a shared PostgreSQL database, "
           "and can converge it to YAML declarations. Every write is one transaction, checked "
           "against the rules, and recorded in the store's history. On a terminal, long work "
           "(apply, user import, revert, export, simulate) shows its progress on stderr after "
           "a second, erased when done; never in a pipe, a file, or with \\-q.\n"
           ".PP\napply \\-\\-prune deletes only within the declared tenants: the profiles and "
           "users they no longer declare; it never deletes a tenant. apply \\-\\-owner NAME "
           "records that NAME manages each declared tenant, and apply \\-\\-prune "
           "\\-\\-owner NAME also deletes, with their profiles and users, the tenants NAME "
           "manages and no longer declares; tenants of other owners, or of none, are never "
           "touched.\n"
        << ".SS Writes\n"
           "Every write command takes \\-\\-dry\\-run: it prints the plan the command "
           "would write, as \\fBplan\\fR prints one, writes nothing and exits 0. A committed "
           "write prints its change number last, \\fBChange 17 committed.\\fR on stderr (not "
           "with \\-q), and its JSON or YAML document holds \\fBchange\\fR at the top level "
           "(null when nothing was committed): \\fBchatctl revert \"$(jq .change out.json)\"\\fR "
           "undoes it, \\fBchatctl revert last\\fR undoes the newest change.\n"
           ".PP\nA write that gives up waiting for the store's lock (exit 6) names the writer "
           "that holds it: its actor, command, process, host and since when.\n"
        << ".SS Output\n"
           "\\-o name prints one key per line: tenant keys, profile names, logins (user find: "
           "the tenants that have the login), context names, change numbers. Tables take "
           "\\-\\-no\\-headers (so does \\-o csv), lists \\-\\-sort\\-by FIELD (a field of "
           "their JSON form). On a terminal, list tables fit its width (COLUMNS, else the "
           "terminal's), long cells cut with \\[u2026]; never in a pipe or another format.\n"
        << ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n";
    options(&app, out);
    out << ".SH COMMANDS\n";
    for (const CLI::App* sub : visible(&app))
        command(sub, "", out);
    out << ".SH FILES\n.TP\n.I $XDG_DATA_HOME/chatctl/chatctl.db\n"
           "The store when neither \\-\\-db nor CHATCTL_DB names one "
           "(\\fI~/.local/share/chatctl/chatctl.db\\fR when XDG_DATA_HOME is unset). Created "
           "by the first write command, mode 0600.\n"
           ".TP\n.I STORE\\-writer\n"
           "Beside a store file, while a write holds its lock: who writes (actor, command, "
           "host, process, since when), mode 0600, removed when the write ends.\n"
           ".TP\n.I $XDG_CONFIG_HOME/chatctl/config.yaml\n"
           "The config file when CHATCTL_CONFIG does not name one "
           "(\\fI~/.config/chatctl/config.yaml\\fR when XDG_CONFIG_HOME is unset): "
           "current\\-context and contexts, each with db, tenant, actor, output and "
           "lock\\-timeout. A missing file is no error; a malformed one is invalid input at "
           "its FILE:LINE:COLUMN. Written only by config use\\-context (current\\-context "
           "alone) and config set\\-context, in place, keeping comments.\n"
           ".TP\n.I /usr/share/chatctl/chatctl.schema.json\n"
           "The JSON Schema of declarations.\n"
        << ".SH ENVIRONMENT\n"
           ".TP\n.B CHATCTL_DB\nThe store, when \\-\\-db is not given: a file's path, or a "
           "PostgreSQL "
           "connection URI (postgresql://... or postgres://..., in any case) or keyword/value "
           "string (host=... dbname=...); libpq's PG* variables and ~/.pgpass apply. Any other "
           "URI is refused. A given path's folder must exist.\n"
           ".TP\n.B CHATCTL_TENANT\nThe tenant of profile and user commands, when \\-t is not "
           "given.\n"
           ".TP\n.B CHATCTL_ACTOR\nWho history records, when \\-\\-actor is not given (else "
           "the context's actor, else a CI's user: $GITHUB_ACTOR when $GITHUB_ACTIONS is true, "
           "$GITLAB_USER_LOGIN when $GITLAB_CI is true; else the login name).\n"
           ".TP\n.B CHATCTL_CONTEXT\nThe context to take settings from, when \\-\\-context "
           "is not given (else the config file's current\\-context). Each setting comes from "
           "the command line, else its variable, else the context, else the default.\n"
           ".TP\n.B CHATCTL_CONFIG\nThe config file.\n"
           ".TP\n.B CHATCTL_ERROR_FORMAT\ntext, or github: errors and warnings located in a "
           "file are also written as GitHub Actions annotations "
           "(::error file=PATH,line=L,col=C::MESSAGE), when \\-\\-error\\-format is not "
           "given.\n"
           ".TP\n.B PGCONNECT_TIMEOUT\nHow long connecting to a PostgreSQL store may take, "
           "when its URI does not say (else 10 seconds). A server that does not answer in "
           "time is a store error.\n"
           ".TP\n.B XDG_DATA_HOME\nWhere the default store lives.\n"
           ".TP\n.B XDG_CONFIG_HOME\nWhere the default config file lives.\n"
           ".TP\n.B NO_COLOR\nWhen set and not empty, output is not coloured unless "
           "\\-\\-color always is given.\n"
           ".TP\n.B TERM\nWhen dumb, output is not coloured unless \\-\\-color always is "
           "given.\n"
           ".TP\n.B COLUMNS\nThe width tables are cut to on a terminal, when it is a positive "
           "number (else the terminal's own).\n"
        << ".SH EXIT STATUS\n"
           ".TP\n.B 0\nSuccess; for plan, the store already matches.\n"
           ".TP\n.B 1\nInternal error (a bug).\n"
           ".TP\n.B 2\nplan only: changes are pending.\n"
           ".TP\n.B 3\nNot found: tenant, profile or user.\n"
           ".TP\n.B 4\nConflict: a rule forbids it, or it already exists.\n"
           ".TP\n.B 5\nInvalid input: a malformed or out\\-of\\-range value, a bad YAML file, a "
           "schema violation.\n"
           ".TP\n.B 6\nStore error: cannot open or create, locked past the timeout, corrupt, "
           "read\\-only, newer schema.\n"
           ".TP\n.B 7\nA change was committed, but its output (or its change number line) "
           "could not be written.\n"
           ".TP\n.B 64\nUsage: unknown command or option, missing argument or option value.\n";
}

} // namespace chatctl::cli
