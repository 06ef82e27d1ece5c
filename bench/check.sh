#!/usr/bin/env bash
# Times `plazod check` on a generated store of 100,000 commitment parts in 500
# files (bench/gen_store.py): wall time over several runs with hyperfine, and
# peak resident memory with /usr/bin/time -v.
#   bash bench/check.sh [FILES] [COMMITMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-500}"
commitments="${2:-100000}"
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target plazod >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/gen_store.py "$work" --files "$files" --commitments "$commitments"
echo "store: $(du -sh "$work/store" | cut -f1) in $files files, $commitments commitment parts"
hyperfine --warmup 1 --runs 5 "./build/release/plazod check --config $work/plazod.toml"
/usr/bin/time -v ./build/release/plazod check --config "$work/plazod.toml" 2>&1 |
  grep -E "^ok:|Elapsed|Maximum resident"
