# Sourced by the benchmarks, from the project's root, first: installs `time` (and the
# packages in $bench_packages), builds (the floors are built beside chatctl), and sets
# $chatctl (CHATCTL=PATH measures another build, an older one say) and $work, a scratch
# folder removed on exit (a benchmark that removes more sets its own trap, and removes
# $work in it). `measure CMD...` runs a command three times (after `eval "$prepare"`
# each time, when set) and prints "seconds max_rss_kb" of the fastest.
bash scripts/setup time ${bench_packages:-}
bash scripts/build >/dev/null
chatctl=${CHATCTL:-$PWD/build/cli/chatctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prepare=""
measure() {
  local best="" line
  for _ in 1 2 3; do
    if [ -n "$prepare" ]; then eval "$prepare"; fi
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/out" 2>/dev/null || true
    line=$(tail -1 "$work/time")
    if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$line
    fi
  done
  echo "$best"
}
