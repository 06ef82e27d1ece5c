#!/bin/sh
# The unit as systemd's own tools see it: `systemd-analyze verify` accepts it
# (with ExecStart pointed at the binary under test), and the offline security
# score is 2.0 or lower (SPEC 7).
#   systemd_unit.sh UNIT PLAZOD
set -eu
unit="$1"
plazod="$2"
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/sbin/plazod|$plazod|g" "$unit" > "$work/plazod.service"
out=$(systemd-analyze verify "$work/plazod.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "verify complained: $out"; exit 1; fi
score=$(systemd-analyze security --offline=yes "$work/plazod.service" 2>&1 |
        sed -n 's/.*Overall exposure level for plazod.service: \([0-9.]*\).*/\1/p')
echo "security exposure: $score"
[ -n "$score" ] || exit 1
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
