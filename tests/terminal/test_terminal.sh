#!/usr/bin/env bash
# Colour on a terminal (a real pseudo-terminal from script(1)), never with NO_COLOR,
# TERM=dumb or --no-color, never when piped unless --color always; tables aligned on Unicode text there too. Progress of
# long work on a terminal's stderr, erased when done, and never in a pipe or with -q.
#   test_terminal.sh CHATCTL_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHATCTL_DB=$work/store.db LANG=C.UTF-8 TERM=xterm
unset NO_COLOR COLUMNS
"$bin" -q tenant create acme
"$bin" -q profile add "日本語チーム" -t acme
passed=0 failed=0
check() { # NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}
on_tty() { script -qec "$*" /dev/null </dev/null | tr -d '\r'; }
esc=$'\033'

tty_out=$(on_tty "$bin" profile list -t acme)
check "colour on a terminal" grep -q "$esc\[1m" <<<"$tty_out"
check "NO_COLOR turns it off" bash -c "! grep -q \$'\\033' <<<\"\$(NO_COLOR=1 script -qec '$bin profile list -t acme' /dev/null)\""
check "an empty NO_COLOR does not" bash -c "grep -q \$'\\033' <<<\"\$(NO_COLOR= script -qec '$bin profile list -t acme' /dev/null)\""
check "--no-color turns it off" bash -c "! grep -q \$'\\033' <<<\"\$(script -qec '$bin profile list -t acme --no-color' /dev/null)\""
piped=$("$bin" profile list -t acme | cat)
check "piped: no escape codes" bash -c "! grep -q \$'\\033' <<<'$piped'"
# 日本語チーム is 12 columns wide: the DEFAULT column starts at 15 on every line.
plain=$(on_tty "$bin" --no-color profile list -t acme)
check "aligned by display width" bash -c "
  while IFS= read -r line; do
    prefix=\${line%%  true*}; prefix=\${prefix%%  false*}; prefix=\${prefix%%  DEFAULT*}
    [[ \$(printf '%s' \"\$prefix\" | wc -L) == 12 || \$(printf '%s' \"\$prefix\" | wc -L) == 7 ]] || exit 1
  done <<<'$plain'
  head -1 <<<'$plain' | grep -q '^NAME          DEFAULT'"
plan_tty=$(on_tty "$bin" profile edit Default -t acme --wrap-up 90)
check "plan signs coloured on a terminal" grep -q "$esc\[33m~" <<<"$plan_tty"

# --color: TERM=dumb turns auto off; always colours a pipe whatever NO_COLOR says; never
# and --no-color keep a terminal plain; error: and warning: coloured on a terminal's stderr.
has_esc() { grep -q "$esc\[" <<<"$1"; }
dumb=$(TERM=dumb script -qec "$bin profile list -t acme" /dev/null </dev/null)
check "TERM=dumb: no colour" bash -c "! grep -q \$'\\033' <<<'$dumb'"
always=$(NO_COLOR=1 "$bin" --color always profile list -t acme | cat)
check "--color always: colour in a pipe, NO_COLOR or not" has_esc "$always"
always_dumb=$(TERM=dumb "$bin" profile list -t acme --color=ALWAYS | cat)
check "--color always: colour with TERM=dumb" has_esc "$always_dumb"
never=$(on_tty "$bin" --color never profile list -t acme)
check "--color never: none on a terminal" bash -c "! grep -q \$'\\033' <<<'$never'"
both=$(on_tty "$bin" --color always --no-color profile list -t acme)
check "--no-color wins over --color always" bash -c "! grep -q \$'\\033' <<<'$both'"
tty_err=$(on_tty "$bin" profile list -t nosuch)
check "error: in red on a terminal" grep -q "chatctl: $esc\[1;31merror:$esc\[0m tenant" <<<"$tty_err"
piped_err=$("$bin" profile list -t nosuch 2>&1 | cat)
check "error: plain in a pipe" grep -q "^chatctl: error: tenant" <<<"$piped_err"
usage_err=$("$bin" --color always profile list --bogus 2>&1 | cat)
check "a usage error coloured with --color always" grep -q "$esc\[1;31merror:" <<<"$usage_err"
heavy=(simulate --pool 14 --max-chats 1 --wrap-up 30 --arrivals 234/h --talk 180 --replications 3 --duration 1h)
tty_warn=$(on_tty "$bin" "${heavy[*]}")
check "warning: in yellow on a terminal" grep -q "simulate: $esc\[1;33mwarning:$esc\[0m scenario" <<<"$tty_warn"
dumb_warn=$(TERM=dumb script -qec "$bin ${heavy[*]}" /dev/null </dev/null)
check "warning: plain with TERM=dumb" grep -q "simulate: warning: scenario" <<<"$dumb_warn"
bad=$("$bin" --color sometimes tenant list 2>&1)
check "--color sometimes: invalid input" test $? = 5
check "--color sometimes refused" grep -q -- "--color: \"sometimes\" is not one of auto, always, never" <<<"$bad"

# History's times: local, to the second, on a terminal; UTC with Z for programs.
local_history=$(TZ=LOC-3 script -qec "$bin -q history --limit 1" /dev/null </dev/null | tr -d '\r')
check "history on a terminal: local time" grep -Eq '20[0-9-]{8} [0-9:]{8} \+03:00' <<<"$local_history"
piped_history=$(TZ=LOC-3 "$bin" -q history --limit 1 | cat)
check "history piped: UTC" grep -Eq '20[0-9-]{8}T[0-9:]{8}\.[0-9]{3}Z' <<<"$piped_history"

# Tables fit the terminal: $COLUMNS when set, else the terminal's width; long cells cut
# with …, never in a pipe, a file or another format.
"$bin" -q tenant create wide
"$bin" -q profile add "A profile whose name is longer than most" -t wide \
  --description "$(printf 'word %.0s' {1..40})"
fits() { # WIDTH TEXT: every line at most WIDTH columns, and one of them cut
  [[ $(wc -L <<<"$2") -le $1 ]] && grep -q '…' <<<"$2"
}
check "COLUMNS: the table fits" fits 60 "$(COLUMNS=60 on_tty "$bin" --no-color profile list -t wide)"
check "the terminal's width" fits 70 "$(on_tty "stty cols 70; $bin --no-color profile list -t wide")"
check "COLUMNS before the terminal's width" fits 100 "$(COLUMNS=100 on_tty "stty cols 300; $bin --no-color history --limit 3")"
wide=$(on_tty "stty cols 400; $bin --no-color profile list -t wide")
check "a wide terminal: nothing cut" bash -c "! grep -q '…' <<<\"\$1\"" _ "$wide"
uncut() { ! grep -q '…' <<<"$1" && grep -q 'word word word word word word word word word word word word' <<<"$1"; }
check "never cut in a pipe" uncut "$(COLUMNS=40 "$bin" profile list -t wide | cat)"
check "never cut in JSON" uncut "$(COLUMNS=40 on_tty "$bin" profile list -t wide -o json)"
check "never cut in CSV" uncut "$(COLUMNS=40 on_tty "$bin" profile list -t wide -o csv)"
check "show is never cut" uncut "$(COLUMNS=40 on_tty "$bin profile show 'A profile whose name is longer than most' -t wide")"

# Long work: a declaration of 300,000 users takes a few seconds to apply (its progress
# shows after one).
big() { # FILE TENANT
  awk -v t="$2" 'BEGIN { print "tenants:\n  - tenant: " t "\n    users:";
    for (i = 0; i < 300000; i++) printf "      - login: u%06d\n", i }' >"$1"
}
big "$work/big1.yaml" big1
big "$work/big2.yaml" big2
big "$work/big3.yaml" big3
progress_line='[0-9,]+ changes, [0-9,]+/s, [0-9]+ s'
shown=$(on_tty "$bin" apply -f "$work/big1.yaml" ">/dev/null")
check "apply: progress on a terminal" grep -Eq "$progress_line" <<<"$shown"
erased_after_last() { [[ ${1##*, } == *"$esc[K"* ]]; } # after the last line drawn
check "apply: the line erased at the end" erased_after_last "$shown"
# export is quick: a reader that waits makes it last (a full pipe holds it back).
exported=$(on_tty "$bin" export "| { sleep 2; cat >/dev/null; }")
check "export: progress on a terminal" grep -Eq '[0-9,]+ users, [0-9,]+/s' <<<"$exported"
"$bin" apply -f "$work/big2.yaml" >/dev/null 2>"$work/err.txt"
none() { ! grep -Eq "$progress_line|$esc" "$@"; }
check "no progress when stderr is a file" none "$work/err.txt"
quiet=$(on_tty "$bin" -q apply -f "$work/big3.yaml")
check "no progress with -q" none <<<"$quiet"

echo "terminal: $passed passed, $failed failed"
[[ $failed == 0 ]]
