#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds hooks (release) and shows its main job: sign a sample event as a provider would, verify
# it, and watch a tampered copy and a stale replay get rejected with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."

cmake --workflow --preset release >/dev/null || { echo "demo: build failed" >&2; exit 2; }
hooks_binary="$PWD/build/release/src/hooks"
hooks() { "$hooks_binary" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

step() { printf '\n$ %s\n' "$*"; }
run() { step "$*"; "$@"; echo "(exit $?)"; }

export HOOKS_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
printf '%s' '{"type":"invoice.paid","timestamp":"2026-11-23T10:00:00Z","data":{"id":"in_1","amount_paid":4200}}' \
    >"event.json"

echo "A sample event, signed as Standard Webhooks and verified; the secret comes from HOOKS_SECRET."
step hooks sign --provider standard event.json "| tee headers.txt"
hooks sign --provider standard event.json | tee headers.txt
run hooks verify --headers-file "headers.txt" "event.json"

echo
echo "One byte changed in transit: rejected, and --explain says what was signed."
sed 's/4200/4201/' "event.json" >"tampered.json"
run hooks verify --headers-file "headers.txt" --explain "tampered.json"

echo
echo "The same event saved by an editor with a trailing newline: --explain finds the cause."
cp "event.json" "saved.json" && echo >>"saved.json"
run hooks verify --headers-file "headers.txt" --explain "saved.json"

echo
echo "A Stripe delivery replayed an hour later: the signature matches, the timestamp does not."
hooks sign --provider stripe --timestamp $(( $(date +%s) - 3600 )) "event.json" >"stripe.txt"
run hooks verify --provider stripe --headers-file "stripe.txt" --json "event.json"

echo
echo "A seed platform: CodeNx signs the raw body with hex HMAC-SHA256."
run hooks sign --provider codenx --secret codenx-demo-secret "event.json"
run hooks providers codenx
