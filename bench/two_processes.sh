#!/usr/bin/env bash
# Two console processes on one PostgreSQL database, driven alternately. Checks:
#   - both start at once on an empty database: every migration applies once;
#   - a session started on one process works on the other;
#   - seats hold across them: 20 invitations sent at once, alternating processes, into an
#     organization with 5 seats and 1 member: exactly 4 are accepted;
#   - the last Admin holds across them: two Admins demote each other at once, one on each
#     process, 10 rounds: every round ends with exactly one Admin;
#   - a mixed workload (pages, /v1 reads, chat completions through demo-inference, writes)
#     at 40 requests/s on each process at once for 20 s, signed in on A only: no error;
#   - two period closes at once (the `close-periods` command twice, as two processes'
#     closers would) issue one invoice per organization;
#   - both shut down cleanly.
# Exits non-zero on any failed check. Run from the project root with PostgreSQL at
# 127.0.0.1:5432 (trust auth), as under `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
A="${PORT:-3340}"
B=$((A + 1))
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT=target/bench-two-processes
DB="console_two_$$"
PSQL=(psql -h 127.0.0.1 -U postgres -tAq)

source bench/lib.sh
need curl python3
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
A_PID= B_PID=
target/release/studio-console demo-inference --listen "127.0.0.1:$((A + 10))" > "$OUT/inference.log" 2>&1 &
INFERENCE_PID=$!
export INFERENCE_URL="http://127.0.0.1:$((A + 10))/v1"
trap 'kill $A_PID $B_PID $INFERENCE_PID 2>/dev/null || true; sleep 1; "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
sql() { "${PSQL[@]}" -d "$DB" -c "$1"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

serve() {
  LEPTOS_SITE_ADDR="127.0.0.1:$1" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    target/release/studio-console 2> "$OUT/console-$1.log" &
}
serve "$A"; A_PID=$!
serve "$B"; B_PID=$!
wait_healthy "$A"
wait_healthy "$B"
curl -fs "http://127.0.0.1:$A/healthz" >/dev/null || fail "process A did not start: $(cat "$OUT/console-$A.log")"
curl -fs "http://127.0.0.1:$B/healthz" >/dev/null || fail "process B did not start: $(cat "$OUT/console-$B.log")"
files=$(ls migrations/postgres/*.sql | wc -l)
applied=$(sql "SELECT count(*) FROM _sqlx_migrations WHERE success")
distinct=$(sql "SELECT count(DISTINCT version) FROM _sqlx_migrations")
echo "migrations: $files files, $applied applied, $distinct distinct, by two processes starting at once"
[ "$applied" = "$files" ] && [ "$distinct" = "$files" ] || fail "migrations applied $applied times for $files files"

read -r ORG WS < <(target/release/bench-seed --members 0 --jobs 1 --email "$EMAIL" --password "$PASSWORD")
sql "UPDATE subscriptions SET seats = 5 WHERE org_id = '$ORG'"
COOKIE=$(sign_in "$A" "$OUT/jar-a")
page=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: $COOKIE" -H "Accept: text/html" \
  "http://127.0.0.1:$B/o/$ORG/w/$WS")
echo "a session started on A opens a page on B: $page"
[ "$page" = 200 ] || fail "the session did not cross processes"

# 20 invitations at once, alternating processes; 5 seats, 1 taken.
for i in $(seq 1 20); do
  port=$(( i % 2 ? A : B ))
  curl -s -o /dev/null -w "%{http_code}\n" -H "Cookie: $COOKIE" -X POST \
    "http://127.0.0.1:$port/api/send_invitations" --data-urlencode "org_id=$ORG" \
    --data-urlencode "emails=person$i@bench.local" --data-urlencode "role=member" &
done > "$OUT/invites.txt"
wait_for_children() { for job in $(jobs -p); do [ "$job" = "$A_PID" ] || [ "$job" = "$B_PID" ] || [ "$job" = "$INFERENCE_PID" ] || wait "$job" || true; done; }
wait_for_children
accepted=$(grep -c '^200$' "$OUT/invites.txt" || true)
pending=$(sql "SELECT count(*) FROM invitations WHERE org_id = '$ORG' AND status = 'pending'")
echo "seats: 20 invitations at once over both processes, $accepted accepted, $pending pending (5 seats, 1 member)"
[ "$accepted" = 4 ] && [ "$pending" = 4 ] || fail "seats did not hold across processes"

# Two Admins demote each other at once, one on each process.
curl -fs -o /dev/null -X POST "http://127.0.0.1:$B/api/sign_up" --data-urlencode "name=Second" \
  --data-urlencode "email=second@bench.local" --data-urlencode "password=$PASSWORD"
target/release/studio-console grant-role --org "$ORG" --email second@bench.local --role admin >/dev/null
FIRST=$(sql "SELECT id FROM users WHERE email = '$EMAIL'")
SECOND=$(sql "SELECT id FROM users WHERE email = 'second@bench.local'")
COOKIE2=$(EMAIL=second@bench.local sign_in "$B" "$OUT/jar-b")
for round in $(seq 1 10); do
  sql "UPDATE org_members SET role = 'admin' WHERE org_id = '$ORG' AND user_id IN ('$FIRST', '$SECOND')"
  curl -s -o /dev/null -H "Cookie: $COOKIE" -X POST "http://127.0.0.1:$A/api/change_member_role" \
    --data-urlencode "org_id=$ORG" --data-urlencode "user_id=$SECOND" --data-urlencode "role=member" &
  curl -s -o /dev/null -H "Cookie: $COOKIE2" -X POST "http://127.0.0.1:$B/api/change_member_role" \
    --data-urlencode "org_id=$ORG" --data-urlencode "user_id=$FIRST" --data-urlencode "role=member" &
  wait_for_children
  admins=$(sql "SELECT count(*) FROM org_members WHERE org_id = '$ORG' AND role = 'admin'")
  [ "$admins" = 1 ] || fail "round $round ended with $admins Admins"
done
echo "last Admin: 10 rounds of two Admins demoting each other on two processes, each ended with 1 Admin"

# A mixed workload through both at once, signed in on A (an Admin again: the rounds above
# may have left the other one as the Admin).
sql "UPDATE subscriptions SET seats = 1000 WHERE org_id = '$ORG'"
sql "UPDATE org_members SET role = 'admin' WHERE org_id = '$ORG' AND user_id = '$FIRST'"
KEY=$(create_key "$A" "$OUT/jar-a" "$ORG" "$WS" "mixed load")
python3 bench/mixed_load.py "$A" 40 20 "$COOKIE" "$KEY" "$ORG" "$WS" > "$OUT/load-a.txt" &
LOAD_A=$!
python3 bench/mixed_load.py "$B" 40 20 "$COOKIE" "$KEY" "$ORG" "$WS" > "$OUT/load-b.txt" &
LOAD_B=$!
load_ok=0
wait "$LOAD_A" || load_ok=1
wait "$LOAD_B" || load_ok=1
echo "mixed load on A: $(cat "$OUT/load-a.txt")"
echo "mixed load on B: $(cat "$OUT/load-b.txt")"
[ "$load_ok" = 0 ] || fail "the mixed load through both processes had errors"

# Two closes of the period at once: one invoice per organization.
NEXT_MONTH=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%Y-%m-%d)
for _ in 1 2; do
  target/release/studio-console close-periods --as-of "$NEXT_MONTH" --close-early > /dev/null &
done
wait_for_children
orgs=$(sql "SELECT count(*) FROM organizations")
read -r invoices invoiced < <(sql "SELECT count(*), count(DISTINCT org_id) FROM invoices" | tr '|' ' ')
echo "period close run twice at once: $invoices invoices for $orgs organizations"
[ "$invoices" = "$orgs" ] && [ "$invoiced" = "$orgs" ] || fail "the period was not closed exactly once"

kill -TERM "$A_PID" "$B_PID"
rc_a=0; wait "$A_PID" || rc_a=$?
rc_b=0; wait "$B_PID" || rc_b=$?
A_PID= B_PID=
echo "shutdown: exit codes $rc_a and $rc_b"
[ "$rc_a" = 0 ] && [ "$rc_b" = 0 ] || fail "a process did not stop cleanly"
echo ok
