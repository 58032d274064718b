# Tessera: two commands on a fresh machine.
#   make run   installs what is missing, builds, and serves the dashboard on an embedded SQLite
#   make test  installs what is missing, runs the Rust tests on SQLite and PostgreSQL, builds the
#              wasm, and runs the Playwright suite in Debian's Chromium
# Every install step is guarded by a version check, so only the first run on a machine is slow
# (cargo-leptos and wasm-bindgen-cli compile for about 25 minutes on 2 cores).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
# The SCIM checker the Playwright suite runs against Tessera's SCIM endpoint, Auth0's Python SDK
# and the OpenAPI tester it drives (PyPI).
SCIM2_CLI_VERSION := 0.6.0
SCIM2_TESTER_VERSION := 0.5.2
AUTH0_PYTHON_VERSION := 6.8.0
SCHEMATHESIS_VERSION := 4.32.5
# The mail server the setup-link invitation test sends to (PyPI).
AIOSMTPD_VERSION := 1.4.6
# Build output and installed tools live outside the clone, so a fresh clone reuses them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tessera/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TESSERA := $(CARGO_TARGET_DIR)/debug/tessera
SCIM_VENV := $(CARGO_TARGET_DIR)/../scim-venv
# Leptos reads the compiled site from here at run time.
export LEPTOS_SITE_ROOT ?= target/site

.SILENT: postgres-start postgres-stop tools test-tools
.PHONY: help run test tools test-tools build site-release site-size rust-tests e2e postgres-start postgres-stop bench bench-login bench-scim fmt

help:
	@echo "make run    build and serve the dashboard on http://127.0.0.1:3000 (SQLite in ./data)"
	@echo "make test   run every test: Rust on SQLite and PostgreSQL, then Playwright in Chromium"

## ---- installs (each guarded; safe to run again) -----------------------------------------------
tools:
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	cargo leptos --version 2>/dev/null | grep -q ' $(CARGO_LEPTOS_VERSION)$$' \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	# not --locked: its lockfile pins a webpki-roots that no longer resolves
	wasm-bindgen --version 2>/dev/null | grep -q ' $(WASM_BINDGEN_VERSION)$$' \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	# Tailwind v4 and wasm-opt (binaryen) from npm; cargo-leptos puts ./node_modules/.bin first on PATH
	[ -x node_modules/.bin/tailwindcss ] && [ -x node_modules/.bin/wasm-opt ] || npm install --no-audit --no-fund

test-tools: tools
	missing=""
	command -v chromium >/dev/null || missing="$$missing chromium"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$missing; fi
	# Playwright's package only: the browser is Debian's chromium, never a download
	# (and the test OpenID Provider and the Auth0 SDK the API tests drive); reinstalled when a package is missing
	for pkg in @playwright/test oidc-provider auth0 openid-client jose auth0-deploy-cli @auth0/auth0-spa-js; do [ -d end2end/node_modules/$$pkg ] || missing_js=1; done
	[ -z "$${missing_js:-}" ] || (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
	# scim2-tester (with the scim2 CLI), auth0-python and schemathesis in a virtualenv outside the clone
	$(SCIM_VENV)/bin/pip show scim2-tester 2>/dev/null | grep -x 'Version: $(SCIM2_TESTER_VERSION)' >/dev/null \
	  && $(SCIM_VENV)/bin/pip show scim2-cli 2>/dev/null | grep -x 'Version: $(SCIM2_CLI_VERSION)' >/dev/null \
	  && $(SCIM_VENV)/bin/pip show auth0-python 2>/dev/null | grep -x 'Version: $(AUTH0_PYTHON_VERSION)' >/dev/null \
	  && $(SCIM_VENV)/bin/pip show schemathesis 2>/dev/null | grep -x 'Version: $(SCHEMATHESIS_VERSION)' >/dev/null \
	  && $(SCIM_VENV)/bin/pip show aiosmtpd 2>/dev/null | grep -x 'Version: $(AIOSMTPD_VERSION)' >/dev/null \
	  || { python3 -m venv $(SCIM_VENV) && $(SCIM_VENV)/bin/pip install -q scim2-cli==$(SCIM2_CLI_VERSION) scim2-tester==$(SCIM2_TESTER_VERSION) \
	         auth0-python==$(AUTH0_PYTHON_VERSION) schemathesis==$(SCHEMATHESIS_VERSION) aiosmtpd==$(AIOSMTPD_VERSION); }

## ---- build and run ---------------------------------------------------------------------------
# --split: the pages' code comes in wasm chunks, loaded by the lazy routes (app/src/chunks.rs);
# the compressed copies are what /pkg sends (server/src/assets.rs).
build: tools
	cargo leptos build --split
	node scripts/site.mjs compress $(LEPTOS_SITE_ROOT)/pkg --fast

# The browser's half as it ships: release profile, wasm-opt, split, Brotli and gzip at their best.
# A site root of its own, so the debug site the tests serve stays as it is.
SITE_RELEASE := target/site-release
site-release: tools
	LEPTOS_SITE_ROOT=$(SITE_RELEASE) cargo leptos build --release --split --frontend-only
	node scripts/site.mjs compress $(SITE_RELEASE)/pkg

# What a cold first load transfers, per entry point (sign-in, Enterprise, a setup screen), read
# from Chromium's Resource Timing against the release site; then every file's raw, gzip and Brotli bytes.
site-size: build site-release
	cd end2end && TESSERA_BIN=$(TESSERA) FIRST_LOAD_SITE_ROOT=$(CURDIR)/$(SITE_RELEASE) npx playwright test tests/first-load.spec.ts
	echo "file                                                   raw      gzip    brotli"
	node scripts/site.mjs sizes $(SITE_RELEASE)/pkg

run: build
	mkdir -p data
	exec $(TESSERA)

## ---- tests ---------------------------------------------------------------------------------------
# A throw-away PostgreSQL on loopback, in a temp dir, as the postgres user (initdb refuses root);
# without fsync (-F) unless PG_FSYNC=on; PG_EXTRA adds server options (-c name=value).
PG_PORT ?= 55432
PG_STATE := $(CARGO_TARGET_DIR)/../pgtest
postgres-start:
	$(MAKE) --no-print-directory postgres-stop
	PG_BIN=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	PGDATA=$$(mktemp -d /tmp/tessera-pg.XXXXXX)
	mkdir -p $(PG_STATE) && echo "$$PGDATA" > $(PG_STATE)/dir
	chown postgres:postgres "$$PGDATA"
	runuser -u postgres -- "$$PG_BIN/initdb" -D "$$PGDATA" -A trust -U postgres --no-sync >/dev/null
	runuser -u postgres -- "$$PG_BIN/pg_ctl" -D "$$PGDATA" -l "$$PGDATA/server.log" -w \
	  -o "-h 127.0.0.1 -p $(PG_PORT) -k $$PGDATA $(if $(filter on,$(PG_FSYNC)),,-F) -c max_connections=300 $(PG_EXTRA)" start >/dev/null
	echo "PostgreSQL $$("$$PG_BIN/postgres" --version | awk '{print $$3}') on 127.0.0.1:$(PG_PORT)"

postgres-stop:
	if [ -f $(PG_STATE)/dir ]; then
	  PG_BIN=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	  PGDATA=$$(cat $(PG_STATE)/dir)
	  [ -d "$$PGDATA" ] && runuser -u postgres -- "$$PG_BIN/pg_ctl" -D "$$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
	  rm -rf "$$PGDATA" $(PG_STATE)/dir
	fi

# Bounded: a hung test fails the run in minutes, and cargo names tests running over 60 s. A
# minute before the bound, the stacks of the test binaries still alive go to the log (a rare hang,
# seen twice, once after every test had passed).
RUST_TEST := scripts/stacks-on-hang.sh 840 timeout 900 cargo test -p app -p server --features app/ssr
rust-tests:
	echo "== Rust tests on SQLite"
	$(RUST_TEST)
	echo "== Rust tests on PostgreSQL"
	$(MAKE) --no-print-directory postgres-start
	trap '$(MAKE) --no-print-directory postgres-stop' EXIT
	TESSERA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$(PG_PORT)/postgres $(RUST_TEST)

e2e: build site-release
	echo "== Playwright in Chromium"
	cd end2end && TESSERA_BIN=$(TESSERA) FIRST_LOAD_SITE_ROOT=$(CURDIR)/$(SITE_RELEASE) SCIM2_CLI=$(SCIM_VENV)/bin/scim2 TOOLS_PYTHON=$(SCIM_VENV)/bin/python npx playwright test

test: test-tools
	$(MAKE) --no-print-directory rust-tests
	$(MAKE) --no-print-directory e2e

# The Enterprise page with 10,000 connections, timed over real HTTP (release build).
bench:
	cargo run --release -p server --example bench_enterprise_page

# SCIM GET /Users on a connection with 10,000 provisioned users: indexed and scanned filters, deep paging (release build).
bench-scim:
	cargo run --release -p server --example bench_scim

# Complete brokered logins (Tessera, an ES256 upstream and the load driver in three processes) at concurrency 1, 8 and 32: logins/s,
# p50/p99 and Tessera's CPU time per login from its own process counters (and PostgreSQL's, on PostgreSQL) (release build).
# DATABASE=postgres runs it on a throw-away PostgreSQL, started and stopped like make test's.
bench-login:
	cargo build --release -p server --bin tessera --example bench_login
	if [ "$(DATABASE)" = postgres ]; then
	  # fsync on, as in production (the tests' PostgreSQL runs with -F)
	  $(MAKE) --no-print-directory postgres-start PG_FSYNC=on
	  trap '$(MAKE) --no-print-directory postgres-stop' EXIT
	  export BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:$(PG_PORT)/postgres
	  # so the benchmark can count PostgreSQL's CPU too (its postmaster.pid)
	  export BENCH_PG_DATA=$$(cat $(PG_STATE)/dir)
	fi
	TESSERA_BIN=$(CARGO_TARGET_DIR)/release/tessera $(CARGO_TARGET_DIR)/release/examples/bench_login

fmt:
	cargo fmt --all
