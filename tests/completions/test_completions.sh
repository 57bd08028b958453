#!/usr/bin/env bash
# Runs the real bash, zsh and fish completions against a test store.
#   test_completions.sh CHATCTL_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
command -v zsh >/dev/null && command -v fish >/dev/null || bash "$src/scripts/setup"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/chatctl"
export PATH=$work/bin:$PATH LANG=C.UTF-8 HOME=$work
unset CHATCTL_TENANT
export CHATCTL_DB=$work/store.db
q() { chatctl -q "$@" || { echo "setup failed: chatctl $*"; exit 1; }; }
q tenant create acme
q tenant create beta
q profile add "Night shift" -t acme
q profile add "Équipe été" -t acme
q profile add "It's \"quoted\"" -t acme
q profile add BetaOnly -t beta
q user add alice -t acme
q user add albert -t acme
q user add zed -t beta
q tenant edit beta --owner ci/tenants
other=$work/other.db
chatctl -q --db "$other" tenant create gamma

passed=0 failed=0
check() { # NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1))
  else failed=$((failed + 1)); printf 'FAIL %s\n--- expected\n%s\n--- got\n%s\n' "$1" "$2" "$3"; fi
}
nl=$'\n'

bash_complete() { # CWORD WORDS...
  local cword=$1; shift
  bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD='"$cword"'; _chatctl; printf "%s\n" "${COMPREPLY[@]}"' \
    "$src/completions/chatctl.bash" "$@"
}
zsh_complete() { # CURRENT WORDS...
  local current=$1; shift
  zsh -f -c 'source "$0"; compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }; _files() { print FILES }
             words=("$@"); CURRENT='"$current"'; _chatctl' "$src/completions/_chatctl" "$@"
}
fish_complete() { # LINE
  fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$src/completions/chatctl.fish" "$1"
}

# bash
check "bash: commands" "tenant${nl}profile${nl}user${nl}history${nl}revert${nl}apply${nl}plan${nl}export${nl}simulate${nl}store${nl}config${nl}completion${nl}version${nl}schema${nl}help" "$(bash_complete 1 chatctl "")"
check "bash: subcommands by prefix" "set-default${nl}show" "$(bash_complete 2 chatctl profile s)"
check "bash: options" "--db" "$(bash_complete 3 chatctl tenant list --d)"
check "bash: -o values" "json" "$(bash_complete 2 chatctl -o j)"
check "bash: tenants" "acme${nl}beta" "$(bash_complete 3 chatctl tenant show "")"
check "bash: profiles of -t only" "Default${nl}It\\'s\\ \\\"quoted\\\"${nl}Night\\ shift${nl}Équipe\\ été" \
  "$(bash_complete 5 chatctl profile show -t acme "")"
check "bash: profiles of the other tenant" "BetaOnly${nl}Default" "$(bash_complete 5 chatctl profile show -t beta "")"
check "bash: a name with a space, escaped prefix" 'Night\ shift' "$(bash_complete 5 chatctl profile show -t acme 'Night\ ')"
check "bash: inside quotes" "Équipe été" "$(bash_complete 5 chatctl profile show -t acme '"Éq')"
check "bash: --profile value" 'Night\ shift' "$(bash_complete 7 chatctl user assign alice -t acme --profile N)"
touch "$work/agents.csv"
check "bash: files after --logins-from" "$work/agents.csv" "$(bash_complete 6 chatctl user delete -t acme --logins-from "$work/ag")"
check "bash: files after --arrivals-profile" "$work/agents.csv" "$(bash_complete 5 chatctl simulate -t acme --arrivals-profile "$work/ag")"
check "bash: files after --plot" "$work/agents.csv" "$(bash_complete 3 chatctl simulate --plot "$work/ag")"
check "bash: the CSV file of user import" "$work/agents.csv" "$(bash_complete 5 chatctl user import -t acme "$work/ag")"
check "bash: -t of user import is a tenant" "acme" "$(bash_complete 4 chatctl user import -t a)"
check "bash: logins" "albert${nl}alice" "$(bash_complete 5 chatctl user show -t acme al)"
check "bash: CHATCTL_TENANT" "zed" "$(CHATCTL_TENANT=beta bash_complete 3 chatctl user show "")"
check "bash: --db on the line" "gamma" "$(bash_complete 5 chatctl --db "$other" tenant show "")"
check "bash: no store" "" "$(bash_complete 5 chatctl --db "$work/none.db" tenant show "")"
check "bash: revert last" "last" "$(bash_complete 2 chatctl revert "")"
check "bash: completion's shells" "bash${nl}zsh${nl}fish" "$(bash_complete 2 chatctl completion "")"
check "bash: help's commands" "user" "$(bash_complete 2 chatctl help us)"
check "bash: help's subcommands" "import" "$(bash_complete 3 chatctl help user im)"
check "bash: -o name" "name" "$(bash_complete 2 chatctl -o n)"
check "bash: --sort-by fields" "display_name" "$(bash_complete 4 chatctl tenant list --sort-by di)"
check "bash: --no-headers" "--no-headers" "$(bash_complete 2 chatctl history --no-h)"
check "bash: --all-tenants" "--all-tenants" "$(bash_complete 3 chatctl user list --all)"
check "bash: the printed script completes as the file does" "acme${nl}beta" \
  "$(bash -c 'source <(chatctl completion bash); COMP_WORDS=(chatctl tenant show ""); COMP_CWORD=3; _chatctl; printf "%s\n" "${COMPREPLY[@]}"')"
check "bash: --dry-run on a write" "--dry-run" "$(bash_complete 4 chatctl tenant create x --dr)"
check "bash: --dry-run on a bulk verb" "--dry-run" "$(bash_complete 3 chatctl user delete --dr)"
[[ ! -e $work/none.db ]] && check "bash: no store is created" ok ok || check "bash: no store is created" ok created
check "bash: --owner of apply" "--owner" "$(bash_complete 4 chatctl apply -f x --ow)"
check "bash: owners after --owner" "ci/tenants" "$(bash_complete 3 chatctl plan --owner "")"
check "bash: owners after tenant edit --owner" "ci/tenants" "$(bash_complete 5 chatctl tenant edit acme --owner c)"

# Contexts: their names, and the names of the store and tenant of the one in use.
mkdir -p "$work/.config/chatctl"
cat >"$work/.config/chatctl/config.yaml" <<EOF
current-context: other
contexts:
  other: {db: "$other"}
  beta-ctx: {db: "$work/store.db", tenant: beta}
  "night shift": {}
EOF
check "bash: context names after --context" "beta-ctx" "$(bash_complete 2 chatctl --context b)"
check "bash: context names of use-context" "other${nl}beta-ctx${nl}night\\ shift" "$(bash_complete 3 chatctl config use-context "")"
check "bash: the current context's store" "gamma" "$(env -u CHATCTL_DB bash -c 'source "$0"; COMP_WORDS=(chatctl tenant show ""); COMP_CWORD=3; _chatctl; printf "%s\n" "${COMPREPLY[@]}"' "$src/completions/chatctl.bash")"
check "bash: --context's store and tenant" "zed" "$(env -u CHATCTL_DB bash -c 'source "$0"; COMP_WORDS=(chatctl --context beta-ctx user show ""); COMP_CWORD=5; _chatctl; printf "%s\n" "${COMPREPLY[@]}"' "$src/completions/chatctl.bash")"
check "bash: --error-format values" "github" "$(bash_complete 2 chatctl --error-format g)"
check "bash: import's --encoding values" "iso-8859-1${nl}iso-8859-15" "$(bash_complete 4 chatctl user import --encoding iso)"
check "bash: import's --delimiter values" "tab" "$(bash_complete 4 chatctl user import --delimiter t)"
check "fish: context names" "beta-ctx" "$(fish_complete "chatctl --context b")"
check "zsh: context names" "other${nl}beta-ctx${nl}night shift" "$(zsh_complete 4 chatctl config use-context "")"
printf 'contexts: {broken\n' >"$work/.config/chatctl/config.yaml"
check "bash: a broken config file offers nothing, and no error" "" "$(bash_complete 2 chatctl --context "")"
check "bash: a broken config file leaves the rest" "tenant" "$(bash_complete 1 chatctl te)"
rm -r "$work/.config"

# zsh
check "zsh: commands" "tenant${nl}profile${nl}user${nl}history${nl}revert${nl}apply${nl}plan${nl}export${nl}simulate${nl}store${nl}config${nl}completion${nl}version${nl}schema${nl}help" "$(zsh_complete 2 chatctl "")"
check "zsh: profiles of -t only" "Default${nl}It's \"quoted\"${nl}Night shift${nl}Équipe été" \
  "$(zsh_complete 6 chatctl profile show -t acme "")"
check "zsh: escaped prefix" "Night shift" "$(zsh_complete 6 chatctl profile show -t acme 'Night\ ')"
check "zsh: profiles of the other tenant" "BetaOnly${nl}Default" "$(zsh_complete 6 chatctl profile show -t beta "")"
check "zsh: --db on the line" "gamma" "$(zsh_complete 6 chatctl --db "$other" tenant show "")"
check "zsh: no store" "" "$(zsh_complete 6 chatctl --db "$work/none.db" tenant show "")"
check "zsh: revert last" "last" "$(zsh_complete 3 chatctl revert "")"
check "zsh: --sort-by fields" "login" "$(zsh_complete 5 chatctl user find --sort-by l)"
check "zsh: --dry-run on a write" "--dry-run" "$(zsh_complete 5 chatctl profile set-default x --dr)"
check "zsh: files after --db" "FILES" "$(zsh_complete 3 chatctl --db "")"
check "zsh: files after --logins-from" "FILES" "$(zsh_complete 5 chatctl user delete --logins-from "")"
check "zsh: files after --arrivals-profile" "FILES" "$(zsh_complete 4 chatctl simulate --arrivals-profile "")"
check "zsh: the CSV file of user import" "FILES" "$(zsh_complete 6 chatctl user import -t acme "")"
check "zsh: owners after --owner" "ci/tenants" "$(zsh_complete 4 chatctl apply --owner "")"

# fish
check "fish: subcommands" "profile" "$(fish_complete "chatctl pro")"
check "fish: profiles of -t only" "Default${nl}It's \"quoted\"${nl}Night shift${nl}Équipe été" \
  "$(fish_complete "chatctl profile show -t acme ")"
check "fish: escaped prefix" "Night shift" "$(fish_complete 'chatctl profile show -t acme Night\ ')"
check "fish: accents" "Équipe été" "$(fish_complete "chatctl profile show -t acme 'Équ")"
check "fish: --db on the line" "gamma" "$(fish_complete "chatctl --db $other tenant show ")"
check "fish: no store" "" "$(fish_complete "chatctl --db $work/none.db tenant show ")"
check "fish: revert last" "last" "$(fish_complete "chatctl revert l")"
check "fish: completion's shells" "fish" "$(fish_complete "chatctl completion f")"
check "fish: help's subcommands" "set-default" "$(fish_complete "chatctl help profile set")"
check "fish: --dry-run on a write" "--dry-run" "$(fish_complete "chatctl user add bob --dry")"
check "fish: -o values" "json" "$(fish_complete "chatctl tenant list -o j")"
check "fish: owners after --owner" "ci/tenants" "$(fish_complete "chatctl apply --prune --owner ")"
check "fish: files after --logins-from" "$work/agents.csv" "$(fish_complete "chatctl user delete -t acme --logins-from $work/ag")"
check "fish: files after --plot" "$work/agents.csv" "$(fish_complete "chatctl simulate --plot $work/ag")"
check "fish: the CSV file of user import" "$work/agents.csv" "$(fish_complete "chatctl user import -t acme $work/ag")"

echo "completions: $passed passed, $failed failed"
[[ $failed == 0 ]]
