#!/usr/bin/env bash
# Installs what is missing, builds plazod and runs it on the bundled sample
# store (examples/): validates it, then shows where every commitment stands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target plazod
./build/release/plazod check --config examples/plazod.toml
./build/release/plazod status --config examples/plazod.toml "$@"
