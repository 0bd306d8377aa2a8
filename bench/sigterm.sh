#!/usr/bin/env bash
# SIGTERM: a stopping console refuses new connections, lets the requests in flight finish
# (up to SHUTDOWN_GRACE_SECS) and exits 0. Two runs against the release server and a
# stand-in model answering after 3 s:
#   1. grace 30 s: a completion in flight when SIGTERM arrives is answered 200, and the
#      process exits 0 right after it;
#   2. grace 1 s: the process exits 0 one second after SIGTERM, the completion cut.
# Exits non-zero on any failure. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3320}"
INFERENCE_PORT="${INFERENCE_PORT:-3321}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT=target/bench-sigterm

source bench/lib.sh
need curl bc
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="sqlite://$OUT/console.db"
read -r ORG WS < <(target/release/bench-seed --members 0 --jobs 1 --email "$EMAIL" --password "$PASSWORD")

target/release/studio-console demo-inference --listen "127.0.0.1:$INFERENCE_PORT" --delay-ms 3000 >/dev/null &
INFERENCE=$!
SERVER=
trap 'kill $INFERENCE $SERVER 2>/dev/null || true' EXIT

start_server() {
  SHUTDOWN_GRACE_SECS="$1" INFERENCE_URL="http://127.0.0.1:$INFERENCE_PORT/v1" \
    LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    target/release/studio-console &
  SERVER=$!
  wait_healthy "$PORT"
}

# Starts a 3 s completion in the background; its status code lands in $OUT/status.
complete_in_background() {
  rm -f "$OUT/status"
  (curl -s -o /dev/null -w "%{http_code}" -X POST -H "Authorization: Bearer $KEY" \
     -H "Content-Type: application/json" \
     --data '{"model":"open-mistral-7b","messages":[{"role":"user","content":"Hello"}]}' \
     "http://127.0.0.1:$PORT/v1/chat/completions" > "$OUT/status" || true) &
  CLIENT=$!
  sleep 1
}

fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }

start_server 30
[ -n "$(sign_in "$PORT" "$OUT/jar")" ] || fail "cannot sign in"
KEY=$(create_key "$PORT" "$OUT/jar" "$ORG" "$WS" sigterm)
complete_in_background
t0=$(now)
kill -TERM "$SERVER"
sleep 0.3
curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz" \
  && fail "a new connection was accepted after SIGTERM"
rc=0; wait "$SERVER" || rc=$?
stopped=$(echo "$(now) - $t0" | bc)
wait "$CLIENT"
echo "grace 30 s: the completion in flight answered $(cat "$OUT/status"), exit $rc after $stopped s"
[ "$rc" -eq 0 ] || fail "exit code $rc"
[ "$(cat "$OUT/status")" = 200 ] || fail "the request in flight was not finished"
(( $(echo "$stopped < 4" | bc) )) || fail "took $stopped s to stop after the last request"

start_server 1
complete_in_background
t0=$(now)
kill -TERM "$SERVER"
rc=0; wait "$SERVER" || rc=$?
stopped=$(echo "$(now) - $t0" | bc)
wait "$CLIENT"
SERVER=
echo "grace 1 s: exit $rc after $stopped s, the completion cut (status $(cat "$OUT/status"))"
[ "$rc" -eq 0 ] || fail "exit code $rc"
(( $(echo "$stopped >= 1 && $stopped < 1.9" | bc) )) || fail "took $stopped s to stop with a grace of 1 s"
[ "$(cat "$OUT/status")" != 200 ] || fail "the completion was not cut"
echo "ok"
