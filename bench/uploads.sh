#!/usr/bin/env bash
# Worst-case dataset uploads: 8 concurrent uploads of ~100 MB each in the shapes that cost
# the most (no newline at all; one line that is a million-element array; lines just under
# MAX_LINE_BYTES; many tiny lines), against the release server on a fresh SQLite database.
# Prints the wall time and the server's peak resident memory (VmHWM). Run from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3302}"
BIN="${BIN:-target/release/studio-console}"  # another build, to compare
SIZE_MB="${SIZE_MB:-100}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x "$BIN" ] || make build >/dev/null
rm -rf target/bench-up && mkdir -p target/bench-up/files
export DATABASE_URL="sqlite://target/bench-up/console.db"
DATA_DIR=target/bench-up/data LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site \
  RUST_LOG=warn "$BIN" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

JAR=target/bench-up/cookies
curl -fs -c "$JAR" -o /dev/null -X POST "http://127.0.0.1:$PORT/api/sign_up" \
  --data-urlencode "name=Bench" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD"
read -r ORG WS < <(sqlite3 target/bench-up/console.db \
  "SELECT o.id || ' ' || w.id FROM organizations o JOIN workspaces w ON w.org_id = o.id LIMIT 1")
KEY=$(curl -fs -b "$JAR" -X POST "http://127.0.0.1:$PORT/api/create_api_key" \
  --data-urlencode "org_id=$ORG" --data-urlencode "workspace_id=$WS" \
  --data-urlencode "name=bench" --data-urlencode "expiry=never" | sed -E 's/.*"secret":"([^"]+)".*/\1/')

BYTES=$((SIZE_MB * 1024 * 1024 - 4096))
F=target/bench-up/files
python3 - "$F" "$BYTES" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
line = '{"messages":[{"role":"user","content":"' + 'x' * (1024 * 1024 - 100) + '"}]}\n'
shapes = {
    "no-newline": lambda f: f.write(b"y" * n),
    "zeros": lambda f: f.write(b'{"messages":[' + b"0," * (n // 2 - 16) + b"0]}"),
    "near-limit-lines": lambda f: f.write((line * (n // len(line))).encode()),
    "tiny-lines": lambda f: f.write(b'{"messages":[{"role":"user","content":"hi"}]}\n' * (n // 48)),
}
for name, write in shapes.items():
    with open(f"{d}/{name}.jsonl", "wb") as f:
        write(f)
PY
echo "8 concurrent uploads of ${SIZE_MB} MB (2 of each shape)"
START=$(date +%s.%N)
UPLOADS=()
for shape in no-newline zeros near-limit-lines tiny-lines; do
  for i in 1 2; do
    curl -s --max-time "${MAX_TIME:-600}" -o "target/bench-up/$shape-$i.out" -w "$shape: %{http_code} in %{time_total}s\n" \
      -H "Authorization: Bearer $KEY" -F purpose=fine-tune -F "file=@$F/$shape.jsonl" \
      "http://127.0.0.1:$PORT/v1/files" &
    UPLOADS+=($!)
  done
done
wait "${UPLOADS[@]}"
END=$(date +%s.%N)
echo "wall time: $(python3 -c "print(round($END - $START, 1))") s"
grep -E "VmHWM|VmRSS" "/proc/$SERVER/status"
