# mk/node.mk: the Node.js face (bindings/node, the npm package `hxjwt` over libhxjwt through
# koffi). Included by the top-level Makefile after mk/c.mk (which builds the library: c-lib,
# HX_C_LIB); paths are relative to the repository root. Needs node >= 20 and npm: installed with
# apt-get when `node` is missing; koffi, typescript and jose come from the npm registry (npm ci,
# from bindings/node/package-lock.json).
#
#   node-test          npm ci when needed, tsc over the typed usage file, then node --test
#                      (vectors, jwe.json included; API, the ECDH-1PU mode and JWE API,
#                      hostile input, leaks, worker_threads, the interop program, JWE interop
#                      with jose, a devDependency); its closing line is
#                      "node-test: N passed, N failed"
#   node-interop-tool  what `node bindings/node/bin/hxjwt-interop.js` needs (the library and
#                      node_modules), for the interop matrix
#   node-bench         per-call times of HX1 and HS256/ES256 with the release library

NODE ?= node
NPM ?= npm
NODE_DIR := bindings/node
NODE_OUT := $(or $(HX_TARGET_DIR),target)/node
# The debug library that c-lib stages (mk/c.mk), by its soname.
NODE_HXJWT_LIB = $(abspath $(HX_C_LIB))/libhxjwt.so.0
# node-bench's library: the release build, unless NODE_BENCH_LIB names one.
NODE_BENCH_LIB ?=
NODE_STAMP := $(NODE_DIR)/node_modules/.hxjwt-npm-ci
NODE_ENV = HXJWT_LIB=$(NODE_HXJWT_LIB) HXJWT_VECTORS_DIR=$(abspath tests/vectors)

.PHONY: node-tools node-deps node-types node-test node-interop-tool node-bench

node-tools:
	@command -v $(NODE) >/dev/null 2>&1 || { apt-get update && apt-get install -y nodejs npm; }
	@command -v $(NPM) >/dev/null 2>&1 || { apt-get update && apt-get install -y npm; }
	@$(NODE) -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("node >= 20 is needed, not " + process.version); process.exit(1) }'

# node_modules, made again whenever package.json or package-lock.json is newer than it.
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | node-tools
	cd $(NODE_DIR) && $(NPM) ci --no-audit --no-fund
	touch $@

node-deps: $(NODE_STAMP)

node-types: node-deps ## TypeScript: tsc --noEmit over the typed usage file, against index.d.ts.
	cd $(NODE_DIR) && node_modules/.bin/tsc --noEmit -p test/tsconfig.json

# node --test: the spec reporter to the console, TAP to a log whose totals make the closing line.
node-test: c-lib node-types ## Node.js face: npm ci, tsc, node --test (vectors, API, JWE, hostile input, leaks, workers, jose).
	@mkdir -p $(NODE_OUT)
	@rm -f $(NODE_OUT)/node-test.tap
	@status=0; cd $(NODE_DIR) && $(NODE_ENV) $(NODE) --test --test-reporter=spec --test-reporter-destination=stdout \
	  --test-reporter=tap --test-reporter-destination=$(abspath $(NODE_OUT))/node-test.tap test/*.test.js \
	  || status=$$?; \
	  awk '/^# pass / {p = $$3} /^# fail / {f = $$3} END {printf "node-test: %d passed, %d failed\n", p, f}' \
	    $(abspath $(NODE_OUT))/node-test.tap; \
	  exit $$status

node-interop-tool: c-lib node-deps ## What `node bindings/node/bin/hxjwt-interop.js` needs (library, node_modules).
	@echo "node-interop-tool: run node $(NODE_DIR)/bin/hxjwt-interop.js with HXJWT_LIB=$(NODE_HXJWT_LIB)"

node-bench: node-deps ## Per-call times of HX1 create/validate and HS256/ES256 sign/verify (release library).
	$(if $(NODE_BENCH_LIB),,$(CARGO) build $(HX_CARGO_LOCKED) -p hxjwt-ffi --release)
	HXJWT_LIB=$(or $(NODE_BENCH_LIB),$(abspath $(or $(HX_TARGET_DIR),target))/release/libhxjwt.so) \
	  $(NODE) $(NODE_DIR)/bench/hx1.js
