#!/usr/bin/env bash
# Dispatch throughput of the real daemon (issue 11, SPEC 8): one local nginx
# answers every request with `return 200;` and logs each one with its
# completion time ($msec, millisecond resolution), one log file per client.
# On that same nginx, in one run, the script measures
#  1. wrk -t2 -c64 -d5s: requests/s (wrk's own figure);
#  2. Prometheus Alertmanager (Debian's prometheus-alertmanager, clustering
#     off, group_by ['...'] (every alert its own group), group_wait 0s, one webhook
#     receiver on nginx): N distinct alerts posted to /api/v2/alerts in
#     batches of 1,000; rate = N / (time nginx logged the N-th /am request
#     - time the first batch was posted);
#  3. `plazod run` with N [webhook.*] endpoints on nginx (one shared
#     whsec_ secret, so every request is signed), one program naming them
#     all and one commitment part due at an RFC 3339 instant a few seconds
#     after the daemon is READY (schedule: on_due only); rate = N / (time
#     nginx logged the N-th /plazo/ request - the due instant);
#  4. the same part with N distinct owners and an [email] relay: postfix's
#     smtp-sink dumping each message to a file; rate = N / (mtime of the
#     N-th message file - the due instant).
# wrk's requests are logged like the others, so all three clients meet the
# same sink. Checks that plazod reached N distinct endpoints, every request
# signed (webhook-signature: v1,...). Prints the three webhook rates,
# plazod's rate as a multiple of Alertmanager's (SPEC 8: at least 4x) and as
# a share of wrk's (at least half), e-mails/s, plazod's delay from the due
# instant to its first webhook, the TCP connections it opened, its peak
# resident memory (VmHWM) and CPU time, the ledger's sent counts and the
# warnings and errors in its log. Every server listens on 127.0.0.1 only and
# is stopped on exit; every wait is bounded; exit 1 when a count is not
# reached.
#   PLAZOD=path/to/plazod bash bench/dispatch.sh [N]
# PLAZOD defaults to build/release/plazod, built only when absent. LEAD
# (default 8) is the seconds from plazod's start to the due instant, TIMEOUT
# (default 120) the seconds any count may take; KEEP=1 keeps the temporary
# folder (nginx logs, plazod logs, settings) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
lead="${LEAD:-8}"          # seconds from plazod's start to the due instant
limit="${TIMEOUT:-120}"    # seconds any one count may take
die() { echo "dispatch.sh: $*" >&2; exit 1; }
[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$n'"

plazod="${PLAZOD:-build/release/plazod}"
if [ ! -x "$plazod" ]; then
  [ -z "${PLAZOD:-}" ] || die "PLAZOD=$plazod is not an executable"
  cmake --preset release >/dev/null
  cmake --build --preset release --target plazod >/dev/null
fi
plazod="$(realpath "$plazod")"

# nginx, wrk, postfix (for smtp-sink only) and Alertmanager. A policy-rc.d
# refusing every start keeps the packages from starting their system
# services, and postfix is left unconfigured, so nothing binds port 80, 25
# or 9093.
sink_bin() {
  command -v smtp-sink || ls /usr/sbin/smtp-sink /usr/lib/postfix/sbin/smtp-sink 2>/dev/null | head -n1
}
am_bin=/usr/bin/prometheus-alertmanager
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$(sink_bin)" ] || missing+=(postfix)
[ -x "$am_bin" ] || missing+=(prometheus-alertmanager)
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

work="$(mktemp -d)"
chmod 755 "$work"  # smtp-sink runs as nobody and writes under it
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
stop() {  # stop PID: SIGTERM, then SIGKILL after 15 s
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}
now() { date +%s.%N; }
lines() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# wait_count WHAT DEADLINE COMMAND...: until COMMAND prints at least n.
wait_count() {
  local what="$1" deadline="$2" got=0
  shift 2
  while :; do
    got="$("$@")"
    [ "$got" -ge "$n" ] && return 0
    if awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a > b) }'; then
      die "$what: $got of $n after ${limit} s"
    fi
    sleep 1
  done
}
nth_time() { sort -n | sed -n "${n}p"; }  # the n-th smallest of a column of times
rate() { awk -v n="$n" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }
# toml_list KEY FORMAT: KEY = ["FORMAT of 1", ..., "FORMAT of n"]
toml_list() {
  awk -v n="$n" -v key="$1" -v fmt="$2" 'BEGIN {
    printf "%s = [", key
    for (i = 1; i <= n; i++) printf "%s\"" fmt "\"", (i > 1 ? ", " : ""), i
    print "]"
  }'
}

# nginx: two workers, keep-alive without a per-connection request cap, one
# access log per client, unbuffered: a buffered log (flush=1s) was seen
# holding half of the requests of one worker until nginx stopped.
http_port="$(free_port)"
mkdir -p "$work/nginx/logs"
logs="$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $logs/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  log_format bench '\$msec \$request_uri \$http_webhook_signature \$connection';
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$http_port;
    location / { access_log $logs/wrk.log bench; return 200; }
    location /am { access_log $logs/am.log bench; return 200; }
    location /plazo/ { access_log $logs/plazo.log bench; return 200; }
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$logs/error.log" &
pids+=($!)
wait_for_port "$http_port"
base="http://127.0.0.1:$http_port"

# 1. wrk
echo "== wrk -t2 -c64 -d5s $base/wrk" >&2
timeout 60 wrk -t2 -c64 -d5s "$base/wrk" | tee "$work/wrk.txt" >&2
wrk_rate="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/wrk.txt")"
[ -n "$wrk_rate" ] || die "wrk printed no rate"

# 2. Alertmanager
echo "== Alertmanager: $n alerts, one group each, to $base/am" >&2
am_port="$(free_port)"
mkdir -p "$work/am/data"
cat >"$work/am/alertmanager.yml" <<EOF
route:
  receiver: nginx
  group_by: ['...']
  group_wait: 0s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: nginx
    webhook_configs:
      - url: $base/am
        send_resolved: false
EOF
"$am_bin" --config.file="$work/am/alertmanager.yml" --storage.path="$work/am/data" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= \
  --log.level=warn 2>"$work/am/log" &
am_pid=$!
pids+=($am_pid)
wait_for_port "$am_port"
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$am_port/-/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
# Prints the instant the first batch is posted.
am_start="$(timeout "$limit" python3 - "$am_port" "$n" <<'EOF'
import datetime, http.client, json, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
starts = datetime.datetime.now(datetime.timezone.utc).isoformat()
alerts = [{"labels": {"alertname": "PlazoBench", "id": f"a{i:06d}"},
           "annotations": {"summary": f"bench alert {i}"},
           "startsAt": starts} for i in range(n)]
batches = [json.dumps(alerts[i:i + 1000]).encode() for i in range(0, n, 1000)]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
t0 = time.time()
for body in batches:
    conn.request("POST", "/api/v2/alerts", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"POST /api/v2/alerts: {r.status}")
print(f"{t0:.6f}")
EOF
)" || die "posting alerts to Alertmanager failed"
# Alertmanager retries a refused notification with backoff, far past the
# limit: show why when it falls short.
if ! (wait_count "Alertmanager webhooks logged by nginx" \
        "$(awk -v t="$am_start" -v l="$limit" 'BEGIN { print t + l }')" lines "$logs/am.log"); then
  tail -n 5 "$work/am/log" "$logs/error.log" >&2
  die "Alertmanager fell short"
fi
am_end="$(awk '{ print $1 }' "$logs/am.log" | nth_time)"
am_rate="$(rate "$am_start" "$am_end")"
echo "alertmanager: $n webhooks in $(awk -v a="$am_start" -v b="$am_end" 'BEGIN { printf "%.3f", b - a }') s" >&2
stop "$am_pid"

# 3 and 4. plazod. One settings file per run, sharing the store layout.
printf 'whsec_%s\n' "$(head -c 24 /dev/urandom | base64)" >"$work/secret"
chmod 600 "$work/secret"
# settings NAME MODE: writes $work/NAME/plazod.toml (MODE webhook or email).
settings() {
  local dir="$work/$1"
  mkdir -p "$dir/store" "$dir/state"
  {
    cat <<EOF
[daemon]
store = "$dir/store"
state = "$dir/state"
timezone = "America/Santiago"
schedule = "bench"

[schedule.bench]
before = []
on_due = true
overdue_max = 0
workdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
EOF
    if [ "$2" = email ]; then
      cat <<EOF

[email]
url = "smtp://127.0.0.1:$smtp_port"
starttls = false
from = "Plazo bench <plazo@bench.invalid>"
EOF
    else
      awk -v n="$n" -v base="$base" -v secret="$work/secret" 'BEGIN {
        for (i = 1; i <= n; i++)
          printf "\n[webhook.w%05d]\nurl = \"%s/plazo/%05d\"\nsecret_file = \"%s\"\n", i, base, i, secret
      }'
    fi
  } >"$dir/plazod.toml"
}
# store NAME MODE DUE: the one program file, its part due at DUE.
store() {
  local f="$work/$1/store/bench.toml"
  {
    cat <<EOF
[program]
id = "bench"
name = "Programa de prueba de carga"
ministry = "MINISTERIO DE PRUEBAS"
service = "SERVICIO DE PRUEBAS"
EOF
    if [ "$2" = webhook ]; then toml_list webhooks 'w%05d'; fi
    cat <<EOF

[[commitment]]
id = "c1"
number = 1
part = 1
text = "Entregar el informe de prueba."
verification = "Informe de prueba."
due = $3
status = "pendiente"
EOF
    if [ "$2" = email ]; then toml_list owners 'o%05d@bench.invalid'; fi
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}
# run_plazod NAME MODE COUNT_COMMAND: starts plazod with the part due LEAD
# seconds later, waits for COUNT_COMMAND to reach n, stops it; sets run_due
# (epoch seconds) and run_hwm (peak resident kB).
run_plazod() {
  local name="$1" mode="$2" dir="$work/$1"
  shift 2
  local due due_text pid start ready
  start="$(now)"
  due="$(awk -v t="$start" -v l="$lead" 'BEGIN { printf "%d", t + l + 1 }')"
  due_text="$(date -u -d "@$due" +%Y-%m-%dT%H:%M:%SZ)"
  store "$name" "$mode" "$due_text"
  "$plazod" check --config "$dir/plazod.toml" >"$dir/check.txt" 2>&1 ||
    { cat "$dir/check.txt" >&2; die "plazod check failed ($mode)"; }
  "$plazod" run --config "$dir/plazod.toml" 2>"$dir/plazod.log" &
  pid=$!
  pids+=($pid)
  for _ in $(seq $((limit * 10))); do
    grep -aq "plazod started" "$dir/plazod.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/plazod.log" >&2; die "plazod exited ($mode)"; }
    sleep 0.1
  done
  grep -aq "plazod started" "$dir/plazod.log" || die "plazod did not start within $limit s ($mode)"
  ready="$(now)"
  echo "plazod $mode: started in $(awk -v a="$start" -v b="$ready" 'BEGIN { printf "%.2f", b - a }') s (check included), due $due_text" >&2
  awk -v r="$ready" -v d="$due" 'BEGIN { exit !(r < d - 0.5) }' ||
    die "plazod was READY too late for the due instant $due_text (raise LEAD=$lead)"
  wait_count "plazod $mode deliveries" "$((due + limit))" "$@"
  local hwm
  hwm="$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")"
  # utime + stime, in clock ticks (fields 14 and 15; the name in field 2
  # has no spaces).
  run_cpu="$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")"
  kill "$pid"
  local rc=0
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; echo "plazod $mode ignored SIGTERM for 15 s" >&2; }
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || die "plazod $mode exited $rc on SIGTERM"
  "$plazod" status --json --config "$dir/plazod.toml" >"$dir/status.json" 2>/dev/null || true
  run_due="$due"
  run_hwm="$hwm"
}
log_problems() {  # warnings and errors in a plazod log
  grep -ac '^<[0-4]>' "$1" || true
}

echo "== plazod: $n webhooks to $base/plazo/NNNNN" >&2
settings hooks webhook
run_plazod hooks webhook lines "$logs/plazo.log"
hook_due="$run_due" hook_hwm="$run_hwm" hook_cpu="$run_cpu"
hook_end="$(awk '{ print $1 }' "$logs/plazo.log" | nth_time)"
hook_rate="$(rate "$hook_due" "$hook_end")"
hook_first="$(awk 'NR == 1 || $1 < m { m = $1 } END { print m }' "$logs/plazo.log")"
echo "plazod: $n webhooks in $(awk -v a="$hook_due" -v b="$hook_end" 'BEGIN { printf "%.3f", b - a }') s after the due instant" >&2
hook_conns="$(awk '{ print $4 }' "$logs/plazo.log" | sort -u | wc -l)"
distinct="$(awk '{ print $2 }' "$logs/plazo.log" | sort -u | wc -l)"
unsigned="$(awk '$3 !~ /^v1,/' "$logs/plazo.log" | wc -l)"
[ "$distinct" = "$n" ] || die "plazod reached $distinct distinct endpoints, not $n"
[ "$unsigned" = 0 ] || die "$unsigned plazod requests carried no webhook-signature"

echo "== plazod: $n e-mails to smtp-sink" >&2
smtp_port="$(free_port)"
mkdir -p "$work/sink"
sink_user=()
if [ "$(id -u)" = 0 ]; then
  sink_user=(-u nobody)
  chown nobody "$work/sink"
fi
"$smtp_sink" "${sink_user[@]}" -d "$work/sink/m." "127.0.0.1:$smtp_port" 1024 >"$work/sink.txt" 2>&1 &
pids+=($!)
wait_for_port "$smtp_port"
sink_count() { find "$work/sink" -type f | wc -l; }
settings mails email
run_plazod mails email sink_count
mail_due="$run_due" mail_hwm="$run_hwm" mail_cpu="$run_cpu"
mail_end="$(find "$work/sink" -type f -printf '%T@\n' | nth_time)"
mail_rate="$(rate "$mail_due" "$mail_end")"
echo "plazod: $n e-mails in $(awk -v a="$mail_due" -v b="$mail_end" 'BEGIN { printf "%.3f", b - a }') s after the due instant" >&2

sent_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["deliveries"]["sent"])' "$1" 2>/dev/null || echo "?"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-34s %s\n' "$1" "$2"; }
echo
row "wrk -t2 -c64 -d5s" "$wrk_rate requests/s"
row "alertmanager webhooks" "$am_rate notifications/s"
row "plazod webhooks" "$hook_rate notifications/s"
row "plazod / alertmanager" "$(ratio "$hook_rate" "$am_rate")x (SPEC 8: at least 4x)"
row "plazod / wrk" "$(ratio "$hook_rate" "$wrk_rate") (SPEC 8: at least 0.5)"
row "plazod first webhook after due" "$(awk -v a="$hook_due" -v b="$hook_first" 'BEGIN { printf "%.0f ms", 1000 * (b - a) }')"
row "plazod webhook connections" "$hook_conns TCP connections to nginx for $n requests"
row "plazod e-mails (smtp-sink)" "$mail_rate messages/s"
row "plazod peak RSS (VmHWM)" "webhooks $((hook_hwm / 1024)) MiB, e-mails $((mail_hwm / 1024)) MiB"
row "plazod CPU (user+system)" "webhooks $hook_cpu s, e-mails $mail_cpu s (start-up to stop)"
row "ledger sent (webhooks, e-mails)" "$(sent_of "$work/hooks/status.json"), $(sent_of "$work/mails/status.json")"
row "plazod log warnings/errors" "webhooks $(log_problems "$work/hooks/plazod.log"), e-mails $(log_problems "$work/mails/plazod.log")"
