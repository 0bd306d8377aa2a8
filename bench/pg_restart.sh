#!/usr/bin/env bash
# PostgreSQL restarted under load. Starts a private PostgreSQL cluster (port $PGPORT, its
# own data folder under target/), the release console on it, and 4 clients loading a
# signed-in page in a loop; stops the database for 10 s and starts it again. Needs root
# (the cluster runs as the postgres user). Checks:
#   - while it is down, /healthz says 503 and pages get 503 (no request waits longer than
#     the pool's 10 s acquire timeout plus 2 s, and once the gate closes each 503 is instant);
#   - the console serves pages again within 5 s of the database accepting connections,
#     by itself.
# Prints the figures; exits non-zero on any failed check. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3330}"
PGPORT="${PGPORT:-5499}"
DOWN_SECS="${DOWN_SECS:-10}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-pg-restart"
[ "$(id -u)" = 0 ] || { echo "run as root: the private cluster runs as the postgres user" >&2; exit 1; }
[ "$DOWN_SECS" -ge 3 ] || { echo "DOWN_SECS: at least 3" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL's server programs are not installed" >&2; exit 1; }

source bench/lib.sh
need curl bc
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
# The cluster's folder where the postgres user can reach it, whatever the project's path.
PGDATA_DIR=$(mktemp -d /tmp/console-pg-XXXXXX)
chown postgres "$PGDATA_DIR"
pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" "$@"; }
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR/data" -A trust -U postgres >/dev/null
start_pg() { pg -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1" -l "$PGDATA_DIR/pg.log" -w start >/dev/null; }
start_pg
SERVER=
LOADERS=""
trap 'kill $SERVER $LOADERS 2>/dev/null || true; pg -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA_DIR"' EXIT
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" console
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/console"
read -r ORG WS < <(target/release/bench-seed --members 0 --jobs 1 --email "$EMAIL" --password "$PASSWORD")

LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/studio-console 2> "$OUT/console.log" &
SERVER=$!
wait_healthy "$PORT"
COOKIE=$(sign_in "$PORT" "$OUT/jar")
now() { date +%s.%N; }

# Each loader writes "finished-at status seconds" per request.
for i in 1 2 3 4; do
  (while true; do
     # curl prints its -w line even when it fails (code 000).
     r=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" -H "Cookie: $COOKIE" \
           -H "Accept: text/html" --max-time 30 "http://127.0.0.1:$PORT/o/$ORG/w/$WS" || true)
     echo "$(now) $r"
   done > "$OUT/load-$i.txt") &
  LOADERS="$LOADERS $!"
done
sleep 3
down_at=$(now)
pg -m fast stop >/dev/null
sleep 2
health_down=$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "http://127.0.0.1:$PORT/healthz" || true)
sleep $((DOWN_SECS - 2))
start_pg
up_at=$(now)
recovered_at=
for _ in $(seq 1 100); do
  if [ "$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: $COOKIE" -H "Accept: text/html" \
          "http://127.0.0.1:$PORT/o/$ORG/w/$WS")" = 200 ]; then recovered_at=$(now); break; fi
  sleep 0.1
done
sleep 2
kill $LOADERS 2>/dev/null || true
wait $LOADERS 2>/dev/null || true
LOADERS=""
cat "$OUT"/load-*.txt > "$OUT/all.txt"

awk -v down="$down_at" -v up="$up_at" '
  { t = $1; code = $2; secs = $3; total++ }
  t < down { before++; if (code != 200) bad_before++ }
  t >= down && t - secs < up { during++; by[code]++; if (secs > slowest) slowest = secs;
                               if (code == 503 && secs < 0.05) fast++ }
  END {
    printf "requests: %d (%d before the stop, %d failed)\n", total, before, bad_before
    printf "while down (%d requests):", during; for (c in by) printf " %s x%d", c, by[c]; printf "\n"
    printf "slowest request while down: %.2f s; 503s answered in under 50 ms: %d\n", slowest, fast
  }' "$OUT/all.txt" | tee "$OUT/summary.txt"
fail() { echo "FAIL: $*" >&2; exit 1; }
echo "/healthz while down: $health_down"
[ "$health_down" = 503 ] || fail "/healthz answered $health_down while the database was down"
[ -n "$recovered_at" ] || fail "the console did not recover within 10 s"
recovery=$(echo "$recovered_at - $up_at" | bc)
echo "first page served $recovery s after PostgreSQL accepted connections again"
(( $(echo "$recovery < 5" | bc) )) || fail "recovery took $recovery s"
slowest=$(grep -oE "slowest request while down: [0-9.]+" "$OUT/summary.txt" | grep -oE "[0-9.]+$")
(( $(echo "$slowest < 12" | bc) )) || fail "a request waited $slowest s"
fast=$(grep -oE "under 50 ms: [0-9]+" "$OUT/summary.txt" | grep -oE "[0-9]+$")
[ "${fast:-0}" -gt 0 ] || fail "no request got an instant 503 while the database was down"
bad_before=$(grep -oE "before the stop, [0-9]+ failed" "$OUT/summary.txt" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+")
[ "$bad_before" = 0 ] || fail "$bad_before requests failed before the stop"
echo ok
