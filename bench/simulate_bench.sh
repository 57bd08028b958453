#!/usr/bin/env bash
# simulate on a tenant of AGENTS agents (default 1,000; 3 chats, 60 s wrap-up: simulated,
# not exact), 30 replications of 8 h after 30 min, against the floor measured in the
# same run: bench/sim_floor, the same arrivals and talk times through a heap of the
# slots' end times and nothing else (the least any event-driven simulation of the load
# does). The load keeps the slots about 85% busy.
#   bash bench/simulate_bench.sh [AGENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
agents=${1:-1000}
source bench/measure.sh
floor=$PWD/build/bench/sim_floor

"$chatctl" --db "$work/store.db" -q tenant create big
{ echo login; for i in $(seq 1 "$agents"); do echo "agent$i"; done; } |
  "$chatctl" --db "$work/store.db" -q user import -t big -
talk=240
per_hour=$(( agents * 3 * 85 * 3600 / 100 / (talk + 60) ))
echo "tenant: $agents agents x 3 chats, wrap-up 60 s; $per_hour chats/h, talk ${talk}s (exponential)"
simulate=$(measure "$chatctl" --db "$work/store.db" simulate -t big --arrivals "$per_hour/h" \
  --talk "$talk" --target 80/20s -o json)
floor_run=$(measure "$floor" "$per_hour" "$talk" $((agents * 3)) 30 $((8 * 3600 + 1800)))
"$chatctl" --db "$work/store.db" simulate -t big --arrivals "$per_hour/h" --talk "$talk" \
  --target 80/20s | sed -n '4,20p'
python3 - "$floor_run" "$simulate" <<'PY'
import sys
floor, sim = [tuple(map(float, a.split())) for a in sys.argv[1:]]
print(f"floor (sim_floor): {floor[0]:.2f} s")
print(f"simulate, 30 replications: {sim[0]:.2f} s  {sim[0] / max(floor[0], 0.01):.2f}x  "
      f"peak {sim[1] / 1024:.0f} MB")
PY
