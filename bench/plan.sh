#!/usr/bin/env bash
# Load + plan one date over a generated store (default 100,000 parts in 500
# files), against remind(1) evaluating the same open parts for that date.
# Prints hyperfine's comparison, peak RSS of both, and the in-process timings
# of planner_bench (index build, one-day plan, next-instant query).
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
plan="./build/release/plazod plan --config $work/plazod.toml --at $day --until ${day}T23:59:59-03:00"
rem="remind -q $work/all.rem $day"
hyperfine --warmup 1 --runs 5 -N "$plan" "$rem"
for cmd in "$plan" "$rem"; do
  echo "$cmd"
  /usr/bin/time -v $cmd 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed"
done
./build/release/bench/planner_bench "$work/plazod.toml" "$day"
