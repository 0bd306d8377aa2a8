#!/usr/bin/env bash
# 50 concurrent writers on SQLite: the release console, one organization, 50 connections
# writing at once for DURATION (20 s): API keys created, the workspace renamed, a member's
# role changed, in turn. Prints writes/s, failures, how many said "database is locked",
# and the latency percentiles; exits non-zero on any failed write. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3380}"
DURATION="${DURATION:-20s}"
WRITERS="${WRITERS:-50}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-writers"

source bench/lib.sh
need wrk curl
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="sqlite://$OUT/console.db"
read -r ORG WS < <(target/release/bench-seed --members 1 --jobs 1 --email "$EMAIL" --password "$PASSWORD")
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/studio-console > "$OUT/console.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
wait_healthy "$PORT"
export ORG WS MEMBER=usr_bench0000000 COOKIE
COOKIE=$(sign_in "$PORT" "$OUT/jar")
wrk -t2 -c"$WRITERS" -d"$DURATION" --timeout 30s -s bench/writers.lua "http://127.0.0.1:$PORT" \
  | tee "$OUT/wrk.txt" | grep -E "Requests/sec|writes:"
grep -q "failed: 0; locked: 0;" "$OUT/wrk.txt" || { echo "FAIL: writes failed" >&2; exit 1; }
echo "$WRITERS writers on SQLite: no write failed, none was locked out"
