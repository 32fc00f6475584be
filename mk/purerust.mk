# mk/purerust.mk: the core under its pure-Rust crypto backend (`--features pure-rust`, RustCrypto
# instead of aws-lc-rs). A GNU make fragment that the top-level Makefile includes; it also runs
# alone: `make -f mk/purerust.mk pure-rust-test`. Paths are relative to the repository root.
#
#   pure-rust-test  every core test (incl. tests/vectors/jws.json, which the default backend made)
#                   and clippy -D warnings, with --no-default-features --features pure-rust,std-fs
#
# It builds in its own target directory, so that switching between the two feature sets does not
# rebuild the default-feature artifacts back and forth.

CARGO ?= cargo
HX_PURE_RUST_FEATURES := --no-default-features --features pure-rust,std-fs
HX_PURE_RUST_ENV := CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),target)/pure-rust

.PHONY: pure-rust-test

pure-rust-test: ## Core tests and clippy under the pure-Rust (RustCrypto) backend.
	$(HX_PURE_RUST_ENV) $(CARGO) test -p hxjwt $(HX_PURE_RUST_FEATURES) --locked
	$(HX_PURE_RUST_ENV) $(CARGO) clippy -p hxjwt $(HX_PURE_RUST_FEATURES) --all-targets --locked -- -D warnings
