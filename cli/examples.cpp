// One or two examples for each command's --help (and the man page), in one table.
#include "help.hpp"

#include <map>
#include <string>

namespace chatctl::cli {

namespace {

const std::map<std::string, std::string>& examples() {
    static const std::map<std::string, std::string> table = {
        {"tenant create", "chatctl tenant create acme --display-name \"ACME Corp\"\n"
                          "chatctl tenant create acme --dry-run   # the plan; nothing written"},
        {"tenant edit",
         "chatctl tenant edit acme --display-name \"ACME Corporation\"\n"
         "chatctl tenant edit acme --owner ci/tenants   # hand it over to ci/tenants\n"
         "chatctl tenant edit acme --owner ''           # no owner manages it"},
        {"tenant list", "chatctl tenant list\nchatctl tenant list -o json\n"
                        "chatctl tenant list --sort-by users --no-headers\n"
                        "for t in $(chatctl tenant list -o name); do chatctl export -t \"$t\" > "
                        "\"$t.yaml\"; done"},
        {"tenant show", "chatctl tenant show acme"},
        {"tenant delete",
         "chatctl tenant delete acme\nchatctl tenant delete acme --force   # with its users"},
        {"profile add", "chatctl profile add Experts -t acme --max-chats 5 --wrap-up 2m\n"
                        "chatctl profile add \"Night shift\" -t acme --wrap-up 0 --default"},
        {"profile edit", "chatctl profile edit Experts -t acme --wrap-up 90s\n"
                         "chatctl profile edit Experts -t acme --rename \"Level 2\""},
        {"profile set-default", "chatctl profile set-default Experts -t acme"},
        {"profile delete",
         "chatctl profile delete Experts -t acme\n"
         "chatctl profile delete Experts -t acme --reassign-to Default --dry-run"},
        {"profile list",
         "chatctl profile list -t acme\nCHATCTL_TENANT=acme chatctl profile list -o yaml"},
        {"profile show", "chatctl profile show experts -t acme   # names ignore case"},
        {"user add", "chatctl user add alice -t acme --name \"Alice Martin\" --profile Experts"},
        {"user edit", "chatctl user edit alice -t acme --email alice@acme.example"},
        {"user assign", "chatctl user assign alice bob -t acme --profile Experts\n"
                        "chatctl user assign --from-profile Default -t acme --profile Experts\n"
                        "chatctl user assign --logins-from night.txt -t acme --profile Night"},
        {"user delete", "chatctl user delete alice bob -t acme\n"
                        "chatctl user delete --from-profile Trainees -t acme --dry-run\n"
                        "cut -d, -f1 leavers.csv | chatctl user delete --logins-from - -t acme "
                        "--ignore-not-found"},
        {"user import", "chatctl user import -t acme agents.csv --dry-run\n"
                        "chatctl user import every-tenant.csv   # a tenant column\n"
                        "chatctl user list -t acme -o csv | chatctl user import -t beta "
                        "--ignore-columns tenant -"},
        {"user list", "chatctl user list -t acme --profile Experts\n"
                      "chatctl user list -t acme -o csv > agents.csv\n"
                      "chatctl user list --all-tenants --sort-by email"},
        {"user find", "chatctl user find alice   # every tenant that has alice (or Alice)\n"
                      "chatctl user find alice -o name   # their tenant keys"},
        {"user show", "chatctl user show alice -t acme -o json"},
        {"history", "chatctl history -t acme --limit 10\n"
                    "chatctl history --actor ci-bot --since 2h --kind user -o csv\n"
                    "chatctl history --change 42 --all\n"
                    "chatctl history --changes --limit 5   # one line per change"},
        {"revert", "chatctl revert 42 --dry-run\nchatctl revert 42\n"
                   "chatctl revert last   # the newest change\n"
                   "chatctl apply -f acme.yaml -o json > out.json && chatctl revert \"$(jq .change "
                   "out.json)\""},
        {"simulate",
         "chatctl simulate -t acme --arrivals 150/h --talk 4m --target 80/20s\n"
         "chatctl simulate -t acme --arrivals 150/h --talk 4m --set Default.wrap_up_seconds=30\n"
         "chatctl simulate -t acme --arrivals 3/m --talk 5m --talk-dist lognormal:0.8 "
         "--patience 2m --target 80/30s --solve\n"
         "chatctl simulate -t acme --arrivals 150/h --talk 4m -f acme.yaml   # before apply\n"
         "chatctl simulate -t acme --talk 4m --target 80/20s --arrivals-profile monday.csv "
         "--shrinkage 30 --plot monday.svg"},
        {"apply", "chatctl apply -f acme.yaml\nchatctl apply -f tenants/ --prune --dry-run\n"
                  "chatctl apply -f tenants/ --prune --owner ci/tenants   # and ci/tenants' "
                  "tenants no longer declared"},
        {"plan", "chatctl plan -f acme.yaml || echo \"changes pending (exit 2)\"\n"
                 "chatctl plan -f tenants/ --prune --owner ci/tenants"},
        {"export", "chatctl export -t acme > acme.yaml"},
        {"config get-contexts", "chatctl config get-contexts\nchatctl config get-contexts -o json"},
        {"config current-context", "chatctl config current-context"},
        {"config use-context",
         "chatctl config use-context prod\nchatctl --context dev tenant list   # once, elsewhere"},
        {"config set-context",
         "chatctl config set-context dev --db ~/stores/dev.db --tenant acme\n"
         "chatctl config set-context prod --db postgresql://chatctl@db.example.com/contact "
         "--actor ci-bot"},
        {"config view", "chatctl config view   # passwords masked"},
        {"store init", "chatctl --db postgresql://owner@db.example.com/contact store init "
                       "--grant chatctl"},
        {"completion", "source <(chatctl completion bash)   # in ~/.bashrc\n"
                       "chatctl completion zsh > \"${fpath[1]}/_chatctl\"\n"
                       "chatctl completion fish > ~/.config/fish/completions/chatctl.fish"},
        {"version", "chatctl version\nchatctl version --db postgresql://db.example.com/contact "
                    "-o json"},
        {"schema", "chatctl schema > chatctl.schema.json\nchatctl schema -o yaml"},
        {"help", "chatctl help user add   # as chatctl user add --help"},
        {"store upgrade", "chatctl --db postgresql://owner@db.example.com/contact store upgrade"},
    };
    return table;
}

void attach(CLI::App* app, const std::string& path) {
    auto subs = app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
    for (CLI::App* sub : subs)
        attach(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name());
    if (auto it = examples().find(path); it != examples().end()) {
        std::string text = "\nExamples:\n";
        for (size_t pos = 0; pos < it->second.size();) {
            size_t end = it->second.find('\n', pos);
            text += "  " + it->second.substr(pos, end - pos) + "\n";
            if (end == std::string::npos) break;
            pos = end + 1;
        }
        app->footer(app->get_footer() + text); // after what the command says of itself
    }
}

} // namespace

void add_examples(CLI::App& app) {
    attach(&app, "");
}

} // namespace chatctl::cli
