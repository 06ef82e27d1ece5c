#!/usr/bin/env bash
# Builds the libFuzzer targets with the "fuzz" preset (clang++) and runs each
# for SECONDS (default 60) on a scratch copy of its corpus (fuzz/corpus,
# fuzz/config_corpus, fuzz/snapshot_corpus, fuzz/link_corpus,
# fuzz/form_corpus, fuzz/users_corpus; store_update_fuzz reuses
# fuzz/corpus), so the repository is not modified. Inputs that fail are
# kept in build/fuzz/artifacts/; the exit status is libFuzzer's (non-zero
# on a finding).
#   bash fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target report_import_fuzz store_update_fuzz config_fuzz snapshot_fuzz \
  link_token_fuzz url_form_fuzz users_file_fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/plazo-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R fuzz/corpus "$work/corpus"
cp -R fuzz/config_corpus "$work/config_corpus"
cp -R fuzz/snapshot_corpus "$work/snapshot_corpus"
cp -R fuzz/link_corpus "$work/link_corpus"
cp -R fuzz/form_corpus "$work/form_corpus"
cp -R fuzz/users_corpus "$work/users_corpus"
mkdir -p build/fuzz/artifacts
echo "== report_import_fuzz, $seconds s"
build/fuzz/fuzz/report_import_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/report_import.dict -artifact_prefix=build/fuzz/artifacts/ \
  -print_final_stats=1 "$work/corpus"
echo "== store_update_fuzz (import --update against a fixed store file), $seconds s"
cp -R fuzz/corpus "$work/update_corpus"
build/fuzz/fuzz/store_update_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/report_import.dict -artifact_prefix=build/fuzz/artifacts/ \
  -print_final_stats=1 "$work/update_corpus"
echo "== config_fuzz (settings and store TOML), $seconds s"
build/fuzz/fuzz/config_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 "$work/config_corpus"
echo "== snapshot_fuzz (the last good configuration), $seconds s"
build/fuzz/fuzz/snapshot_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 "$work/snapshot_corpus"
echo "== link_token_fuzz (officers' /ack/ and /calendar/ tokens), $seconds s"
build/fuzz/fuzz/link_token_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 "$work/link_corpus"
echo "== url_form_fuzz (POST forms and query strings), $seconds s"
build/fuzz/fuzz/url_form_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 "$work/form_corpus"
echo "== users_file_fuzz ([http] users_file), $seconds s"
build/fuzz/fuzz/users_file_fuzz \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 "$work/users_corpus"
