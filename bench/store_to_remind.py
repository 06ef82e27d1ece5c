#!/usr/bin/env python3
"""Writes the open commitment parts of a plazo store as remind(1) reminders,
one REM per part: the due date, 60 days of advance warning, 09:00, moved
back off weekends (OMIT SAT SUN BEFORE) like plazo's dipres schedule, and a
message with program, part and the start of its text.

usage: store_to_remind.py STORE_DIR OUT.rem
"""
import os
import sys
import tomllib

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def main():
    store, out = sys.argv[1], sys.argv[2]
    count = 0
    with open(out, "w") as f:
        for name in sorted(os.listdir(store)):
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(store, name), "rb") as g:
                data = tomllib.load(g)
            pid = data["program"]["id"]
            for c in data.get("commitment", []):
                if c.get("status") == "cumplido" or "submitted" in c:
                    continue
                due = c["due"]
                text = c.get("text", "")[:80].replace("%", "%%").replace("[", "(")
                f.write(f"REM {due.day} {MONTHS[due.month - 1]} {due.year} +60 OMIT SAT SUN BEFORE "
                        f"AT 09:00 MSG {pid} {c['id']}: {text} %b\n")
                count += 1
    print(f"{count} reminders", file=sys.stderr)


if __name__ == "__main__":
    main()
