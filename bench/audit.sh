#!/usr/bin/env bash
# Audit log benchmark: seeds an organization with 100 members and ENTRIES (1,000,000)
# audit entries into a fresh SQLite database (or DATABASE_URL), starts the release server,
# and loads Admin Settings -> Audit log signed in with wrk (16 connections): the newest
# page, a page deep in the log, and the filters by actor, by whom it was about, by action
# and by a day in the middle; then times a filtered CSV export and a whole JSON Lines one.
# Run from the project root: bench/audit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES="${ENTRIES:-1000000}"
PORT="${PORT:-3301}"
DURATION="${DURATION:-10s}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need wrk curl
build_server_and_seeder

rm -rf target/bench && mkdir -p target/bench
export DATABASE_URL="${DATABASE_URL:-sqlite://target/bench/console.db}"
start=$(date +%s)
read -r ORG ADMIN < <(target/release/bench-seed --members 100 --audit-entries "$ENTRIES" --email "$EMAIL" --password "$PASSWORD")
echo "seeded $ENTRIES audit entries into $ORG in $(( $(date +%s) - start )) s ($DATABASE_URL)"

LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
wait_healthy "$PORT"

JAR=target/bench/cookies
COOKIE=$(sign_in "$PORT" "$JAR")
BASE="http://127.0.0.1:$PORT/o/$ORG/settings/audit"
MIDDLE_DAY=$(date -u -d "@$(( $(date +%s) - ENTRIES / 2 ))" +%Y-%m-%d)

run() {
  echo
  echo "== $1 ($(curl -fs -b "$JAR" -o /dev/null -w '%{size_download}' "$2") bytes of HTML)"
  wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $COOKIE" -H "Accept: text/html" "$2" \
    | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
}
run "newest page" "$BASE"
run "a page half-way down" "$BASE?after=$(( ENTRIES / 2 ))"
run "by actor" "$BASE?actor=$ADMIN"
run "about one member" "$BASE?target=usr_bench0000007"
run "by action (workspace renames)" "$BASE?action=workspace.renamed"
run "one day in the middle" "$BASE?from=$MIDDLE_DAY&until=$MIDDLE_DAY"

export_time() {
  local t
  t=$(curl -fs -b "$JAR" -o target/bench/export -w '%{time_total}' "$2")
  echo "== $1: $(wc -l < target/bench/export) lines, $(wc -c < target/bench/export) bytes in ${t} s"
}
echo
export_time "CSV export, about one member" "$BASE/export?format=csv&target=usr_bench0000007"
export_time "JSON Lines export, everything" "$BASE/export?format=jsonl"
