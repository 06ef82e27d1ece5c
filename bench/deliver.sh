#!/usr/bin/env bash
# Delivery throughput (issue 5, SPEC 8): starts a local nginx whose every
# answer is `return 200;`, measures wrk's request rate against it, then posts
# WEBHOOKS (default 10,000) notifications to the same nginx with
# deliver_bench, the daemon's delivery loop, at the default per-destination
# bound (16) and at HIGH_BOUND (default 64); then sends EMAILS (default
# 1,000) e-mails to postfix's smtp-sink. Prints wrk's requests/sec, the
# notifications and e-mails per second, and the webhook rate as a share of
# wrk's (SPEC 8 asks for at least half). Every server listens on 127.0.0.1
# only and is stopped on exit; every run is bounded in time.
#   bash bench/deliver.sh [WEBHOOKS] [EMAILS] [HIGH_BOUND]
set -euo pipefail
cd "$(dirname "$0")/.."
webhooks="${1:-10000}"
emails="${2:-1000}"
high="${3:-64}"

# nginx, wrk and postfix (for smtp-sink only). A policy-rc.d refusing every
# start keeps the packages from starting their system services, and postfix
# is left unconfigured, so nothing binds port 80 or 25.
sink_bin() {
  command -v smtp-sink || ls /usr/sbin/smtp-sink /usr/lib/postfix/sbin/smtp-sink 2>/dev/null | head -n1
}
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$(sink_bin)" ] || missing+=(postfix)
if [ "${#missing[@]}" -gt 0 ]; then
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi
fi
if command -v postfix >/dev/null && postfix status >/dev/null 2>&1; then
  postfix stop >/dev/null 2>&1 || true
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
smtp_sink="$(sink_bin)"

cmake --preset release >/dev/null
cmake --build --preset release --target deliver_bench >/dev/null
bench=./build/release/bench/deliver_bench

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# nginx: two workers, keep-alive without a per-connection request cap (the
# default of 1,000 would close wrk's and curl's connections alike), no
# access log.
http_port="$(free_port)"
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$http_port;
    location / { return 200; }
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" &
pids+=($!)
wait_for_port "$http_port"
url="http://127.0.0.1:$http_port/hook"

# wrk: 64 connections as the issue asks, and 16, the daemon's default bound.
wrk_rate() {
  timeout 60 wrk -t2 -c"$1" -d10s "$url" | tee "$work/wrk-$1.txt" >&2
  awk '/^Requests\/sec:/ { print $2 }' "$work/wrk-$1.txt"
}
echo "== wrk -t2 -c64 -d10s $url" >&2
wrk64="$(wrk_rate 64)"
echo "== wrk -t2 -c16 -d10s $url" >&2
wrk16="$(wrk_rate 16)"

deliver() {
  local name="$1"
  shift
  echo "== deliver_bench $*" >&2
  timeout 300 "$bench" "$@" | tee "$work/$name.txt" >&2
  awk '/^rate/ { print $2 }' "$work/$name.txt"
}
hook16="$(deliver hook16 webhook "$url" "$webhooks")"
hook_high="$(deliver hookhigh webhook "$url" "$webhooks" --concurrency "$high")"

# smtp-sink: throws every message away, counting sessions and messages
# (-c); -u drops root, as smtp-sink requires when started by root.
smtp_port="$(free_port)"
sink_user=()
if [ "$(id -u)" = 0 ]; then sink_user=(-u nobody); fi
"$smtp_sink" "${sink_user[@]}" -c -m 256 "127.0.0.1:$smtp_port" 256 >"$work/sink.txt" &
pids+=($!)
wait_for_port "$smtp_port"
mail16="$(deliver mail16 smtp "$smtp_port" "$emails")"
mail_high="$(deliver mailhigh smtp "$smtp_port" "$emails" --concurrency "$high")"
sink_count="$(tr '\r' '\n' <"$work/sink.txt" | awk 'NF { last = $0 } END { print last }')"

percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a / b }'; }
row() { printf '%-40s %s\n' "$1" "$2"; }
echo
row "wrk -t2 -c64" "$wrk64 requests/s"
row "wrk -t2 -c16" "$wrk16 requests/s"
row "webhooks, per_destination 16 (default)" \
  "$hook16 notifications/s, $(percent "$hook16" "$wrk64") of wrk -c64 (SPEC 8: at least 50%)"
row "webhooks, per_destination $high" \
  "$hook_high notifications/s, $(percent "$hook_high" "$wrk64") of wrk -c64"
row "e-mails, per_destination 16 (default)" "$mail16 messages/s"
row "e-mails, per_destination $high" "$mail_high messages/s"
row "smtp-sink counters (both runs)" "$sink_count"
