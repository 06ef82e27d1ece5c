#!/usr/bin/env bash
# Installs what is missing, builds and runs every test.
#   bash scripts/test.sh          release build (build/release)
#   bash scripts/test.sh asan     AddressSanitizer + UBSan build (build/asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
