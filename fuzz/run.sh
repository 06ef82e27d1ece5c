#!/usr/bin/env bash
# Builds the libFuzzer target with the "fuzz" preset (clang++) and runs it for
# SECONDS (default 60) on a scratch copy of fuzz/corpus, so the repository is
# not modified. Inputs that fail are kept in build/fuzz/artifacts/; the exit
# status is libFuzzer's (non-zero on a finding).
#   bash fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target report_import_fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/plazo-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R fuzz/corpus "$work/corpus"
mkdir -p build/fuzz/artifacts
build/fuzz/fuzz/report_import_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/report_import.dict -artifact_prefix=build/fuzz/artifacts/ \
  -print_final_stats=1 "$work/corpus"
