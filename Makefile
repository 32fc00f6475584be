# hxjwt — the two commands a fresh machine needs are `make demo` and `make test`.
# `make help` lists every target.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
CARGO ?= cargo
PYTHON ?= python3
export CARGO_TERM_COLOR ?= never

# The C and Python faces bring their own targets (c-test, header, header-check, install;
# py-test, py-lint, …).
-include mk/c.mk mk/python.mk mk/purerust.mk mk/bench.mk mk/fuzz.mk mk/sanitize.mk mk/redis.mk \
  mk/node.mk mk/java.mk mk/go.mk mk/interop.mk mk/jwe.mk mk/jose.mk mk/pyjwt.mk

FACE_TESTS := $(if $(wildcard mk/c.mk),header-check c-test) $(if $(wildcard mk/python.mk),py-test py-lint) \
              $(if $(wildcard mk/purerust.mk),pure-rust-test) $(if $(wildcard mk/fuzz.mk),fuzz-smoke) \
              $(if $(wildcard mk/sanitize.mk),tsan-test) $(if $(wildcard mk/node.mk),node-test) \
              $(if $(wildcard mk/java.mk),java-test) $(if $(wildcard mk/go.mk),go-test) \
              $(if $(wildcard mk/interop.mk),interop-test) $(if $(wildcard mk/jwe.mk),jwe-interop) \
              $(if $(wildcard mk/jose.mk),jwe-jose-interop) $(if $(wildcard mk/pyjwt.mk),pyjwt-suite)

.PHONY: help demo test lint fmt-check clippy rust-test pure-rust-test doc examples vectors bench-criterion audit

help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

demo: ## The main job: two services exchange encrypted JWTs; bad tokens are rejected.
	$(CARGO) run --quiet --locked -p hxjwt-cli -- demo

test: lint rust-test doc $(FACE_TESTS) examples ## Everything CI checks: lint, Rust, C and Python tests, examples.
	@echo "make test: all checks passed"

lint: fmt-check clippy ## rustfmt and clippy (-D warnings) over the workspace.

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

rust-test: ## cargo test: unit, integration, property, vector and doc tests of the Rust crates.
	$(CARGO) test --workspace --exclude hxjwt-python --locked

doc: ## rustdoc of the core (all features but pure-rust) with warnings denied.
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --no-deps --locked -p hxjwt --features remote,redis

examples: ## Build and run the README's Rust examples (fleet: against a private redis-server).
	$(CARGO) run --quiet --locked -p hxjwt --example quickstart
	mk/with-redis.sh $(CARGO) run --quiet --locked -p hxjwt --features redis --example fleet

vectors: ## Regenerate tests/vectors/hx1.json and jws.json from their generators in core/tests/.
	HXJWT_BLESS=1 $(CARGO) test --locked -p hxjwt --test vectors vectors_file_is_what_the_generator_makes
	HXJWT_BLESS=1 $(CARGO) test --locked -p hxjwt --test jws_vectors

DENY_CHECKS ?= bans licenses sources
DENY_FLAGS ?= --offline
audit: ## cargo deny: licenses, duplicate crates, sources (installs cargo-deny if missing).
	command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny
	$(CARGO) deny $(DENY_FLAGS) check $(DENY_CHECKS)

bench-criterion: ## The core's criterion benchmarks alone (HX1 and standard JWS); `make bench` is mk/bench.mk.
	$(CARGO) bench --locked -p hxjwt
