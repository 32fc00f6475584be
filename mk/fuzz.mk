# mk/fuzz.mk: the cargo-fuzz targets of fuzz/ (a cargo workspace of its own). A GNU make fragment
# that the top-level Makefile includes; it also runs alone: `make -f mk/fuzz.mk fuzz-smoke`.
# Paths are relative to the repository root, which must be the working directory.
#
#   fuzz         each target for FUZZ_SECONDS (default 60), growing fuzz/corpus/<target>/
#   fuzz-smoke   fuzz-regress, then each target for FUZZ_SMOKE_SECONDS (default 20); part of
#                `make test`, fails if any target crashes, leaks or breaks an invariant
#   fuzz-regress replay fuzz/regressions/<target>/* (minimized inputs of past finds), once each
#   fuzz-build   build every target (one cargo invocation)
#   fuzz-seed    write the seed corpora fuzz/corpus/<target>/ from tests/vectors (fuzz/seed.py)
#
# cargo-fuzz needs nightly-only rustc flags (-Zsanitizer, sanitizer coverage); the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1, and its sysroot ships the ASan runtime. Builds
# go to target/fuzz, so they never wait on (or disturb) the main workspace's build lock.
# cargo-fuzz itself is used from PATH, or installed (pinned) into target/tools on first use.
#
# FUZZ_SANITIZER (default address: ASan + LeakSanitizer, which matters most for the C-ABI target,
# whose calls go through unsafe code) can be set to none for a faster build and ~2x the execs/s.
# FUZZ_TARGETS picks targets: `make fuzz FUZZ_TARGETS=jws_decode FUZZ_SECONDS=600`.

CARGO ?= cargo
PYTHON ?= python3
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SANITIZER ?= address
# cargo-fuzz's default is 1 (fastest code); 16 builds faster (a cold build's Rust part is the
# larger half) for ~10% fewer execs/s.
FUZZ_CODEGEN_UNITS ?= 16
FUZZ_TARGETS ?= hx1_validate jws_decode jwe_decrypt explain jwk_parse jwks_parse key_import ffi_strings
# Extra libFuzzer flags, e.g. FUZZ_FLAGS=-jobs=2
FUZZ_FLAGS ?=
# Every target's dictionary: JSON, JOSE member names and algorithm names, base64url prefixes,
# PEM and OpenSSH markers (FUZZ_DICT= to run without one).
FUZZ_DICT ?= fuzz/dicts/jose.dict
CARGO_FUZZ_VERSION ?= 0.13.2

HX_FUZZ_TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target)/fuzz)
HX_FUZZ_TOOLS := $(abspath $(or $(CARGO_TARGET_DIR),target)/tools)
HX_FUZZ_BIN := $(HX_FUZZ_TARGET_DIR)/x86_64-unknown-linux-gnu/release
HX_CARGO_FUZZ = $(or $(shell command -v cargo-fuzz 2>/dev/null),$(HX_FUZZ_TOOLS)/bin/cargo-fuzz)
# A per-input time-out (seconds): a hang is a failure, not a stalled CI job.
HX_FUZZ_TIMEOUT := 30
HX_FUZZ_RUN_FLAGS := -timeout=$(HX_FUZZ_TIMEOUT) -print_final_stats=1 $(if $(FUZZ_DICT),-dict=$(FUZZ_DICT)) $(FUZZ_FLAGS)

.PHONY: fuzz fuzz-smoke fuzz-regress fuzz-build fuzz-seed fuzz-tool fuzz-harness-test

fuzz-tool:
	@if ! [ -x "$(HX_CARGO_FUZZ)" ]; then \
	  echo "installing cargo-fuzz $(CARGO_FUZZ_VERSION) into $(HX_FUZZ_TOOLS)"; \
	  $(CARGO) install --locked --quiet --root $(HX_FUZZ_TOOLS) cargo-fuzz --version $(CARGO_FUZZ_VERSION); \
	fi

fuzz-build: fuzz-tool ## Build the fuzz targets (cargo-fuzz, ASan unless FUZZ_SANITIZER=none) into target/fuzz.
	cd fuzz && RUSTC_BOOTSTRAP=1 $(HX_CARGO_FUZZ) build -s $(FUZZ_SANITIZER) \
	  --codegen-units $(FUZZ_CODEGEN_UNITS) --target-dir $(HX_FUZZ_TARGET_DIR)

fuzz-seed: ## Write the seed corpora fuzz/corpus/<target>/ from tests/vectors.
	$(PYTHON) fuzz/seed.py fuzz/corpus

# $(call hx_fuzz_run,SECONDS): run each target for SECONDS on its corpus; report every failing
# target, then fail if there was one. Crash inputs go to fuzz/artifacts/<target>/.
define hx_fuzz_run
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t fuzz/artifacts/$$t; \
	  echo "fuzz: $$t for $(1) s"; \
	  if ! $(HX_FUZZ_BIN)/$$t -max_total_time=$(1) $(HX_FUZZ_RUN_FLAGS) \
	       -artifact_prefix=fuzz/artifacts/$$t/ fuzz/corpus/$$t > $(HX_FUZZ_TARGET_DIR)/$$t.log 2>&1; then \
	    tail -n 60 $(HX_FUZZ_TARGET_DIR)/$$t.log; failed="$$failed $$t"; \
	  fi; \
	  { grep -hE '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
	    $(HX_FUZZ_TARGET_DIR)/$$t.log || true; } | tr '\n' ' '; echo; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "fuzz: FAILED:$$failed (inputs in fuzz/artifacts/; logs in $(HX_FUZZ_TARGET_DIR)/<target>.log)"; \
	  exit 1; \
	fi
endef

fuzz-regress: fuzz-build ## Replay fuzz/regressions/<target>/* once each (the minimized inputs of past finds).
	@for t in $(FUZZ_TARGETS); do \
	  set -- fuzz/regressions/$$t/*; [ -e "$$1" ] || continue; \
	  echo "fuzz-regress: $$t ($$# inputs)"; \
	  $(HX_FUZZ_BIN)/$$t -timeout=$(HX_FUZZ_TIMEOUT) "$$@" > $(HX_FUZZ_TARGET_DIR)/$$t.regress.log 2>&1 || \
	    { tail -n 60 $(HX_FUZZ_TARGET_DIR)/$$t.regress.log; exit 1; }; \
	done

fuzz-harness-test: ## The harness's own unit tests (its oracles: the secret-in-Debug check and its regressions).
	cd fuzz && $(CARGO) test --lib --locked --quiet --target-dir $(HX_FUZZ_TARGET_DIR)

fuzz-smoke: fuzz-harness-test fuzz-regress fuzz-seed ## Each fuzz target for FUZZ_SMOKE_SECONDS (default 20); fails on any crash.
	$(call hx_fuzz_run,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-build fuzz-seed ## Each fuzz target for FUZZ_SECONDS (default 60), growing fuzz/corpus/.
	$(call hx_fuzz_run,$(FUZZ_SECONDS))
