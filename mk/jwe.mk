# mk/jwe.mk: standard JWE read by the other stacks (issue 13). Included by the top-level
# Makefile after mk/python.mk (its py-venv gives .venv with joserfc and jwcrypto); paths are
# relative to the repository root.
#
#   jwe-interop   1. tokens hxjwt makes for every alg x enc (core/tests/jwe.rs) decrypt with
#                    joserfc and jwcrypto (tests/vectors/check_hxjwt_jwe.py);
#                 2. tokens of an Endpoint's ECDH-1PU mode (core/tests/hx1_1pu.rs) decrypt with
#                    joserfc given the two X25519 keys, and tokens joserfc makes with the mapping
#                    validate at the endpoint (tests/vectors/check_hx1_1pu.py, both ways).
#                 The other direction of 1. (the libraries' tokens in hxjwt) is
#                 tests/vectors/jwe.json, checked by `cargo test -p hxjwt --test jwe`.

CARGO ?= cargo
# Absolute: cargo runs a test in its package's directory (core/).
JWE_OUT := $(abspath target)
JWE_PY := .venv/bin/python

.PHONY: jwe-interop

jwe-interop: py-venv ## JWE interop: hxjwt's tokens (every alg x enc, and the endpoints' ECDH-1PU mode) decrypt in joserfc and jwcrypto.
	@mkdir -p $(JWE_OUT)
	HXJWT_JWE_EXPORT=$(JWE_OUT)/jwe-hxjwt.json $(CARGO) test --locked -p hxjwt --test jwe \
	  export_tokens_for_the_interop_check
	$(JWE_PY) tests/vectors/check_hxjwt_jwe.py $(JWE_OUT)/jwe-hxjwt.json
	HXJWT_HX1_1PU_EXPORT=$(JWE_OUT)/hx1-1pu-hxjwt.json $(CARGO) test --locked -p hxjwt \
	  --test hx1_1pu export_tokens_for_the_joserfc_check
	$(JWE_PY) tests/vectors/check_hx1_1pu.py $(JWE_OUT)/hx1-1pu-hxjwt.json \
	  $(JWE_OUT)/hx1-1pu-joserfc.json
	HXJWT_HX1_1PU_IMPORT=$(JWE_OUT)/hx1-1pu-joserfc.json $(CARGO) test --locked \
	  -p hxjwt --test hx1_1pu validate_tokens_made_by_joserfc
