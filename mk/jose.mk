# mk/jose.mk: JWE interop with jose (panva's JOSE library for Node.js, pinned in
# tests/jwe-interop/jose/package-lock.json), both directions. Included by the top-level Makefile;
# paths are relative to the repository root. Needs node >= 20 and npm (installed with apt-get
# when `node` is missing); jose comes from the npm registry (npm ci into
# tests/jwe-interop/jose/node_modules, never committed).
#
#   jwe-jose-interop   1. hxjwt -> jose: core/tests/jwe.rs exports hxjwt's tokens for every
#                         alg x enc (HXJWT_JWE_EXPORT), check-hxjwt.mjs decrypts them with jose
#                         ("N passed, N failed"; ECDH-1PU, not in jose, is listed as skipped);
#                      2. jose -> hxjwt: make-tokens.mjs makes fresh tokens with jose (new keys,
#                         every pair both implement, JSON, zip) and core/tests/jwe_jose.rs
#                         decrypts them (HXJWT_JOSE_TOKENS). Without the variable, that test
#                         checks the committed tests/vectors/jwe-jose.json in every `cargo test`.
#   jwe-jose-vectors   remake the committed tests/vectors/jwe-jose.json with jose

CARGO ?= cargo
NODE ?= node
NPM ?= npm

JOSE_DIR := tests/jwe-interop/jose
JOSE_OUT := $(or $(HX_TARGET_DIR),$(CARGO_TARGET_DIR),target)/jose
JOSE_STAMP := $(JOSE_DIR)/node_modules/.hxjwt-npm-ci
JOSE_CARGO_LOCKED := $(if $(wildcard Cargo.lock),--locked)

.PHONY: jose-node jose-deps jwe-jose-interop jwe-jose-vectors

jose-node:
	@command -v $(NODE) >/dev/null 2>&1 || { apt-get update && apt-get install -y nodejs npm; }
	@command -v $(NPM) >/dev/null 2>&1 || { apt-get update && apt-get install -y npm; }
	@$(NODE) -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("node >= 20 is needed, not " + process.version); process.exit(1) }'

# node_modules, made again whenever package.json or package-lock.json is newer than it.
$(JOSE_STAMP): $(JOSE_DIR)/package.json $(JOSE_DIR)/package-lock.json | jose-node
	cd $(JOSE_DIR) && $(NPM) ci --no-audit --no-fund
	touch $@

jose-deps: $(JOSE_STAMP)

jwe-jose-interop: jose-deps ## JWE interop with jose (Node), both ways: every alg x enc pair both implement.
	@mkdir -p $(JOSE_OUT)
	@echo "== hxjwt encrypts, jose decrypts"
	HXJWT_JWE_EXPORT=$(abspath $(JOSE_OUT))/hxjwt-tokens.json \
	  $(CARGO) test $(JOSE_CARGO_LOCKED) -q -p hxjwt --test jwe export_tokens_for_the_interop_check
	$(NODE) $(JOSE_DIR)/check-hxjwt.mjs $(JOSE_OUT)/hxjwt-tokens.json
	@echo "== jose encrypts, hxjwt decrypts (fresh tokens)"
	$(NODE) $(JOSE_DIR)/make-tokens.mjs $(JOSE_OUT)/jose-tokens.json
	HXJWT_JOSE_TOKENS=$(abspath $(JOSE_OUT))/jose-tokens.json \
	  $(CARGO) test $(JOSE_CARGO_LOCKED) -q -p hxjwt --test jwe_jose -- --nocapture
	@echo "jwe-jose-interop: passed both ways"

jwe-jose-vectors: jose-deps ## Remake tests/vectors/jwe-jose.json (jose's tokens that `cargo test` checks).
	$(NODE) $(JOSE_DIR)/make-tokens.mjs tests/vectors/jwe-jose.json
	$(CARGO) test $(JOSE_CARGO_LOCKED) -q -p hxjwt --test jwe_jose
