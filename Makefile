# The two commands: `make run` and `make test`. Both install what is missing first,
# from the package registries only (crates.io, npm, Debian).

SHELL := /bin/bash
CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130
BIN := target/release/studio-console
# wasm-opt comes from npm's binaryen (Debian's is too old and breaks hydration).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

DATABASE_URL ?= sqlite://data/console.db
LEPTOS_SITE_ADDR ?= 127.0.0.1:3000

.PHONY: run test build tools rust-tools node-tools chromium unit-and-integration e2e lint fmt bench clean

run: build
	DATABASE_URL="$(DATABASE_URL)" LEPTOS_SITE_ADDR="$(LEPTOS_SITE_ADDR)" \
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=studio-console \
	RUST_LOG="$${RUST_LOG:-info}" $(BIN)

test: tools
	cargo fmt --check
	$(MAKE) unit-and-integration
	$(MAKE) e2e

# Unit tests, and the integration suite on SQLite and (when it answers, always under CI) PostgreSQL.
unit-and-integration:
	cargo test --features ssr

e2e: build chromium
	mkdir -p target/screenshots
	cd end2end && npx playwright test

# erase_components type-erases views: a quarter less wasm (747 -> 554 KB gzip), same behaviour.
RELEASE_RUSTFLAGS := --cfg erase_components

# --precompress: a brotli and a gzip copy of each built file beside it, served to browsers
# that accept them (`server/http/static_files.rs`).
build: rust-tools node-tools
	RUSTFLAGS="$(RELEASE_RUSTFLAGS)" cargo leptos build --release --precompress

lint:
	cargo fmt --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt

tools: rust-tools node-tools chromium

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

node-tools: end2end/node_modules/.package-lock.json

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund

chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean:
	cargo clean
	rm -rf end2end/node_modules data
