#!/usr/bin/env bash
# The daemon's memory and reload times on a generated store (issue 18;
# default 100,000 parts in 500 files, bench/gen_store.py): resident memory
# after start, after N one-file reloads (an edited file renamed into place,
# as an editor saves) and after M SIGHUP reloads with nothing changed, and
# the reload times the daemon logs ("configuration reloaded in N ms"), as
# medians.
#   bash bench/daemon_memory.sh [EDITS] [SIGHUPS]
set -euo pipefail
cd "$(dirname "$0")/.."
edits="${1:-50}"
hups="${2:-10}"
source bench/lib.sh

reloads() { grep -ac "configuration reloaded in" "$work/big.log" || true; }
wait_reloads() {  # until the log has $1 reload lines (60 s at most)
  for _ in $(seq 600); do [ "$(reloads)" -ge "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for reload $1" >&2; return 1
}
rss() { awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
median_ms() {  # the median of the last $1 reload times in the log
  grep -ao "reloaded in [0-9]* ms" "$work/big.log" | tail -n "$1" | awk '{print $3}' | sort -n |
    awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) " ms"}'
}

python3 bench/gen_store.py "$work/big" >/dev/null
find "$work/big/store" -name '*.toml' -exec touch -d '-1 hour' {} +
mkdir -p "$work/big-state"
# A first run writes the store snapshot; the measured run starts warm.
for run in snapshot measured; do
  : >"$work/big.log"
  "$plazod" run --config "$work/big/plazod.toml" --state "$work/big-state" 2>"$work/big.log" &
  pid=$!
  for _ in $(seq 600); do grep -aq "plazod started" "$work/big.log" && break; sleep 0.1; done
  [ "$run" = measured ] && break
  kill "$pid"; wait "$pid" || true
done
echo "after start: $(rss)"
files=("$work/big/store"/*.toml)
for i in $(seq "$edits"); do
  f="${files[$((i % ${#files[@]}))]}"
  sed "s/^due = 2027-/due = 2028-/" "$f" >"$work/big/store/.edit.tmp"
  mv "$work/big/store/.edit.tmp" "$f"
  wait_reloads "$i"
done
echo "after $edits one-file reloads: $(rss); median reload $(median_ms "$edits")"
# The edits are then older than the snapshot's racy window (2 s): the first
# SIGHUP parses the files whose entries were made within it and writes the
# snapshot anew; the others find nothing changed.
sleep 3
kill -HUP "$pid"
wait_reloads $((edits + 1))
echo "first SIGHUP after the edits: $(median_ms 1)"
for i in $(seq "$hups"); do
  kill -HUP "$pid"
  wait_reloads $((edits + 1 + i))
done
echo "after $hups more SIGHUP reloads, nothing changed: $(rss); median reload $(median_ms "$hups")"
