#!/usr/bin/env bash
# The disk fills up: the SQLite database and DATA_DIR on a small tmpfs (SIZE_MB, 32 by
# default; mounting it needs root), the release console on them. With the disk full:
#   - an invitation and an upload fail with 507 and a message that says the disk is full;
#   - nothing partial is left: no upload debris, no new dataset or invitation row;
#   - reads keep working: a page, the list of datasets, a dataset's content;
# and once space returns, the same writes succeed, and PRAGMA integrity_check is ok.
# Exits non-zero on any failed check. Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3360}"
SIZE_MB="${SIZE_MB:-32}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"
OUT="$PWD/target/bench-disk-full"
[ "$(id -u)" = 0 ] || { echo "run as root: it mounts a tmpfs" >&2; exit 1; }

source bench/lib.sh
need curl python3
build_server_and_seeder
rm -rf "$OUT" && mkdir -p "$OUT"
MNT=$(mktemp -d /tmp/console-full-XXXXXX)
mount -t tmpfs -o "size=${SIZE_MB}m" tmpfs "$MNT"
SERVER=
trap 'kill $SERVER 2>/dev/null || true; sleep 0.5; umount "$MNT" 2>/dev/null || true; rmdir "$MNT"' EXIT
export DATABASE_URL="sqlite://$MNT/console.db" DATA_DIR="$MNT/data"
read -r ORG WS < <(target/release/bench-seed --members 0 --jobs 1 --email "$EMAIL" --password "$PASSWORD")
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/studio-console > "$OUT/console.log" 2>&1 &
SERVER=$!
wait_healthy "$PORT"
COOKIE=$(sign_in "$PORT" "$OUT/jar")
KEY=$(create_key "$PORT" "$OUT/jar" "$ORG" "$WS" "disk full")
BASE="http://127.0.0.1:$PORT"
fail() { echo "FAIL: $*" >&2; exit 1; }
python3 -c '
import json
for n in range(4000):
    print(json.dumps({"messages": [{"role": "user", "content": "q%d" % n}, {"role": "assistant", "content": "a" * 200}]}))
' > "$OUT/train.jsonl"

upload() {
  curl -s --max-time 30 -o "$OUT/upload.json" -w "%{http_code}" -H "Authorization: Bearer $KEY" \
    -F purpose=fine-tune -F "file=@$OUT/train.jsonl" "$BASE/v1/files" || true
}
invite() {
  curl -s --max-time 30 -o "$OUT/invite.json" -w "%{http_code}" -H "Cookie: $COOKIE" -X POST "$BASE/api/send_invitations" \
    --data-urlencode "org_id=$ORG" --data-urlencode "emails=$1" --data-urlencode "role=member" || true
}
rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$MNT/console.db" "$1"; }
debris() { find "$DATA_DIR" -name '.upload-*' | wc -l; }

[ "$(upload)" = 200 ] || fail "the first upload: $(cat "$OUT/upload.json")"
FIRST=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$OUT/upload.json")
[ "$(invite first@bench.local)" = 200 ] || fail "the first invitation: $(cat "$OUT/invite.json")"
files_before=$(rows "SELECT count(*) FROM files")
invitations_before=$(rows "SELECT count(*) FROM invitations")

# The journal emptied first, so that a write needs new space (SQLite reuses its WAL's).
python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1], timeout=30).execute('PRAGMA wal_checkpoint(TRUNCATE)')" "$MNT/console.db"
dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null || true
echo "disk full: $(df -h "$MNT" | tail -1)"
status=$(invite second@bench.local)
echo "invitation with the disk full: $status $(cat "$OUT/invite.json")"
# A server function answers with the error itself; the page words it "out of disk space".
[ "$status" = 507 ] && grep -q "OutOfSpace" "$OUT/invite.json" || fail "the invitation did not say the disk is full"
status=$(upload)
echo "upload with the disk full: $status $(cat "$OUT/upload.json")"
[ "$status" = 507 ] && grep -q "out of disk space" "$OUT/upload.json" || fail "the upload did not say the disk is full"
[ "$(debris)" = 0 ] || fail "an upload left debris"
[ "$(rows "SELECT count(*) FROM files")" = "$files_before" ] || fail "a dataset row was written"
[ "$(rows "SELECT count(*) FROM invitations")" = "$invitations_before" ] || fail "an invitation row was written"
page=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: $COOKIE" -H "Accept: text/html" "$BASE/o/$ORG/w/$WS")
list=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $KEY" "$BASE/v1/files")
content=$(curl -s -H "Authorization: Bearer $KEY" "$BASE/v1/files/$FIRST/content" | cmp -s - "$OUT/train.jsonl" && echo same || echo different)
echo "reads with the disk full: page $page, dataset list $list, dataset content $content"
[ "$page" = 200 ] && [ "$list" = 200 ] && [ "$content" = same ] || fail "reads stopped working"

rm "$MNT/filler"
status=$(invite second@bench.local)
[ "$status" = 200 ] || fail "the invitation after space returned: $status $(cat "$OUT/invite.json")"
status=$(upload)
[ "$status" = 200 ] || fail "the upload after space returned: $status $(cat "$OUT/upload.json")"
echo "space returned: invitation $status, upload $status"
verdict=$(rows "PRAGMA integrity_check")
echo "PRAGMA integrity_check: $verdict"
[ "$verdict" = ok ] || fail "the database is damaged"
echo "disk full: every check held"
