#!/usr/bin/env bash
# Sign-in flood: 500 concurrent sign-in attempts with wrong passwords (one client address,
# 500 different emails) against the release server on a fresh SQLite database, while
# /healthz is polled. Prints how they were answered, the wall time, /healthz latency
# (p50, max) during the flood and the server's peak resident memory. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3303}"
BIN="${BIN:-target/release/studio-console}"  # another build, to compare
ATTEMPTS="${ATTEMPTS:-500}"

command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
[ -x "$BIN" ] || make build >/dev/null
rm -rf target/bench-flood && mkdir -p target/bench-flood
export DATABASE_URL="sqlite://target/bench-flood/console.db"
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=error "$BIN" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/api/sign_up" \
  --data-urlencode "name=Ada" --data-urlencode "email=ada@bench.local" \
  --data-urlencode "password=benchmark password"

OUT=target/bench-flood
( while kill -0 $SERVER 2>/dev/null && [ ! -f $OUT/done ]; do
    curl -s -o /dev/null -w "%{time_total}\n" "http://127.0.0.1:$PORT/healthz" >> $OUT/health
    sleep 0.05
  done ) &
POLLER=$!
START=$(date +%s.%N)
seq 1 "$ATTEMPTS" | xargs -P "$ATTEMPTS" -I{} curl -s -o /dev/null -w "%{http_code}\n" \
  -X POST "http://127.0.0.1:$PORT/api/sign_in" \
  --data-urlencode "email=person{}@bench.local" --data-urlencode "password=wrong password {}" \
  >> $OUT/codes
END=$(date +%s.%N)
touch $OUT/done
wait $POLLER 2>/dev/null || true
echo "$ATTEMPTS concurrent sign-in attempts in $(python3 -c "print(round($END - $START, 2))") s"
sort $OUT/codes | uniq -c | sed 's/^/  status /'
python3 - $OUT/health <<'PY'
import sys, statistics
t = sorted(float(x) * 1000 for x in open(sys.argv[1]) if x.strip())
print(f"/healthz during the flood: {len(t)} polls, p50 {statistics.median(t):.1f} ms, max {t[-1]:.1f} ms")
PY
grep -E "VmHWM" "/proc/$SERVER/status"
