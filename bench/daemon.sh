#!/usr/bin/env bash
# Figures of the running daemon (SPEC 8):
#  1. idle: voluntary context switches of `plazod run` over 60 s on the
#     bundled sample store, where nothing is due for days (no wake-ups);
#  2. a 100,000-part store (bench/gen_store.py): start-up time and resident
#     memory once loaded;
#  3. reload: time from renaming one edited store file into place to the new
#     plan in force, as the daemon logs it ("configuration reloaded in N ms"),
#     over 5 edits.
#   bash bench/daemon.sh [IDLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${1:-60}"
source bench/lib.sh

wait_log() {  # wait_log FILE PATTERN: until PATTERN appears in FILE (30 s at most)
  for _ in $(seq 300); do grep -aq "$2" "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$1/status"; }

echo "== idle: $idle s on the sample store"
mkdir -p "$work/idle-state"
"$plazod" run --config examples/plazod.toml --state "$work/idle-state" 2>"$work/idle.log" &
pid=$!
wait_log "$work/idle.log" "plazod started"
sleep 1
before=$(switches "$pid")
sleep "$idle"
after=$(switches "$pid")
echo "voluntary context switches over $idle s: $((after - before))"
kill "$pid"; wait "$pid" || true; pid=""

echo "== 100,000 parts in 500 files"
python3 bench/gen_store.py "$work/big"
start=$(date +%s.%N)
"$plazod" run --config "$work/big/plazod.toml" --state "$work/big-state" 2>"$work/big.log" &
pid=$!
wait_log "$work/big.log" "plazod started"
echo "start-up to loaded: $(echo "$(date +%s.%N) - $start" | bc) s"
grep -E "^(VmRSS|VmHWM)" "/proc/$pid/status"
for i in 1 2 3 4 5; do
  f="$work/big/store/programa-0$((100 + i)).toml"
  sed "s/due = 2027-/due = 2028-/" "$f" > "$work/big/store/.edit.tmp"
  mv "$work/big/store/.edit.tmp" "$f"
  for _ in $(seq 300); do
    [ "$(grep -ac "reloaded in" "$work/big.log")" -ge "$i" ] && break
    sleep 0.1
  done
  grep -ao "reloaded in [0-9]* ms" "$work/big.log" | tail -1
done
grep -E "^(VmRSS|VmHWM)" "/proc/$pid/status"
