# fish completion for chatctl: subcommands, options, and names read from the store
# (tenants, and the profiles and users of the tenant given by -t, $CHATCTL_TENANT or the
# context), and the config file's context names.
# The candidates come from `chatctl __complete WORDS... CURRENT`.

function __chatctl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct | string unescape)
    $tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null
end

complete -c chatctl -f -a '(__chatctl_complete)'
complete -c chatctl -l db -r -F
complete -c chatctl -s f -l file -r -F
complete -c chatctl -l logins-from -r -F
complete -c chatctl -l arrivals-profile -r -F
complete -c chatctl -l plot -r -F
complete -c chatctl -n '__fish_seen_subcommand_from import' -F
