# Sourced by the benchmarks: `measure CMD...` runs a command three times (after
# `eval "$prepare"` each time, when set) and prints "seconds max_rss_kb" of the fastest.
# Needs $work, a scratch folder.
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
