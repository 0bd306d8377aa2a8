#!/usr/bin/env bash
# kill -9 during writes, on SQLite and on PostgreSQL (BACKENDS="sqlite postgres" by default).
# For each, ROUNDS times: four writers loop (invitations, API keys, 200-line uploads, a
# member's role back and forth) until the console is killed with SIGKILL at a random moment
# 2 to 4 s in; the console starts again on the same database and data folder, and
# bench/kill9.py checks:
#   - PRAGMA integrity_check is ok (SQLite);
#   - every write the writers saw acknowledged is there; the member's role is the last
#     acknowledged or the one in flight;
#   - every organization has an Admin;
#   - every dataset's file is there, whole (a crash may leave a stored file without its row,
#     or a cut-off upload: both are listed, and the sweep removes them once an hour old).
# A writer the console refuses (any answer but 200) fails the run too: each must stop only
# because the console died. Exits non-zero on any failed check. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3350}"
ROUNDS="${ROUNDS:-3}"
BACKENDS="${BACKENDS:-sqlite postgres}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-kill9"
PSQL=(psql -h 127.0.0.1 -U postgres -tAq)

source bench/lib.sh
need curl python3
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
SERVER=
PG_DB=
trap 'kill -9 $SERVER 2>/dev/null || true; [ -z "$PG_DB" ] || "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null || true' EXIT

serve() {
  INVITE_EMAILS_PER_DAY=100000 DATA_DIR="$DATA" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    target/release/studio-console >> "$RUN/console.log" 2>&1 &
  SERVER=$!
  wait_healthy "$PORT"
}

failed=0
for backend in $BACKENDS; do
  RUN="$OUT/$backend"
  DATA="$RUN/data"
  mkdir -p "$RUN"
  if [ "$backend" = sqlite ]; then
    export DATABASE_URL="sqlite://$RUN/console.db"
    DATABASE="$RUN/console.db"
  else
    PG_DB="console_kill9_$$"
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $PG_DB"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PG_DB"
    DATABASE="$DATABASE_URL"
  fi
  read -r ORG WS < <(target/release/bench-seed --members 1 --jobs 1 --email "$EMAIL" --password "$PASSWORD")
  MEMBER=usr_bench0000000
  serve
  COOKIE=$(sign_in "$PORT" "$RUN/jar")
  KEY=$(create_key "$PORT" "$RUN/jar" "$ORG" "$WS" "kill9 uploads")
  for round in $(seq 1 "$ROUNDS"); do
    python3 bench/kill9.py write "$RUN" "http://127.0.0.1:$PORT" "$COOKIE" "$ORG" "$WS" "$KEY" "$MEMBER" "$round" &
    WRITERS=$!
    sleep "$(python3 -c 'import random; print(2 + 2 * random.random())')"
    kill -9 "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    wait "$WRITERS"
    echo "$backend, round $round: killed mid-write; $(grep -c '^ok' "$RUN"/*.log | tr '\n' ' ')"
    serve
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "FAIL: no restart: $(tail "$RUN/console.log")"; exit 1; }
    python3 bench/kill9.py check "$RUN" "$backend" "$DATABASE" "$DATA" "$ORG" "$WS" "$MEMBER" || failed=1
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
done
[ "$failed" = 0 ] || { echo "FAIL: see above" >&2; exit 1; }
echo "kill -9: every check held on $BACKENDS, $ROUNDS rounds each"
