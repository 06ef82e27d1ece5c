#!/usr/bin/env bash
# Self-test of validate.mjs: every samples/good-*.json must pass (all in one
# run, as CI would call it), and every samples/bad-*.json must fail on its
# own, for the reason written below for it (so a bad sample cannot pass the
# test by failing for some other, accidental reason).
# Needs node_modules: cd tests/chat_formats && npm ci --no-audit --no-fund --loglevel=error
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -d node_modules ]; then
  echo "selftest: node_modules is missing: run npm ci --no-audit --no-fund --loglevel=error in $(pwd)" >&2
  exit 2
fi

# What each bad sample's FAIL line must contain.
declare -A expect=(
  [bad-slack-unknown-block.json]='block type "callout"'
  [bad-slack-section-3001.json]='body.blocks[1].text.text: 3001 characters, the limit is 3000'
  [bad-slack-51-blocks.json]='51 blocks, the limit is 50'
  [bad-slack-unknown-field.json]="'\"color\"' does not exist in type 'SectionBlock'"
  [bad-slack-button-text-76.json]='elements[0].text.text: 76 characters, the limit is 75'
  [bad-mattermost-field-type.json]="fields[0].value: Type 'number' is not assignable to type 'string'"
  [bad-mattermost-no-fallback.json]="Property 'fallback' is missing"
  [bad-mattermost-text-16384.json]='body.text: 16384 characters (runes), the limit is 16383'
  [bad-teams-unknown-element.json]='Unknown element type "Callout"'
  [bad-teams-version-1.6.json]='Unknown element type "Table"'
  [bad-teams-unknown-property.json]='body[1].colour: unknown property for TextBlock'
  [bad-teams-envelope.json]='contentType: must be "application/vnd.microsoft.card.adaptive"'
  [bad-teams-over-28kb.json]='bytes of UTF-8 JSON, the Teams limit is 28672'
  [bad-googlechat-unknown-widget-field.json]="'\"colour\"' does not exist in type 'Schema\$GoogleAppsCardV1TextParagraph'"
  [bad-googlechat-text-4097.json]='body.text: 4097 characters, the limit is 4096'
  [bad-googlechat-empty-section.json]='a section must contain at least one widget'
  [bad-googlechat-two-widget-kinds.json]='it holds divider, textParagraph'
  [bad-googlechat-fixed-footer.json]='fixedFooter: documented as usable in dialogs'
  [bad-googlechat-101-widgets.json]='101 widgets, the limit is 100 per card'
)

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "selftest: $*" >&2; }

good=(samples/good-*.json)
out=$(node validate.mjs "${good[@]}")
rc=$?
echo "$out"
if [ "$rc" -eq 0 ] && [ "$(grep -c '^ok ' <<<"$out")" -eq "${#good[@]}" ]; then
  pass
else
  fail "good samples: exit $rc, expected 0 with ${#good[@]} ok lines"
fi

for f in samples/bad-*.json; do
  name=$(basename "$f")
  out=$(node validate.mjs "$f")
  rc=$?
  echo "$out"
  want=${expect[$name]:-}
  if [ -z "$want" ]; then
    fail "$name: no expected reason in selftest.sh"
  elif [ "$rc" -ne 1 ]; then
    fail "$name: exit $rc, expected 1"
  elif ! grep -qF -- "$want" <<<"$out"; then
    fail "$name: the failure does not mention: $want"
  else
    pass
  fi
done

# Usage errors exit 2.
node validate.mjs >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "no arguments: exit $rc, expected 2"; fi
node validate.mjs samples/no-such-file.json >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then pass; else fail "missing file: exit $rc, expected 2"; fi

echo "chat_formats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
