# bash completion for chatctl: subcommands, options, and names read from the store
# (tenants, and the profiles and users of the tenant given by -t, $CHATCTL_TENANT or the
# context), and the config file's context names.
# The candidates come from `chatctl __complete WORDS... CURRENT`.

# A word as the shell would pass it: quotes and backslashes taken off.
_chatctl_unquote() {
    local w=$1
    case $w in
        \"*) w=${w#\"}; w=${w%\"} ;;
        \'*) w=${w#\'}; w=${w%\'} ;;
        *) w=$(printf '%s' "$w" | sed 's/\\\(.\)/\1/g') ;;
    esac
    printf '%s' "$w"
}

_chatctl() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    # Files: after --db, -f, --logins-from, --arrivals-profile and --plot, and as the CSV
    # file of `user import`.
    local import=0
    [[ " ${COMP_WORDS[*]:1:COMP_CWORD-1} " == *" user "*"import "* && $prev != -* && $cur != -* ]] && import=1
    if [[ $prev == --db || $prev == -f || $prev == --file || $prev == --logins-from ||
          $prev == --arrivals-profile || $prev == --plot || $import == 1 ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
    fi
    local words=() i
    for ((i = 1; i < COMP_CWORD; i++)); do words+=("$(_chatctl_unquote "${COMP_WORDS[i]}")"); done
    local current
    current=$(_chatctl_unquote "$cur")
    local candidates
    candidates=$("${COMP_WORDS[0]}" __complete "${words[@]}" "$current" 2>/dev/null) || return
    [[ -n $candidates ]] || return
    if [[ $cur == [\"\']* ]]; then
        mapfile -t COMPREPLY <<<"$candidates"   # inside quotes: as they are
    else
        # Outside quotes, escape what the shell would otherwise split or expand.
        mapfile -t COMPREPLY < <(printf '%s\n' "$candidates" | sed 's/[][ \\'"'"'"$`()&;|<>*?{}!#~]/\\&/g')
    fi
}
complete -F _chatctl chatctl
