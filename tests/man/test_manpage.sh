#!/usr/bin/env bash
# chatctl(1) against the real command list: every command the binary offers (as its
# completion lists them) has a section with its usage, every long option of its --help
# is described there, and the page renders without warnings.
#   test_manpage.sh CHATCTL_BINARY MANPAGE
set -uo pipefail
bin=$1
page=$2
export CHATCTL_DB=/nonexistent/chatctl.db
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# The section of one command: from its .SS line to the next.
section() { awk -v head=".SS ${1//-/\\-}" 'index($0, head) == 1 { on = 1; print; next } /^\.S[SH] / { on = 0 } on' "$page"; }

commands=()
for top in $("$bin" __complete ""); do
  # A group's candidates are its subcommands; a command's are values (revert: last).
  subs=""
  "$bin" "$top" --help | grep -q '^Subcommands:' && subs=$("$bin" __complete "$top" "")
  if [[ -z $subs ]]; then commands+=("$top"); else for s in $subs; do commands+=("$top $s"); done; fi
done
[[ ${#commands[@]} -ge 20 ]] || fail "only ${#commands[@]} commands found"
for c in "${commands[@]}"; do
  text=$(section "$c")
  if [[ -z $text ]]; then fail "no section for '$c'"; continue; fi
  passed=$((passed + 1))
  # shellcheck disable=SC2086
  for opt in $("$bin" $c --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    [[ $opt == --help ]] && continue
    man_opt=${opt//-/\\-}
    if grep -qF -- "$man_opt" <<<"$text" ||
       awk '/^\.SH GLOBAL OPTIONS/,/^\.SH COMMANDS/' "$page" | grep -qF -- "$man_opt"; then
      passed=$((passed + 1))
    else
      fail "'$c': $opt is not in the man page"
    fi
  done
done
for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS FILES ENVIRONMENT "EXIT STATUS"; do
  if grep -q "^\.SH $s" "$page"; then passed=$((passed + 1)); else fail "no $s section"; fi
done
for code in 0 1 2 3 4 5 6 7 64; do
  if awk '/^\.SH EXIT STATUS/,0' "$page" | grep -qx "\.B $code"; then passed=$((passed + 1)); else fail "exit code $code"; fi
done
warnings=$(groff -man -ww -z "$page" 2>&1)
if [[ -z $warnings ]]; then passed=$((passed + 1)); else fail "groff warnings: $warnings"; fi
echo "manpage: $passed passed, $failed failed"
[[ $failed == 0 ]]
