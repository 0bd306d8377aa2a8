#!/usr/bin/env bash
# Time to interactive (bench/tti.js): the release build on a fresh SQLite database seeded
# with 10,000 members; Admin Settings -> Members and a workspace's home opened in Chromium
# with the network at 4G (fast and slow presets) and the CPU slowed 4x.
# Run from the project root: bench/tti.sh (SKIP_BUILD=1 to use the build as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3310}"
RUNS="${RUNS:-7}"
EMAIL=admin@bench.local
PASSWORD="benchmark password"

source bench/lib.sh
need curl
build_server_and_seeder
make -s node-tools chromium

rm -rf target/bench && mkdir -p target/bench
export DATABASE_URL="sqlite://target/bench/console.db"
read -r ORG WS < <(target/release/bench-seed --members 10000 --jobs 1 --email "$EMAIL" --password "$PASSWORD")
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/studio-console &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
wait_healthy "$PORT"

for profile in fast-4g slow-4g; do
  for page in "/o/$ORG/settings/members" "/o/$ORG/w/$WS"; do
    BASE="http://127.0.0.1:$PORT" PAGE="$page" EMAIL="$EMAIL" PASSWORD="$PASSWORD" RUNS="$RUNS" \
      PROFILE="$profile" node bench/tti.js
  done
done
