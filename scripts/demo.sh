#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds hooks (release) and shows its main jobs: sign a sample event as a provider would, verify
# it, watch a tampered copy and a stale replay get rejected with the reason, then run a local
# receiver and send it signed deliveries.
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

echo
echo "A local receiver: hooks listen on a free port checks every delivery as it arrives and"
echo "records it byte-exact; --count 3 makes it exit after three deliveries (CI uses this)."
step hooks listen --port 0 --provider standard --log deliveries.jsonl --count 3 --timeout 30s "&"
hooks listen --port 0 --provider standard --log deliveries.jsonl --count 3 --timeout 30s \
    2>listen.err &
listener=$!
for _ in $(seq 100); do grep -q "^Listening on" listen.err 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^Listening on //p' listen.err)
cat listen.err
deliver() {
    step curl -H @headers.txt --data-binary @"$1" "$address/webhooks"
    curl -sS -o /dev/null -w 'curl: answered %{http_code}\n' -H @headers.txt \
        -H 'Content-Type: application/json' --data-binary @"$1" "$address/webhooks"
    sleep 0.3
}
run hooks send "$address/webhooks" --provider standard
sleep 0.3
deliver event.json
deliver tampered.json
wait "$listener"
echo "(hooks listen exit $?)"
step wc -l deliveries.jsonl
wc -l <deliveries.jsonl

echo
echo "Replay: the recorded deliveries, re-delivered byte-exact to a second receiver (the"
echo "tampered one is still rejected there); --journal would let an interrupted replay resume."
hooks listen --port 0 --provider standard --count 3 --timeout 30s 2>listen2.err &
second=$!
for _ in $(seq 100); do grep -q "^Listening on" listen2.err 2>/dev/null && break; sleep 0.1; done
address2=$(sed -n 's/^Listening on //p' listen2.err)
run hooks replay deliveries.jsonl --to "$address2"
wait "$second"
echo "(second hooks listen exit $?)"
