# mk/bench.mk: `make bench`, the comparison harness (bench/README.md). A GNU make fragment that the
# top-level Makefile includes; it also runs alone: `make -f mk/bench.mk bench`. Paths are relative
# to the repository root, which must be the working directory.
#
#   bench          build everything in release mode, install the peers (crates.io, PyPI, Debian's
#                  libjwt-dev) and redis-server where missing, time hxjwt and each peer on this
#                  machine in one run, and write BENCH.md (generated: never edit it by hand)
#   bench-build    only the builds and installs
#   bench-clean    remove target/bench (the harness's cargo target dir, venv and results)
#
# BENCH_SCALE=0.1 makes a quick smoke run (shorter samples, 100 000 validations for the memory
# row, 10 000 tokens for Redis's memory per token); BENCH_OUT=path writes the report elsewhere
# than BENCH.md. The fleet rows start their own redis-server (BENCH_REDIS_SERVER=path to choose
# another binary) on a free loopback port, under `timeout`, and stop it at the end.

CARGO ?= cargo
PYTHON ?= python3
BENCH_DIR := target/bench
# One cargo target dir for the harness's workspace (bench/rust) and the release builds of libhxjwt
# and the Python module (root workspace), so that what they share (aws-lc-sys …) builds once.
BENCH_CARGO := CARGO_TARGET_DIR=$(abspath $(BENCH_DIR))/cargo $(CARGO)
BENCH_BIN := $(BENCH_DIR)/cargo/release
BENCH_RESULTS := $(BENCH_DIR)/results
BENCH_VENV := $(BENCH_DIR)/venv
BENCH_PY := $(BENCH_VENV)/bin/python
# The Python peers: the newest release of each, recorded in BENCH.md. pyjwt-rs has no wheel for
# every Python: pip then builds it from its sdist (Rust, ~1 min).
BENCH_PY_DEPS := "maturin>=1.9.4,<2" PyJWT cryptography joserfc jwcrypto oxyjwt pyjwt-rs
BENCH_SCALE ?= 1
BENCH_OUT ?= BENCH.md
BENCH_C_LIB := $(BENCH_DIR)/c/lib
# The Node peers (fast-jwt, jose) and koffi, from bench/node/package-lock.json, in a node_modules of
# the harness's own: never the hxjwt package's dependencies.
BENCH_NODE := $(BENCH_DIR)/node
BENCH_NODE_STAMP := $(BENCH_NODE)/node_modules/.hxjwt-bench-npm-ci
NODE ?= node
NPM ?= npm

.PHONY: bench bench-build bench-rust-build bench-c-build bench-py-build bench-node-build bench-tools bench-clean

bench: bench-build ## Compare hxjwt with its peers (Rust, Python, C, Node); writes BENCH.md.
	@rm -rf $(BENCH_RESULTS) && mkdir -p $(BENCH_RESULTS)
	@printf '{"date": "%s", "loadavg": "%s", "rustc": "%s", "cc": "%s", "scale": "%s"}\n' \
	  "$$(date -u '+%Y-%m-%d %H:%M UTC')" "$$(cut -d' ' -f1-3 /proc/loadavg)" \
	  "$$(rustc --version)" "$$($(CC) --version | head -n 1)" "$(BENCH_SCALE)" > $(BENCH_RESULTS)/env.json
	@start=$$(date +%s); export BENCH_SCALE=$(BENCH_SCALE); \
	echo "== Rust: hxjwt (and replay protection on a private redis-server)" && $(BENCH_BIN)/hxbench $(BENCH_RESULTS)/rust-hxjwt.json && \
	echo "== Rust: hxjwt vs jsonwebtoken (aws_lc_rs), oxitoken, jwt-simple, interleaved; aws-lc's verify" && \
	  $(BENCH_BIN)/peers $(BENCH_RESULTS)/rust-peers.json && \
	echo "== Rust: jsonwebtoken (aws_lc_rs)" && $(BENCH_BIN)/jwt-aws $(BENCH_RESULTS)/rust-jwt-aws.json && \
	echo "== Rust: jsonwebtoken (rust_crypto)" && $(BENCH_BIN)/jwt-rc $(BENCH_RESULTS)/rust-jwt-rc.json && \
	echo "== C: libhxjwt vs libjwt" && $(BENCH_DIR)/c/bench_c $(BENCH_RESULTS)/c.json && \
	echo "== Python: hxjwt vs PyJWT, joserfc, jwcrypto" && \
	  $(BENCH_PY) bench/python/bench_py.py $(BENCH_RESULTS)/python.json && \
	echo "== Python: JWE, hxjwt.jwe vs joserfc, jwcrypto" && \
	  $(BENCH_PY) bench/python/bench_jwe.py $(BENCH_RESULTS)/python-jwe.json && \
	echo "== Node: hxjwt vs fast-jwt, jose (interleaved)" && \
	  HXJWT_LIB=$(abspath $(BENCH_C_LIB))/libhxjwt.so NODE_PATH=$(abspath $(BENCH_NODE))/node_modules \
	  $(NODE) bindings/node/bench/peers.js $(BENCH_RESULTS)/node.json && \
	$(PYTHON) -c 'import json, sys; p = sys.argv[1]; d = json.load(open(p)); d["seconds"] = int(sys.argv[2]); d["loadavg_after"] = sys.argv[3]; json.dump(d, open(p, "w"))' \
	  $(BENCH_RESULTS)/env.json $$(( $$(date +%s) - start )) "$$(cut -d' ' -f1-3 /proc/loadavg)"
	$(PYTHON) bench/report.py $(BENCH_RESULTS) $(BENCH_OUT)

bench-build: bench-tools bench-rust-build bench-c-build bench-py-build bench-node-build

# libjwt (the C peer), pkg-config and redis-server (the fleet rows start a private one on a
# loopback port; the package's own service is stopped) from Debian's packages, when missing (as
# root, like c-tools).
bench-tools:
	@command -v pkg-config >/dev/null 2>&1 || { apt-get update && apt-get install -y pkg-config; }
	@pkg-config --exists libjwt || { apt-get update && apt-get install -y libjwt-dev; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server && \
	  { command -v service >/dev/null 2>&1 && service redis-server stop >/dev/null 2>&1 || true; }; }
	@echo "redis-server for the fleet rows: $$(command -v redis-server) ($$(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/'))"

# The harness's own workspace (committed Cargo.lock). jsonwebtoken's two backends are separate
# packages built by separate invocations, so that cargo never unifies their features; `peers`
# (hxjwt, jsonwebtoken/aws_lc_rs, oxitoken, jwt-simple in one process) is built alone too.
bench-rust-build:
	$(BENCH_CARGO) build --release --locked --manifest-path bench/rust/Cargo.toml -p hxbench
	$(BENCH_CARGO) build --release --locked --manifest-path bench/rust/Cargo.toml -p peers
	$(BENCH_CARGO) build --release --locked --manifest-path bench/rust/Cargo.toml -p jwt-aws
	$(BENCH_CARGO) build --release --locked --manifest-path bench/rust/Cargo.toml -p jwt-rc

# libhxjwt (release) staged with its soname, and the C bench linked against it and libjwt.
bench-c-build: bench-tools
	$(BENCH_CARGO) build --release --locked -p hxjwt-ffi
	@mkdir -p $(BENCH_C_LIB)
	@ln -sf $(abspath $(BENCH_BIN))/libhxjwt.so $(BENCH_C_LIB)/libhxjwt.so.$(firstword $(subst ., ,$(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)))
	@ln -sf $$(basename $$(ls $(BENCH_C_LIB)/libhxjwt.so.* | head -n 1)) $(BENCH_C_LIB)/libhxjwt.so
	$(CC) -O2 -std=c99 -Wall -Wextra -Werror -Iinclude \
	  -DLIBJWT_VERSION='"'"$$(pkg-config --modversion libjwt)"'"' $$(pkg-config --cflags libjwt) \
	  bench/c/bench_c.c -L$(BENCH_C_LIB) -Wl,-rpath,$(abspath $(BENCH_C_LIB)) -lhxjwt \
	  $$(pkg-config --libs libjwt) -o $(BENCH_DIR)/c/bench_c

# A venv of the harness's own (never .venv, whose debug build `make py-test` owns) with the
# release-built module and the Python peers.
$(BENCH_PY):
	$(PYTHON) -m venv $(BENCH_VENV) || { rm -rf $(BENCH_VENV) && $(PYTHON) -m venv --without-pip $(BENCH_VENV) \
	  && $(PYTHON) -m pip --python $(BENCH_PY) install --quiet pip; }

$(BENCH_VENV)/.peers: $(BENCH_PY) mk/bench.mk
	$(BENCH_PY) -m pip install --quiet --disable-pip-version-check $(BENCH_PY_DEPS)
	touch $@

# A release wheel installed into the venv, never `maturin develop`: an editable install imports
# the extension from bindings/python/python/hxjwt, where `make py-develop` puts its debug build.
bench-py-build: $(BENCH_VENV)/.peers
	@rm -rf $(BENCH_DIR)/wheels
	CARGO_TARGET_DIR=$(abspath $(BENCH_DIR))/cargo \
	  $(BENCH_VENV)/bin/maturin build --quiet --locked --release -m bindings/python/Cargo.toml \
	  --interpreter $(BENCH_PY) --out $(BENCH_DIR)/wheels
	$(BENCH_PY) -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
	  $(BENCH_DIR)/wheels/hxjwt-*.whl
	@$(BENCH_PY) -c 'import hxjwt, sys; f = hxjwt.__file__; sys.exit(0 if "site-packages" in f else "hxjwt is imported from " + f + ", not the wheel")'

# node and npm (Debian's, when missing), then `npm ci` of the harness's own lock file.
$(BENCH_NODE_STAMP): bench/node/package.json bench/node/package-lock.json
	@command -v $(NODE) >/dev/null 2>&1 || { apt-get update && apt-get install -y nodejs npm; }
	@command -v $(NPM) >/dev/null 2>&1 || { apt-get update && apt-get install -y npm; }
	@mkdir -p $(BENCH_NODE)
	cp bench/node/package.json bench/node/package-lock.json $(BENCH_NODE)/
	cd $(BENCH_NODE) && $(NPM) ci --no-audit --no-fund
	touch $@

# The Node face loads the release libhxjwt that bench-c-build stages.
bench-node-build: $(BENCH_NODE_STAMP) bench-c-build

bench-clean: ## Remove target/bench (the harness's builds, venv and results).
	rm -rf $(BENCH_DIR)
