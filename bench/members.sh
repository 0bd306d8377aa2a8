#!/usr/bin/env bash
# Members page benchmark: seeds an organization with 10,000 members into a fresh SQLite
# database (or DATABASE_URL), starts the release server, times a bulk invite of 1,000
# addresses (ten submissions of 100), then loads the members page (the first page, the
# last, a search) and the invitations (two pages) signed in with wrk (16 connections),
# printing each page's HTML size. Run from the project root: bench/members.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS="${MEMBERS:-10000}"
PORT="${PORT:-3300}"
DURATION="${DURATION:-10s}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need wrk curl bc
build_server_and_seeder

rm -rf target/bench && mkdir -p target/bench
export DATABASE_URL="${DATABASE_URL:-sqlite://target/bench/console.db}"
ORG=$(target/release/bench-seed --members "$MEMBERS" --email "$EMAIL" --password "$PASSWORD")
echo "seeded $MEMBERS members into $ORG ($DATABASE_URL)"

# The bulk invite sends 1,000 emails: above the default daily cap of 500.
INVITE_EMAILS_PER_DAY=2000 LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site \
  RUST_LOG=warn target/release/studio-console &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
wait_healthy "$PORT"

JAR=target/bench/cookies
COOKIE=$(sign_in "$PORT" "$JAR")
BASE="http://127.0.0.1:$PORT/o/$ORG/settings/members"

echo
echo "== bulk invite of 1,000 addresses (10 x 100)"
start=$(date +%s.%N)
for batch in $(seq 0 9); do
  emails=$(seq $((batch * 100)) $((batch * 100 + 99)) | sed 's/.*/invitee&@bench.local/' | paste -sd, -)
  curl -fs -o /dev/null -b "$JAR" -X POST "http://127.0.0.1:$PORT/api/send_invitations" \
    --data-urlencode "org_id=$ORG" --data-urlencode "emails=$emails" --data-urlencode "role=member"
done
end=$(date +%s.%N)
printf "1,000 invitations in %.2f s\n" "$(echo "$end - $start" | bc)"

# The last page of members: after the 50th from the end (seeded ids follow name order).
LAST_AFTER=$(printf "usr_bench%07d" $((MEMBERS - 51)))
# The second page of invitations: where page 1's "Older" link starts.
OLDER=$(curl -fs -b "$JAR" "$BASE/invitations" | grep -o 'invitations?after=[A-Za-z0-9_]*' | head -1)

run() {
  echo
  echo "== $1 ($(curl -fs -b "$JAR" -o /dev/null -w '%{size_download}' "$2") bytes of HTML)"
  wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $COOKIE" -H "Accept: text/html" "$2" \
    | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
}
run "members, first page" "$BASE"
run "members, last page" "$BASE?after=$LAST_AFTER"
run "members, search 'member 09'" "$BASE?q=member%2009"
run "invitations, first page" "$BASE/invitations"
run "invitations, second page" "$BASE/$OLDER"
