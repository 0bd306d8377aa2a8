#!/usr/bin/env bash
# The audit chain's keys end to end, on the release binary and a fresh SQLite database:
#   1. a console without AUDIT_KEYS records unsealed links; audit-verify calls them intact;
#   2. started with keys, the console seals each chain by one entry; verify: intact;
#   3. a process without the keys (or without the sealing key) refuses to start or record;
#   4. a chain's tail rewritten without the key is found (an unsealed newest entry), and so
#      is a sealed entry edited in place.
# Exits non-zero on any failed check. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3350}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT=target/bench-audit-keys
KEYS="k1:an-operator-secret-of-32-characters-or-more"

source bench/lib.sh
need curl sqlite3
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
export DATABASE_URL="sqlite://$OUT/console.db"
fail() { echo "FAIL: $*" >&2; exit 1; }
SERVER=
trap 'kill $SERVER 2>/dev/null || true' EXIT
serve() {
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    target/release/studio-console 2>> "$OUT/console.log" &
  SERVER=$!
  wait_healthy "$PORT"
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=; }
verify() { target/release/studio-console audit-verify --org "$ORG"; }

ORG=$(target/release/bench-seed --members 0 --email "$EMAIL" --password "$PASSWORD")
serve
sign_in "$PORT" "$OUT/jar" >/dev/null
for name in One Two Three; do
  curl -fs -o /dev/null -b "$OUT/jar" -X POST "http://127.0.0.1:$PORT/api/create_workspace" \
    --data-urlencode "org_id=$ORG" --data-urlencode "name=$name"
done
stop
verify | tee "$OUT/1.txt"
grep -q "intact" "$OUT/1.txt" && grep -q "none is sealed" "$OUT/1.txt" || fail "1: unsealed chain"

export AUDIT_KEYS="$KEYS"
serve
stop
verify | tee "$OUT/2.txt"
grep -q "intact" "$OUT/2.txt" || fail "2: the sealed chain does not verify"
sealed_action=$(sqlite3 "$OUT/console.db" "SELECT action FROM audit_log WHERE org_id = '$ORG' ORDER BY seq DESC LIMIT 1")
[ "$sealed_action" = audit.sealed ] || fail "2: the chain was not sealed at start ($sealed_action)"
serve; stop
[ "$(sqlite3 "$OUT/console.db" "SELECT count(*) FROM audit_log WHERE org_id = '$ORG' AND action = 'audit.sealed'")" = 1 ] \
  || fail "2: a second start sealed the chain again"

if AUDIT_KEYS= target/release/studio-console grant-role --org "$ORG" --email "$EMAIL" --role admin 2> "$OUT/3.txt"; then
  fail "3: a command without the keys recorded in a sealed chain"
fi
grep -q "AUDIT_KEYS is not set" "$OUT/3.txt" || fail "3: $(cat "$OUT/3.txt")"
if AUDIT_KEYS="k2:another-secret-of-32-characters-or-more" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
     LEPTOS_SITE_ROOT=target/site timeout 10 target/release/studio-console 2> "$OUT/3b.txt"; then
  fail "3: a console without the sealing key started"
fi
grep -q 'key "k1"' "$OUT/3b.txt" || fail "3: $(cat "$OUT/3b.txt")"
AUDIT_KEYS="k2:another-secret-of-32-characters-or-more,$KEYS" target/release/studio-console \
  grant-role --org "$ORG" --email "$EMAIL" --role admin >/dev/null || fail "3: a rotated key set was refused"
AUDIT_KEYS="k2:another-secret-of-32-characters-or-more,$KEYS" verify > "$OUT/3c.txt" || fail "3: the rotated chain: $(cat "$OUT/3c.txt")"

# Without the key, an attacker can only write plain links: rewrite the last entry's target
# and every link from it, as SHA-256 would, and move the head.
cp "$OUT/console.db" "$OUT/tampered.db"
sqlite3 "$OUT/tampered.db" "UPDATE audit_log SET target_label = 'Evil', hash = 'aaaa' WHERE org_id = '$ORG' AND seq = (SELECT max(seq) FROM audit_log WHERE org_id = '$ORG'); UPDATE audit_heads SET hash = 'aaaa' WHERE org_id = '$ORG'"
if AUDIT_KEYS="k2:another-secret-of-32-characters-or-more,$KEYS" DATABASE_URL="sqlite://$OUT/tampered.db" verify 2> "$OUT/4.txt"; then
  fail "4: a rewritten tail verified"
fi
cat "$OUT/4.txt"
grep -q "not sealed\|changed" "$OUT/4.txt" || fail "4: $(cat "$OUT/4.txt")"
echo ok
