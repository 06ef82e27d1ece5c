#!/usr/bin/env bash
# The daemon's HTTP endpoint under load: wrk against /metrics and
# /api/v1/status on the sample store (at least 10,000 requests each), errors
# as wrk counts them, and the daemon's resident memory before and after.
#   bash bench/http.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
source bench/lib.sh
sed -e "s|^store = \"store\"|store = \"$PWD/examples/store\"|" \
    -e "s|^state = .*|state = \"$work/state\"|" \
    -e "s|secrets/equipo-pil|$PWD/examples/secrets/equipo-pil|" examples/plazod.toml > "$work/plazod.toml"
printf '\n[http]\nlisten = "127.0.0.1:0"\n' >> "$work/plazod.toml"
mkdir -p "$work/state"
./build/release/plazod run --config "$work/plazod.toml" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do grep -aq "serving /healthz" "$work/log" && break; sleep 0.1; done
port=$(grep -ao "on 127.0.0.1:[0-9]*" "$work/log" | head -1 | cut -d: -f2)
rss() { awk '/^VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "RSS before: $(rss)"
for path in /metrics /api/v1/status; do
  echo "== $path"
  wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port$path" | grep -E "requests in|Requests/sec|Non-2xx|Socket errors"
  echo "RSS after: $(rss)"
done
