# Shared by the benchmark scripts, sourced from the project root after their settings
# (EMAIL, PASSWORD).

# Installs Debian's package for each missing tool.
need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool"; }
  done
}

# The release server and the seeder, with the flags of `make build`, so the release
# dependencies are shared, not rebuilt (SKIP_BUILD=1: as they are).
build_server_and_seeder() {
  [ -n "${SKIP_BUILD:-}" ] && return
  make build >/dev/null
  RUSTFLAGS="--cfg erase_components" cargo build --release --features ssr --bin bench-seed -q
}

# Waits until the console on port $1 answers /healthz (10 s at most); fails after that.
wait_healthy() {
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done
  echo "the console on port $1 did not answer /healthz within 10 s" >&2
  return 1
}

# Signs in as $EMAIL on port $1, keeping the cookie jar in $2; prints the session cookie
# as a Cookie header value.
sign_in() {
  curl -fs -c "$2" -o /dev/null -X POST "http://127.0.0.1:$1/api/sign_in" \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD"
  awk '$6 == "console_session" { print $6 "=" $7 }' "$2"
}

# Creates an API key named $5 in workspace $4 of organization $3 on port $1, signed in
# with jar $2; prints its secret.
create_key() {
  curl -fs -b "$2" -X POST "http://127.0.0.1:$1/api/create_api_key" \
    --data-urlencode "org_id=$3" --data-urlencode "workspace_id=$4" \
    --data-urlencode "name=$5" --data-urlencode "expiry=never" | sed -E 's/.*"secret":"([^"]+)".*/\1/'
}
