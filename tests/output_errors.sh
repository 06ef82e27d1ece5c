#!/bin/sh
# Output that cannot be written is an error: every command that prints
# exits 1 with a message when its standard output is /dev/full, and
# `import -o` refuses to replace the report it reads.
#   sh output_errors.sh PLAZOD EXAMPLES_DIR REPORT
set -u
plazod=$1 examples=$2 report=$3
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect_full() {  # expect_full ARGS...: exit 1 and a message on stderr
  err=$("$plazod" "$@" 2>&1 >/dev/full)
  code=$?
  case "$code:$err" in
    1:*"cannot write the output"*) ;;
    *) echo "FAIL: plazod $* > /dev/full gave exit $code: $err"; failures=$((failures + 1)) ;;
  esac
}
expect_full --help
expect_full --version
config="--config $examples/plazod.toml --state $tmp/state"
expect_full status $config --at 2026-12-05
expect_full status $config --at 2026-12-05 --json
expect_full plan $config --at 2026-12-01
expect_full calendar $config
expect_full import "$report"

cp "$report" "$tmp/report.txt"
before=$(cksum <"$tmp/report.txt")
err=$("$plazod" import "$tmp/report.txt" -o "$tmp/report.txt" 2>&1)
code=$?
after=$(cksum <"$tmp/report.txt")
if [ "$code" != 2 ] || [ "$before" != "$after" ] || ! echo "$err" | grep -q "is the report itself"; then
  echo "FAIL: import -o onto its own input gave exit $code: $err"
  failures=$((failures + 1))
fi
echo "$failures failed"
[ "$failures" = 0 ]
