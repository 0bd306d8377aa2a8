#!/usr/bin/env bash
# A mixed workload at a stated rate: RATE requests per second (100) for DURATION_SECS (60) against
# the release console on SQLite (or DATABASE_URL) with demo-inference behind it: signed-in
# pages, /v1 reads, chat completions and console writes (bench/mixed_load.py has the mix).
# Prints the achieved rate, statuses and latency; exits non-zero on any error or any
# request that could not start on time. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3390}"
RATE="${RATE:-100}"
DURATION_SECS="${DURATION_SECS:-60}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-mixed-load"

source bench/lib.sh
need curl python3
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="${DATABASE_URL:-sqlite://$OUT/console.db}"
read -r ORG WS < <(target/release/bench-seed --members 100 --jobs 20 --email "$EMAIL" --password "$PASSWORD")
target/release/studio-console demo-inference --listen "127.0.0.1:$((PORT + 1))" > "$OUT/inference.log" 2>&1 &
INFERENCE=$!
# Invitations are capped per day; the load sends thousands.
INVITE_EMAILS_PER_DAY=100000 INFERENCE_URL="http://127.0.0.1:$((PORT + 1))/v1" \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/studio-console > "$OUT/console.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $INFERENCE 2>/dev/null || true' EXIT
wait_healthy "$PORT"
COOKIE=$(sign_in "$PORT" "$OUT/jar")
KEY=$(create_key "$PORT" "$OUT/jar" "$ORG" "$WS" "mixed load")
python3 bench/mixed_load.py "$PORT" "$RATE" "$DURATION_SECS" "$COOKIE" "$KEY" "$ORG" "$WS"
