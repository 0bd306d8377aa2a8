#!/usr/bin/env bash
# The page-render hammer: REQUESTS page renders (1,000,000 by default) at CONNECTIONS (64)
# concurrent requests, cycling through every signed-in page of the console (and its
# dialogs) on the release server over SQLite. Counts renders that stalled (the stall
# guard's count on /metrics, and its log lines), non-2xx answers and the slowest request.
# Exits non-zero when any render stalled or any answer was not 2xx. Run from the project
# root: bench/stall_hammer.sh (about 15 minutes on the 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3370}"
REQUESTS="${REQUESTS:-1000000}"
CONNECTIONS="${CONNECTIONS:-64}"
CHUNK="${CHUNK:-60}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-stall-hammer"
TOKEN="stall-hammer-metrics-token"

source bench/lib.sh
need wrk curl
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="sqlite://$OUT/console.db"
read -r ORG WS < <(target/release/bench-seed --members 200 --jobs 20 --email "$EMAIL" --password "$PASSWORD")
METRICS_TOKEN="$TOKEN" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/studio-console > "$OUT/console.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
wait_healthy "$PORT"
export COOKIE
COOKIE=$(sign_in "$PORT" "$OUT/jar")
create_key "$PORT" "$OUT/jar" "$ORG" "$WS" "hammer" >/dev/null

O="/o/$ORG" W="/o/$ORG/w/$WS"
printf '%s\n' /welcome /account /terms "$O" "$O/settings" "$O/settings/general" \
  "$O/settings/workspaces" "$O/settings/permissions" "$O/settings/billing" "$O/settings/limits" \
  "$O/settings/domains" "$O/settings/audit" "$O/settings/billing/subscription" \
  "$O/settings/billing/invoices" "$O/settings/members" "$O/settings/members/invitations" \
  "$O/settings/members/requests" "$O/settings/members?dialog=invite" \
  "$O/settings/workspaces?dialog=new-workspace" "$W" "$W/members" "$W/members?dialog=add-members" \
  "$W/api-keys" "$W/api-keys?dialog=new-key" "$W/datasets" "$W/fine-tuning" \
  "$W/fine-tuning?dialog=new-job" "$W/models" "$W/usage" "$W?dialog=create-organization" \
  > "$OUT/paths.txt"
# Paths that redirect (an organization to its first workspace) are followed to their page.
export PATHS="$OUT/pages.txt"
while read -r path; do
  read -r code url < <(curl -s -o /dev/null -L -w "%{http_code} %{url_effective}\n" -H "Cookie: $COOKIE" \
    -H "Accept: text/html" "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { echo "FAIL: $path answers $code before the hammer" >&2; exit 1; }
  echo "${url#http://127.0.0.1:$PORT}"
done < "$OUT/paths.txt" | sort -u > "$PATHS"
echo "$(wc -l < "$PATHS") pages, each answers 200; hammering with $REQUESTS renders at $CONNECTIONS connections"

stalled() {
  curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" \
    | awk '$1 == "console_page_renders_stalled_total" { print $2 }'
}
done_requests=0 bad=0 slowest=0 started=$(date +%s)
while [ "$done_requests" -lt "$REQUESTS" ]; do
  wrk -t2 -c"$CONNECTIONS" -d"${CHUNK}s" --timeout 60s --latency -s bench/stall_hammer.lua \
    "http://127.0.0.1:$PORT" > "$OUT/wrk.txt"
  read -r n not_ok errors max < <(awk '/^answers:/ { gsub(/;/, ""); print $2, $5, $8, $10 }' "$OUT/wrk.txt")
  done_requests=$((done_requests + n)) bad=$((bad + not_ok + errors))
  [ "$max" -gt "$slowest" ] && slowest=$max
  echo "$done_requests renders; $(grep -E 'Requests/sec' "$OUT/wrk.txt" | xargs); p99 $(awk '$1 == "99%" { print $2 }' "$OUT/wrk.txt"), max $max ms; not 200 or failed: $((not_ok + errors)); stalled so far: $(stalled)"
done
elapsed=$(( $(date +%s) - started ))
stalls=$(stalled)
logged=$(grep -c "page render stalled" "$OUT/console.log" || true)
echo "hammer: $done_requests renders in $elapsed s at $CONNECTIONS connections: $stalls stalled ($logged log lines), $bad not 200 or failed, slowest $slowest ms"
[ "$stalls" = 0 ] && [ "$logged" = 0 ] && [ "$bad" = 0 ] || { echo "FAIL: stalls or errors" >&2; exit 1; }
