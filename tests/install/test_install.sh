#!/usr/bin/env bash
# cmake --install under a temporary prefix puts every file in its place, and the .deb
# that CPack builds installs with dpkg, declares its dependencies, and works from the
# installed files (binary, man page, bash completion). The package part changes the
# machine, so it needs root (CI runs as root).
#   test_install.sh BUILD_DIR
set -uo pipefail
build=$1
work=$(mktemp -d)
installed_deb=""
cleanup() {
  [[ -n $installed_deb ]] && dpkg -r chatctl >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
check() { # NAME COMMAND...
  local name=$1; shift
  if "$@" >"$work/out" 2>&1; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL $name"; cat "$work/out"; fi
}
# The binary at PATH reaches its PostgreSQL module: a store on a server that is not there
# is a connection failure (exit 6), not a missing module.
finds_module() { # PATH
  local out
  out=$("$1" --db 'postgresql:///chatctl?host=/nonexistent' tenant list 2>&1)
  [[ $? == 6 && $out != *"module is not installed"* && $out == *nonexistent* ]] || { echo "$out"; return 1; }
}
completes() { # BASH_COMPLETION_FILE EXPECTED WORDS...
  local file=$1 expected=$2; shift 2
  local got
  got=$(bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _chatctl; printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@")
  [[ $got == "$expected" ]] || { echo "expected [$expected], got [$got]"; return 1; }
}

prefix=$work/prefix
check "cmake --install" cmake --install "$build" --prefix "$prefix"
for f in bin/chatctl share/man/man1/chatctl.1.gz share/doc/chatctl/copyright \
         share/doc/chatctl/changelog.Debian.gz share/bash-completion/completions/chatctl \
         share/zsh/vendor-completions/_chatctl share/fish/vendor_completions.d/chatctl.fish \
         share/chatctl/chatctl.schema.json lib/chatctl/libchatctl-postgres.so; do
  check "installed $f" test -f "$prefix/$f"
done
check "installed binary runs" "$prefix/bin/chatctl" --version
check "installed binary finds its PostgreSQL module" finds_module "$prefix/bin/chatctl"
check "installed export names the installed schema" bash -c "CHATCTL_DB='$work/modeline.db' '$prefix/bin/chatctl' -q tenant create acme &&
  CHATCTL_DB='$work/modeline.db' '$prefix/bin/chatctl' export | head -1 | grep -qx '# yaml-language-server: [$]schema=file://$prefix/share/chatctl/chatctl.schema.json'"
check "installed man page renders" bash -c "MANWIDTH=80 man -l '$prefix/share/man/man1/chatctl.1.gz' | grep -q 'EXIT STATUS'"
check "installed bash completion" env PATH="$prefix/bin:$PATH" CHATCTL_DB="$work/none.db" \
  bash -c "$(declare -f completes); completes '$prefix/share/bash-completion/completions/chatctl' 'profile' chatctl prof"

if [[ $(id -u) != 0 ]]; then
  echo "the .deb part needs root: run as root (as CI does)"
  echo "install: $passed passed, $failed failed"
  exit 77
fi
check "cpack builds a .deb" bash -c "cd '$build' && cpack -G DEB -B '$work/pkg' >/dev/null"
deb=$(ls "$work"/pkg/chatctl_*.deb 2>/dev/null | head -1)
check "the .deb declares its libraries" bash -c "dpkg-deb -f '$deb' Depends | grep 'libyaml-0-2' | grep -q 'libpq5'"
check "the .deb ships the PostgreSQL module" bash -c "dpkg-deb -c '$deb' | grep -q ' ./usr/lib/chatctl/libchatctl-postgres.so$'"
check "the .deb has a section and a priority" bash -c "dpkg-deb -f '$deb' Section Priority | tr '\n' ' ' | grep -qx 'Section: admin Priority: optional '"
# Debian's own checker: no error. The warnings left are listed in the README.
check "lintian finds no error" bash -c "lintian --fail-on error '$deb'"
if dpkg -i "$deb" >"$work/out" 2>&1; then installed_deb=$deb; passed=$((passed + 1))
else failed=$((failed + 1)); echo "FAIL dpkg -i"; cat "$work/out"; fi
check "chatctl --version from the package" bash -c "/usr/bin/chatctl --version | grep -q '^chatctl '"
check "the package's chatctl finds its PostgreSQL module" finds_module /usr/bin/chatctl
check "the package's export names /usr/share's schema" bash -c "CHATCTL_DB='$work/modeline.db' /usr/bin/chatctl export | head -1 | grep -qx '# yaml-language-server: [$]schema=file:///usr/share/chatctl/chatctl.schema.json'"
check "man chatctl from the package" bash -c "MANWIDTH=80 man -P cat chatctl | grep -q 'EXIT STATUS'"
check "bash completion from the package" env CHATCTL_DB="$work/none.db" \
  bash -c "$(declare -f completes); completes /usr/share/bash-completion/completions/chatctl 'set-default' chatctl profile set-"
check "the package's files are listed" bash -c "dpkg -L chatctl | grep -q /usr/share/fish/vendor_completions.d/chatctl.fish"

echo "install: $passed passed, $failed failed"
[[ $failed == 0 ]]
