"""Prints the declaration benchmarks' floors and ratios.

  report.py LOAD_NAME PARSE LOAD SCAN FWRITE APPLY REAPPLY PLAN EXPORT

Each figure is "seconds max_rss_kb" as measure.sh prints it; LOAD is the bulk-load floor
(sqlite3 .import, psql \\copy), named LOAD_NAME. apply is compared with parse+load,
re-apply and plan with parse+scan, export with scan+fwrite.
"""
import sys

load_name = sys.argv[1]
(parse, load, scan, write, apply, reapply, plan, export) = [
    tuple(map(float, a.split())) for a in sys.argv[2:]]
print(f"floors: parse {parse[0]:.2f} s, {load_name} {load[0]:.2f} s, scan {scan[0]:.2f} s, "
      f"fwrite {write[0]:.2f} s")
for name, (secs, rss), floor, label in [
        ("apply (empty store)", apply, parse[0] + load[0], "parse+" + load_name),
        ("re-apply (no-op)", reapply, parse[0] + scan[0], "parse+scan"),
        ("plan (in sync)", plan, parse[0] + scan[0], "parse+scan"),
        ("export", export, scan[0] + write[0], "scan+fwrite")]:
    floor = max(floor, 0.01)  # a tiny run rounds its floor to 0
    print(f"{name:20s} {secs:6.2f} s  {secs / floor:5.2f}x ({label}, {floor:.2f} s)  "
          f"peak {rss / 1024:6.0f} MB")
