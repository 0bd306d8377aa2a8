#!/usr/bin/env bash
# Workspace resources benchmark: seeds a workspace with 10,000 fine-tuning jobs, 10,000
# datasets and 3,334 fine-tuned models into a fresh SQLite database (or DATABASE_URL),
# starts the release server, and loads the Datasets, Fine-tuning and Models pages (signed
# in) and GET /v1/fine_tuning/jobs with wrk (16 connections). Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-10000}"
PORT="${PORT:-3301}"
DURATION="${DURATION:-10s}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need wrk curl
build_server_and_seeder

rm -rf target/bench-ws && mkdir -p target/bench-ws
export DATABASE_URL="${DATABASE_URL:-sqlite://target/bench-ws/console.db}"
read -r ORG WS < <(target/release/bench-seed --members 0 --jobs "$JOBS" --email "$EMAIL" --password "$PASSWORD")
echo "seeded $JOBS jobs and datasets into $ORG/$WS ($DATABASE_URL)"

LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
wait_healthy "$PORT"

JAR=target/bench-ws/cookies
COOKIE=$(sign_in "$PORT" "$JAR")
KEY=$(create_key "$PORT" "$JAR" "$ORG" "$WS" bench)

run() {
  echo
  echo "== $1"
  shift
  wrk -t2 -c16 -d"$DURATION" --latency "$@" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
}
for page in datasets fine-tuning models; do
  run "$page page (HTML, first page of 50)" -H "Cookie: $COOKIE" -H "Accept: text/html" \
    "http://127.0.0.1:$PORT/o/$ORG/w/$WS/$page"
done
run "GET /v1/fine_tuning/jobs?limit=100" -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$PORT/v1/fine_tuning/jobs?limit=100"
