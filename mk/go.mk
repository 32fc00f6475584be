# mk/go.mk: the Go face (bindings/go: the cgo package hxjwt.dev/hxjwt over libhxjwt). A GNU make
# fragment that the top-level Makefile includes after mk/c.mk (whose c-lib stages the debug
# library in $(HX_C_LIB)); paths are relative to the repository root.
#
#   go-test            gofmt and go vet, then go test -v and go test -race over bindings/go (the shared
#                      vectors, jwe.json included; round trips, JWE ones and the endpoints'
#                      ECDH-1PU mode too; the JWE key accessors; hostile input; leak tests;
#                      goroutines sharing one endpoint, and JWE keys and options; memory and Redis
#                      replay stores; every header function wrapped, and the HX_JWE_DEFAULT_*
#                      constants; the examples), then the interop program; installs golang-go with
#                      apt-get when `go` is missing
#   go-interop-tool    target/go/hxjwt-interop, the Go program of the interop matrix
#                      (tests/interop/README.md), linked against $(HX_C_LIB) with an rpath
#   go-bench           the Go benchmarks (HX1 create/validate, HS256/ES256 sign/verify) against
#                      the release library: `make go-bench GO_BENCH_LIB=/dir/of/libhxjwt.so.0`
#                      uses that one instead of building it; not part of the tests
#
# The Redis replay-store tests start their own redis-server on a free loopback port (redis-tools
# of mk/redis.mk installs it when missing).
#
# The leak test makes 100 000 create/validate calls, and the JWE leak test 10 000 rounds; under
# -race (many times slower) 10 000 and 2 000 (the `race` build tag selects
# bindings/go/leak_iterations_race_test.go): nothing is skipped. Go modules are never downloaded: the package uses the standard library only.

GO ?= go
GO_DIR := bindings/go
GO_OUT := $(or $(HX_TARGET_DIR),target)/go
# The debug library that c-lib stages (mk/c.mk): the directory of libhxjwt.so and .so.0.
GO_LIB_DIR = $(abspath $(HX_C_LIB))
GO_LIB = $(GO_LIB_DIR)/libhxjwt.so.0
# go-bench's library directory: the release build, unless GO_BENCH_LIB names one.
GO_BENCH_LIB ?=
GO_BENCH_FLAGS ?= -benchtime 2s
# Without a HOME (some CI shells), go needs a cache and a GOPATH of its own.
GO_HOME_ENV = $(if $(HOME),,GOCACHE=$(abspath $(GO_OUT))/cache GOPATH=$(abspath $(GO_OUT))/gopath)
# The environment of every go command, for a library directory $(1): no toolchain or module
# download, no VCS stamping, cgo linking against (and finding at run time) the library.
go_env = GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=1 $(GO_HOME_ENV) \
	CGO_LDFLAGS="-L$(1) -Wl,-rpath,$(1)" \
	LD_LIBRARY_PATH=$(1)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	HXJWT_LIB=$(1)/libhxjwt.so.0 HXJWT_VECTORS_DIR=$(abspath tests/vectors)
# Adds up the PASS and FAIL lines (tests and subtests) of a go test -v log into one line.
go_count = awk '/^ *--- PASS/ {p++} /^ *--- FAIL/ {f++} END {printf "$(2): %d passed, %d failed\n", p, f}' $(1)

.PHONY: go-tools go-test go-vet go-unit go-race go-interop-tool go-bench

go-tools:
	@command -v $(GO) >/dev/null 2>&1 || { apt-get update && apt-get install -y golang-go; }
	@$(GO) version

go-vet: go-tools c-lib
	@unformatted=$$(cd $(GO_DIR) && "$$($(GO) env GOROOT)/bin/gofmt" -l .); \
	  if [ -n "$$unformatted" ]; then echo "not gofmt-formatted: $$unformatted"; exit 1; fi
	cd $(GO_DIR) && $(call go_env,$(GO_LIB_DIR)) $(GO) vet ./...

# redis-server for the replay-store tests (mk/redis.mk).
GO_REDIS := $(if $(wildcard mk/redis.mk),redis-tools)

go-unit: go-tools c-lib $(GO_REDIS)
	@mkdir -p $(GO_OUT)
	@cd $(GO_DIR) && status=0 && $(call go_env,$(GO_LIB_DIR)) $(GO) test -v -count=1 ./... \
	  > $(abspath $(GO_OUT))/go-test.log 2>&1 || status=$$?; \
	  grep -E '^(--- FAIL|FAIL|ok|PASS|panic)|^\s+--- FAIL|_test\.go:[0-9]+: ' $(abspath $(GO_OUT))/go-test.log || true; \
	  $(call go_count,$(abspath $(GO_OUT))/go-test.log,go test); \
	  if [ $$status -ne 0 ]; then cat $(abspath $(GO_OUT))/go-test.log; exit $$status; fi

go-race: go-tools c-lib $(GO_REDIS)
	@mkdir -p $(GO_OUT)
	@cd $(GO_DIR) && status=0 && $(call go_env,$(GO_LIB_DIR)) $(GO) test -race -v -count=1 ./... \
	  > $(abspath $(GO_OUT))/go-race.log 2>&1 || status=$$?; \
	  grep -E '^(--- FAIL|FAIL|ok|PASS|panic)|^\s+--- FAIL|_test\.go:[0-9]+: |WARNING: DATA RACE' $(abspath $(GO_OUT))/go-race.log || true; \
	  $(call go_count,$(abspath $(GO_OUT))/go-race.log,go test -race); \
	  if [ $$status -ne 0 ]; then cat $(abspath $(GO_OUT))/go-race.log; exit $$status; fi

go-test: c-lib go-vet go-unit go-race go-interop-tool ## Go face: go vet, go test and go test -race (vectors, hostile input, leaks, goroutines), interop tool.
	@$(call go_count,$(abspath $(GO_OUT))/go-test.log $(abspath $(GO_OUT))/go-race.log,go-test)

go-interop-tool: go-tools c-lib ## target/go/hxjwt-interop: the Go program of the interop matrix.
	@mkdir -p $(GO_OUT)
	cd $(GO_DIR) && $(call go_env,$(GO_LIB_DIR)) $(GO) build -o $(abspath $(GO_OUT))/hxjwt-interop ./cmd/hxjwt-interop

go-bench: go-tools ## Go benchmarks: ns/op of HX1 create/validate, HS256/ES256 sign/verify (release library).
	$(if $(GO_BENCH_LIB),,$(CARGO) build $(HX_CARGO_LOCKED) -p hxjwt-ffi --release)
	$(if $(GO_BENCH_LIB),,@mkdir -p $(GO_OUT)/release-lib && \
	  ln -sf $(abspath $(or $(HX_TARGET_DIR),target))/release/libhxjwt.so $(GO_OUT)/release-lib/libhxjwt.so.0 && \
	  ln -sf libhxjwt.so.0 $(GO_OUT)/release-lib/libhxjwt.so)
	cd $(GO_DIR) && $(call go_env,$(or $(GO_BENCH_LIB),$(abspath $(GO_OUT))/release-lib)) \
	  $(GO) test -run '^$$' -bench . -benchmem $(GO_BENCH_FLAGS) .
