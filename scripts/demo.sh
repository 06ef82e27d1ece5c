#!/usr/bin/env bash
# Installs what is missing, builds plazod and runs it on the bundled sample:
#  1. checks the example settings and store and shows where every commitment
#     of the sample report stands today;
#  2. runs the daemon (`plazod run`) for 20 seconds with the embedded
#     defaults (no settings file: the built-in dipres schedule, e-mail written
#     to the outbox folder) on a copy of the sample store plus one demo part
#     due 10 seconds from now, so its "due" alert appears, then shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target plazod
plazod="$PWD/build/release/plazod"

echo "== plazod check, plazod status (the sample report)"
"$plazod" check --config examples/plazod.toml
"$plazod" status --config examples/plazod.toml

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/store" "$work/state"
# Webhooks need settings to name them; the embedded defaults have none.
grep -v '^webhooks = ' examples/store/sence-intermediacion-laboral.toml > "$work/store/sence.toml"
due="$(date -u -d '+10 seconds' +%Y-%m-%dT%H:%M:%SZ)"
cat > "$work/store/demo.toml" <<TOML
[program]
id = "demo"
name = "Programa de demostración"
owners = ["encargado.demo@example.gob.cl"]

[[commitment]]
number = 1
text = "Enviar el informe de avance del piloto."
verification = "Informe de avance firmado."
due = $due
TOML

echo
echo "== plazod run (embedded defaults) for 20 s; a demo part is due at $due"
timeout -s TERM 20 "$plazod" run --store "$work/store" --state "$work/state" || true
echo
echo "== the outbox: $work/state/outbox/new/"
ls "$work/state/outbox/new/"
for f in "$work/state/outbox/new/"*.eml; do
  python3 - "$f" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for h in ("From", "To", "Date", "Subject"):
    print(f"{h}: {m[h]}")
print()
print(m.get_body(preferencelist=("plain",)).get_content())
PY
done
