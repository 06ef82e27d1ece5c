#!/usr/bin/env bash
# /healthz latency while the listener is under abuse: tests/http_abuse.py
# (1,000 idle connections from 40 addresses, then 200 slowloris clients from
# 20 more, then one address opening 40) run RUNS times against the release
# build, printing the probes' p50, p99 and max of each run.
#   bash bench/http_abuse.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
for i in $(seq "$runs"); do
  echo "== run $i"
  /usr/bin/python3 -W ignore tests/http_abuse.py build/release/plazod 2>&1 | grep -E "^/healthz under|FAIL|Error"
done
