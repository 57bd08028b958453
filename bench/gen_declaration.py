#!/usr/bin/env python3
"""Writes a declaration of T tenants x U users (3 profiles each), the same users as CSV
for the sqlite3 import floor and, when asked, one history row per user as CSV (the JSON
text chatctl records for a user it creates).

    gen_declaration.py TENANTS USERS_PER_TENANT OUT.yaml OUT.csv [HISTORY.csv]
"""
import json
import os
import sys

tenants, users, yaml_path, csv_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
history_path = sys.argv[5] if len(sys.argv) > 5 else os.devnull
profiles = ["Default", "Experts", "Night shift"]
with open(yaml_path, "w") as y, open(csv_path, "w") as c, open(history_path, "w") as h:
    y.write("version: 1\ntenants:\n")
    for t in range(tenants):
        key = f"tenant-{t:04d}"
        y.write(f"  - tenant: {key}\n    display_name: Tenant {t}\n    profiles:\n")
        y.write("      - name: Default\n        default: true\n")
        y.write("      - name: Experts\n        max_concurrent_chats: 5\n        wrap_up_seconds: 120\n")
        y.write("      - name: Night shift\n        max_concurrent_chats: 8\n        wrap_up_seconds: 0\n")
        y.write("    users:\n")
        for u in range(users):
            login = f"agent{u:06d}"
            profile = profiles[u % 3]
            name = f"Agent {u}"
            email = f"{login}@{key}.example"
            y.write(f"      - login: {login}\n        name: {name}\n        email: {email}\n"
                    f"        profile: {profile}\n")
            c.write(f"{key},{login},{name},{email},{profile}\n")
            after = json.dumps({"tenant": key, "login": login, "name": name, "email": email,
                                "profile": profile}, separators=(",", ":"))
            h.write(f'1,2026-12-01T00:00:00.000Z,bench,apply,{key},user,{login},create,,'
                    f'"{after.replace(chr(34), chr(34) * 2)}"\n')
