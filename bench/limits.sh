#!/usr/bin/env bash
# Usage-limits benchmark: chat completions through the console against demo-inference,
# without limits and then with every limit set (organization and workspace spend caps far
# above what the run spends, requests and tokens per minute far above its rate), in turns,
# wrk with 16 connections. Admission must keep at least 90% of the rate without limits.
# Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3322}"
INFERENCE_PORT="${INFERENCE_PORT:-3323}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need wrk curl bc
build_server_and_seeder

rm -rf target/bench-limits && mkdir -p target/bench-limits
export DATABASE_URL="${DATABASE_URL:-sqlite://target/bench-limits/console.db}"
read -r ORG WS < <(target/release/bench-seed --members 0 --usage-events 100 --email "$EMAIL" --password "$PASSWORD")

target/release/studio-console demo-inference --listen "127.0.0.1:$INFERENCE_PORT" >/dev/null &
INFERENCE=$!
INFERENCE_URL="http://127.0.0.1:$INFERENCE_PORT/v1" \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SERVER=$!
trap 'kill $SERVER $INFERENCE 2>/dev/null' EXIT
wait_healthy "$PORT"

JAR=target/bench-limits/cookies
sign_in "$PORT" "$JAR" >/dev/null
KEY=$(create_key "$PORT" "$JAR" "$ORG" "$WS" bench)

# Sets the organization's cap ($1) and the workspace's cap, requests and tokens per
# minute ($2 $3 $4); blank is no limit.
limits() {
  curl -fs -b "$JAR" -o /dev/null -X POST "http://127.0.0.1:$PORT/api/save_org_limits" \
    --data-urlencode "org_id=$ORG" --data-urlencode "monthly_cap=$1" --data-urlencode "thresholds=50, 80, 100"
  curl -fs -b "$JAR" -o /dev/null -X POST "http://127.0.0.1:$PORT/api/save_workspace_limits" \
    --data-urlencode "org_id=$ORG" --data-urlencode "workspace_id=$WS" \
    --data-urlencode "monthly_cap=$2" --data-urlencode "raise_cap=" --data-urlencode "raise_until=" \
    --data-urlencode "requests_per_minute=$3" --data-urlencode "tokens_per_minute=$4"
}

cat > target/bench-limits/chat.lua <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"open-mistral-7b","max_tokens":64,"messages":[{"role":"user","content":"How many seats does the team plan include?"}]}'
LUA

# Prints the requests/s of one wrk run.
rate() {
  wrk -t2 -c16 -d"$DURATION" --latency -s target/bench-limits/chat.lua -H "Authorization: Bearer $KEY" \
    "http://127.0.0.1:$PORT/v1/chat/completions" | tee target/bench-limits/last.txt \
    | grep -E "Requests/sec|Latency|99%|Non-2xx" >&2
  grep -oE "Requests/sec: +[0-9.]+" target/bench-limits/last.txt | grep -oE "[0-9.]+$"
}

without=0; with=0
for round in $(seq 1 "$ROUNDS"); do
  limits "" "" "" ""
  echo "== round $round: no limits" >&2
  a=$(rate)
  limits "1000000" "900000" "1000000" "1000000000"
  echo "== round $round: every limit set" >&2
  b=$(rate)
  echo "round $round: $a req/s without limits, $b with ($(echo "scale=1; 100 * $b / $a" | bc)%)"
  without=$(echo "$without + $a" | bc); with=$(echo "$with + $b" | bc)
done
echo "all rounds: $(echo "scale=1; 100 * $with / $without" | bc)% of the rate without limits (goal: at least 90%)"
grep -q "Non-2xx" target/bench-limits/last.txt && { echo "some completions were refused" >&2; exit 1; } || true
