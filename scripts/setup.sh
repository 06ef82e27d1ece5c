#!/usr/bin/env bash
# Installs the Debian 12 packages plazo builds and tests with, and the npm
# package the webhook tests verify signatures with. Idempotent: when everything
# is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtomlplusplus-dev libhowardhinnant-date-dev tzdata
  catch2 libboost1.81-dev libboost-json1.81-dev libcurl4-openssl-dev libspdlog-dev
  libsqlite3-dev libssl-dev libcrypt-dev
  clang libclang-rt-14-dev
  python3 systemd
  python3-aiosmtpd openssl   # delivery tests: SMTP peer, test CA made at test time
  python3-icalendar          # calendar tests: an independent iCalendar parser
  prometheus                 # promtool checks the /metrics text in the tests
  util-linux procps          # systemd_boot: unshare, nsenter, pivot_root; ps
  nginx                      # nginx_site: the documented reverse proxy in front of plazod
  chromium chromium-driver python3-selenium  # ack_browser: the officers' pages in a real browser
  spamassassin               # spam_score: SpamAssassin's local rules on real digests
)
# systemd_boot verifies webhook signatures with the official Standard
# Webhooks library (npm standardwebhooks, tests/webhook_verify/): Debian's
# node and npm unless some node with npm is already installed; webhook_formats
# also validates chat bodies with npm packages (tests/chat_formats/).
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

verify="$(dirname "$0")/../tests/webhook_verify"
if [ ! -d "$verify/node_modules/standardwebhooks" ]; then
  echo "setup: npm ci in tests/webhook_verify" >&2
  (cd "$verify" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# webhook_formats validates chat bodies against the platforms' published
# types and parsers (tests/chat_formats/README.md).
chat="$(dirname "$0")/../tests/chat_formats"
if [ ! -d "$chat/node_modules/adaptivecards" ]; then
  echo "setup: npm ci in tests/chat_formats" >&2
  (cd "$chat" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
