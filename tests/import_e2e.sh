#!/bin/sh
# End to end, as an admin would do it: import the sample report into an empty
# store folder, check the store with the embedded default settings, and ask
# for the status on 2026-12-05 (SPEC 2: nine overdue, one due within 30 days,
# five fulfilled); then fold the same report in with --update, which changes
# nothing.
#   import_e2e.sh PLAZOD REPORT.txt
set -eu
plazod="$1"
report="$2"
dir=$(mktemp -d "${TMPDIR:-/tmp}/plazo-import-e2e.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/store" "$dir/state"

"$plazod" import "$report" --owner encargado.pil@example.gob.cl >"$dir/store/pil.toml"
"$plazod" check --store "$dir/store" --state "$dir/state"
"$plazod" status --store "$dir/store" --state "$dir/state" --at 2026-12-05 --json >"$dir/status.json"

python3 - "$dir/status.json" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
counts = {k: len(status[k]) for k in ("overdue", "due_soon", "later", "fulfilled")}
expected = {"overdue": 9, "due_soon": 1, "later": 0, "fulfilled": 5}
if counts != expected:
    sys.exit(f"status counts {counts}, expected {expected}")
soon = status["due_soon"][0]
if (soon["commitment"], soon["due"], soon["days_left"]) != ("c8-p2", "2026-12-31", 26):
    sys.exit(f"due soon: {soon}")
print("ok:", counts)
PY

# The same report again with --update: nothing changes, nothing is written,
# no backup appears; the store still checks.
"$plazod" import "$report" --update "$dir/store/pil.toml" --json >"$dir/update.json"
python3 - "$dir/update.json" <<'PY'
import json, sys
update = json.load(open(sys.argv[1]))
if update["changes"] or update["added"] or update["not_in_report"] or update["written"]:
    sys.exit(f"a second import --update changed something: {update}")
print("ok: --update with the same report changes nothing")
PY
test ! -e "$dir/store/pil.toml~"
"$plazod" check --store "$dir/store" --state "$dir/state"
