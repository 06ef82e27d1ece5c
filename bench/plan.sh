#!/usr/bin/env bash
# Load + plan one date over a generated store (default 100,000 parts in 500
# files, bench/gen_store.py), against remind(1) evaluating the same open
# parts for that date (issue 18). `plazod plan` runs cold (no
# <state>/store.snapshot: every file parsed, then the snapshot written) and
# warm (every file read back from the snapshot), alternating with remind in
# one hyperfine run; then the peak RSS of each with /usr/bin/time -v, and the
# in-process timings of planner_bench (index build, one-day plan,
# next-instant query).
#   bash bench/plan.sh [DATE] [FILES] [COMMITMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
day="${1:-2026-12-01}"
files="${2:-500}"
commitments="${3:-100000}"
for tool in hyperfine remind; do
  command -v "$tool" >/dev/null || apt-get install -y -qq "$tool" >/dev/null
done
cmake --preset release >/dev/null
cmake --build --preset release --target plazod planner_bench >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/gen_store.py "$work" --files "$files" --commitments "$commitments"
python3 bench/store_to_remind.py "$work/store" "$work/all.rem"
mkdir -p "$work/state"
snapshot="$work/state/store.snapshot"
plan="./build/release/plazod plan --config $work/plazod.toml --at $day --until ${day}T23:59:59-03:00"
rem="remind -q $work/all.rem $day"
# Store files older than the racy window, so the warm runs trust them.
find "$work/store" -name '*.toml' -exec touch -d '-1 hour' {} +
$plan >/dev/null
echo "snapshot: $(du -h "$snapshot" | cut -f1)"
hyperfine --warmup 1 --runs 7 \
  -n cold "rm -f $snapshot; $plan" \
  -n warm "$plan" \
  -n remind "$rem"
for what in cold warm remind; do
  case "$what" in
    cold) rm -f "$snapshot"; cmd="$plan" ;;
    warm) $plan >/dev/null; cmd="$plan" ;;
    remind) cmd="$rem" ;;
  esac
  echo "$what: $(/usr/bin/time -v $cmd 2>&1 >/dev/null | grep -E "Maximum resident" | sed 's/^\s*//')"
done
./build/release/bench/planner_bench "$work/plazod.toml" "$day"
