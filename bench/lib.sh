# Shared by the benchmark scripts that run the daemon (daemon.sh, http.sh):
# builds plazod and sets up a scratch folder, $work, that is removed on exit
# together with the daemon whose PID is in $pid.
cmake --preset release >/dev/null
cmake --build --preset release --target plazod >/dev/null
plazod="$PWD/build/release/plazod"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
