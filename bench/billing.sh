#!/usr/bin/env bash
# Billing benchmark: meters 1,000,000 usage events over 20 workspaces, 50 keys, 6 models and
# 90 days into a fresh SQLite database (or DATABASE_URL), starts the release server, loads
# Admin Settings -> Billing and Workspace -> Usage (signed in) with wrk (16 connections),
# then compares chat completions through the console with calling demo-inference directly
# and checks that every successful completion was metered once. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${EVENTS:-1000000}"
PORT="${PORT:-3302}"
INFERENCE_PORT="${INFERENCE_PORT:-3303}"
# A second stand-in that answers after a model-like delay, behind a second console process.
DELAY_MS="${DELAY_MS:-20}"
DURATION="${DURATION:-10s}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need wrk curl bc
build_server_and_seeder

rm -rf target/bench-billing && mkdir -p target/bench-billing
export DATABASE_URL="${DATABASE_URL:-sqlite://target/bench-billing/console.db}"
start=$(date +%s.%N)
read -r ORG WS < <(target/release/bench-seed --members 0 --usage-events "$EVENTS" --email "$EMAIL" --password "$PASSWORD")
echo "metered $EVENTS usage events into $ORG in $(echo "$(date +%s.%N) - $start" | bc) s ($DATABASE_URL)"

target/release/studio-console demo-inference --listen "127.0.0.1:$INFERENCE_PORT" >/dev/null &
INFERENCE=$!
INFERENCE_URL="http://127.0.0.1:$INFERENCE_PORT/v1" \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SERVER=$!
target/release/studio-console demo-inference --listen "127.0.0.1:$((INFERENCE_PORT + 1))" --delay-ms "$DELAY_MS" >/dev/null &
SLOW=$!
INFERENCE_URL="http://127.0.0.1:$((INFERENCE_PORT + 1))/v1" \
  LEPTOS_SITE_ADDR="127.0.0.1:$((PORT + 10))" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SLOW_SERVER=$!
trap 'kill $SERVER $INFERENCE $SLOW $SLOW_SERVER 2>/dev/null' EXIT
wait_healthy "$PORT"
wait_healthy "$((PORT + 10))"

JAR=target/bench-billing/cookies
COOKIE=$(sign_in "$PORT" "$JAR")
KEY=$(create_key "$PORT" "$JAR" "$ORG" "$WS" bench)

run() {
  echo
  echo "== $1"
  shift
  wrk -t2 -c16 -d"$DURATION" --latency "$@" | tee target/bench-billing/last.txt \
    | grep -E "requests in|Requests/sec|Latency|50%|99%|Non-2xx"
}
run "Admin Settings -> Billing (HTML, this month)" -H "Cookie: $COOKIE" -H "Accept: text/html" \
  "http://127.0.0.1:$PORT/o/$ORG/settings/billing"
run "Workspace -> Usage (HTML, this month, by key)" -H "Cookie: $COOKIE" -H "Accept: text/html" \
  "http://127.0.0.1:$PORT/o/$ORG/w/$WS/usage"
echo "page sizes: billing $(curl -fs -b "$JAR" "http://127.0.0.1:$PORT/o/$ORG/settings/billing" | wc -c) B," \
  "usage $(curl -fs -b "$JAR" "http://127.0.0.1:$PORT/o/$ORG/w/$WS/usage" | wc -c) B"

BODY='{"model":"open-mistral-7b","messages":[{"role":"user","content":"How many seats does the team plan include?"}]}'
echo "$BODY" > target/bench-billing/chat.json
cat > target/bench-billing/chat.lua <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA
before=$(target/release/bench-seed --sum-requests "$WS")
run "chat completions through the console" -s target/bench-billing/chat.lua \
  -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/chat/completions"
through=$(grep -oE "^ +[0-9]+ requests in" target/bench-billing/last.txt | grep -oE "[0-9]+")
failed=$(grep -oE "Non-2xx or 3xx responses: [0-9]+" target/bench-billing/last.txt | grep -oE "[0-9]+$" || echo 0)
sleep 1
after=$(target/release/bench-seed --sum-requests "$WS")
run "chat completions straight to demo-inference" -s target/bench-billing/chat.lua \
  "http://127.0.0.1:$INFERENCE_PORT/v1/chat/completions"
run "chat completions through the console, stand-in answering after ${DELAY_MS} ms" \
  -s target/bench-billing/chat.lua -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$((PORT + 10))/v1/chat/completions"
run "chat completions straight to the stand-in answering after ${DELAY_MS} ms" \
  -s target/bench-billing/chat.lua "http://127.0.0.1:$((INFERENCE_PORT + 1))/v1/chat/completions"
echo
echo "wrk: metered $((after - before)) completions for $((through - failed)) answered (wrk leaves up to 16 cut off unanswered at its end)"

# Exactly: 1,000 completions, 16 at a time, each answered.
before=$(target/release/bench-seed --sum-requests "$WS")
ok=$(seq 1 1000 | xargs -P 16 -I{} curl -s -o /dev/null -w "%{http_code}\n" -X POST \
  -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  --data @target/bench-billing/chat.json \
  "http://127.0.0.1:$PORT/v1/chat/completions" | grep -c '^200$')
after=$(target/release/bench-seed --sum-requests "$WS")
echo "1,000 completions: $ok answered 200, $((after - before)) metered"
[ "$ok" -eq 1000 ] && [ $((after - before)) -eq 1000 ] || { echo "metering mismatch" >&2; exit 1; }
