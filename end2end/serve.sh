#!/bin/sh
# Serves the release build on a fresh SQLite database for the end-to-end tests.
set -e
port="$1"
rm -rf target/e2e/db && mkdir -p target/e2e/db
DATABASE_URL="sqlite://target/e2e/db/console.db" \
LEPTOS_SITE_ADDR="127.0.0.1:${port}" \
LEPTOS_SITE_ROOT="target/site" \
LEPTOS_OUTPUT_NAME="studio-console" \
PUBLIC_URL="http://127.0.0.1:${port}" \
TRAINER_TOKEN="${E2E_TRAINER_TOKEN:-e2e-trainer-token-0123456789}" \
INFERENCE_URL="http://127.0.0.1:${E2E_INFERENCE_PORT:-3101}/v1" \
SMTP_URL="smtp://127.0.0.1:${E2E_SMTP_PORT:-2525}" \
DOMAIN_RESOLVER="127.0.0.1:${E2E_DNS_PORT:-3102}" \
RUST_LOG="${RUST_LOG:-warn}" \
exec "${E2E_BIN:-target/release/studio-console}"
