# mk/c.mk: the C face (libhxjwt, include/hxjwt.h). A GNU make fragment that the top-level
# Makefile includes; it also runs alone: `make -f mk/c.mk c-test`. Paths are relative to the
# repository root, which must be the working directory.
#
#   c-test        build ffi, then every tests/c/test_*.c under valgrind and with ASan/UBSan, the
#                 C++ test, the header alone / as C++ / twice, examples/c and the examples of
#                 docs/C-API.md, and an install test
#   header        regenerate include/hxjwt.h (cbindgen, pinned in ffi/Cargo.toml)
#   header-check  fail when the committed include/hxjwt.h is stale
#   install       libhxjwt.so (+ soname links), libhxjwt.a, hxjwt.h and hxjwt.pc under PREFIX

CARGO ?= cargo
CXX := $(if $(filter default,$(origin CXX)),c++,$(CXX))
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR ?=

# --locked whenever there is a lock file to hold to.
HX_CARGO_LOCKED ?= $(if $(wildcard Cargo.lock),--locked)
HX_VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
HX_SOMAJOR := $(firstword $(subst ., ,$(HX_VERSION)))

HX_TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
HX_C_OUT := $(HX_TARGET_DIR)/c
# The debug library, staged with its soname so that programs linked against it load it.
HX_C_LIB := $(HX_C_OUT)/lib
HX_C_STRICT := -std=c99 -Wall -Wextra -Werror -pedantic
HX_CXX_STRICT := -std=c++11 -Wall -Wextra -Werror -pedantic
HX_C_SAN := -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HX_VALGRIND := valgrind -q --leak-check=full --error-exitcode=1 \
	--errors-for-leak-kinds=definite,indirect
HX_C_TESTS := $(patsubst tests/c/%.c,%,$(sort $(wildcard tests/c/test_*.c)))
HX_C_DEPS := include/hxjwt.h $(wildcard tests/c/*.h)
# Every test program runs under a time bound, so that a hung test (test_remote.c talks to the
# loopback HTTP server it runs in a thread) fails instead of blocking the build.
HX_C_TIMEOUT := timeout 180
HX_C_RUN := LD_LIBRARY_PATH=$(HX_C_LIB)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	HXJWT_VECTORS_DIR=tests/vectors

.PHONY: c-test c-lib c-tools c-header-compiles c-valgrind c-asan c-cpp c-example c-install-test \
	c-interop header header-check install

c-test: c-header-compiles c-valgrind c-asan c-cpp c-example c-install-test c-interop ## C tests: valgrind, ASan/UBSan, C++, header, examples, install, interop.
	@cat $(HX_C_OUT)/logs/*.log | awk '/^[0-9]+ passed, [0-9]+ failed$$/ {p += $$1; f += $$3} \
	  END {printf "c-test: %d passed, %d failed\n", p, f; exit f != 0}'

c-tools:
	@command -v valgrind >/dev/null 2>&1 || { apt-get update && apt-get install -y valgrind; }
	@command -v pkg-config >/dev/null 2>&1 || { apt-get update && apt-get install -y pkg-config; }

c-lib:
	$(CARGO) build $(HX_CARGO_LOCKED) -p hxjwt-ffi
	@rm -rf $(HX_C_OUT)/logs && mkdir -p $(HX_C_LIB) $(HX_C_OUT)/logs
	@ln -sf $(abspath $(HX_TARGET_DIR))/debug/libhxjwt.so $(HX_C_LIB)/libhxjwt.so.$(HX_SOMAJOR)
	@ln -sf libhxjwt.so.$(HX_SOMAJOR) $(HX_C_LIB)/libhxjwt.so

# The header alone, as C99 and as C++, and included twice; the library exports its functions and
# nothing else.
c-header-compiles: c-lib
	$(CC) $(HX_C_STRICT) -fsyntax-only -x c include/hxjwt.h
	$(CXX) $(HX_CXX_STRICT) -fsyntax-only -x c++ include/hxjwt.h
	$(CC) $(HX_C_STRICT) -Iinclude tests/c/header_twice.c -L$(HX_C_LIB) -lhxjwt \
		-o $(HX_C_OUT)/header_twice
	$(CXX) $(HX_CXX_STRICT) -fsyntax-only -Iinclude -x c++ tests/c/header_twice.c
	$(HX_C_RUN) $(HX_C_OUT)/header_twice
	@grep -oE '\bhx_[a-z0-9_]+\(' include/hxjwt.h | tr -d '(' | sort -u > $(HX_C_OUT)/header.symbols
	@nm -D --defined-only $(HX_C_LIB)/libhxjwt.so.$(HX_SOMAJOR) | awk '{print $$3}' | sort -u \
		> $(HX_C_OUT)/library.symbols
	@if diff $(HX_C_OUT)/header.symbols $(HX_C_OUT)/library.symbols; \
	then echo "the library exports exactly the $$(wc -l < $(HX_C_OUT)/header.symbols) functions of the header"; \
	else echo "FAILED: the exported symbols differ from the header's functions"; exit 1; fi

$(HX_C_OUT)/%: tests/c/%.c $(HX_C_DEPS) | c-lib
	$(CC) $(HX_C_STRICT) -pthread -Iinclude -Itests/c $< -L$(HX_C_LIB) -lhxjwt -o $@

$(HX_C_OUT)/%.asan: tests/c/%.c $(HX_C_DEPS) | c-lib
	$(CC) $(HX_C_STRICT) $(HX_C_SAN) -pthread -Iinclude -Itests/c $< -L$(HX_C_LIB) -lhxjwt -o $@
	nm $@ | grep __asan_init > /dev/null

# Each test once under valgrind (no leak, no invalid access) and once with ASan/UBSan; the two do
# not mix. Each prints "N passed, N failed"; c-test adds up the logs into its closing line.
# Valgrind may print a "possibly lost" block after that line (not an error, so not suppressed):
# the 48-byte std::thread handle that Rust's std keeps in the calling thread's TLS once it waits on
# a channel (ureq's resolver does, in test_remote), never freed for the main thread, which exits
# without running TLS destructors (rust-lang/rust#135608).
c-valgrind: c-tools $(addprefix $(HX_C_OUT)/,$(HX_C_TESTS))
	@for t in $(HX_C_TESTS); do \
	  echo "valgrind $$t"; \
	  if $(HX_C_RUN) $(HX_C_TIMEOUT) $(HX_VALGRIND) $(HX_C_OUT)/$$t > $(HX_C_OUT)/logs/$$t.valgrind.log 2>&1; \
	  then grep -E '^[0-9]+ passed, [0-9]+ failed$$' $(HX_C_OUT)/logs/$$t.valgrind.log; \
	  else cat $(HX_C_OUT)/logs/$$t.valgrind.log; echo "FAILED: $$t under valgrind"; exit 1; fi; \
	done

c-asan: $(addprefix $(HX_C_OUT)/,$(addsuffix .asan,$(HX_C_TESTS)))
	@for t in $(HX_C_TESTS); do \
	  echo "asan+ubsan $$t"; \
	  if $(HX_C_RUN) $(HX_C_TIMEOUT) $(HX_C_OUT)/$$t.asan > $(HX_C_OUT)/logs/$$t.asan.log 2>&1; \
	  then tail -n 1 $(HX_C_OUT)/logs/$$t.asan.log; \
	  else cat $(HX_C_OUT)/logs/$$t.asan.log; echo "FAILED: $$t with ASan/UBSan"; exit 1; fi; \
	done

c-cpp: c-tools c-lib
	$(CXX) $(HX_CXX_STRICT) -Iinclude tests/c/test_cpp.cpp -L$(HX_C_LIB) -lhxjwt -o $(HX_C_OUT)/test_cpp
	@if $(HX_C_RUN) $(HX_VALGRIND) $(HX_C_OUT)/test_cpp > $(HX_C_OUT)/logs/test_cpp.valgrind.log 2>&1; \
	then tail -n 1 $(HX_C_OUT)/logs/test_cpp.valgrind.log; \
	else cat $(HX_C_OUT)/logs/test_cpp.valgrind.log; echo "FAILED: test_cpp"; exit 1; fi

# examples/c, and the complete examples of docs/C-API.md (each column-0 C block is one program),
# so that the documentation keeps compiling.
HX_C_EXAMPLES := sender_receiver jwt_sign_verify
c-example: c-tools c-lib
	@for e in $(HX_C_EXAMPLES); do \
	  echo "example $$e"; \
	  $(CC) $(HX_C_STRICT) -Iinclude examples/c/$$e.c -L$(HX_C_LIB) -lhxjwt -o $(HX_C_OUT)/$$e && \
	  $(HX_C_RUN) $(HX_VALGRIND) $(HX_C_OUT)/$$e > $(HX_C_OUT)/logs/example_$$e.txt || \
	  { cat $(HX_C_OUT)/logs/example_$$e.txt; echo "FAILED: example $$e"; exit 1; }; \
	done
	@rm -f $(HX_C_OUT)/doc_example_*.c
	@awk '/^```c$$/ {n++; f = 1; next} /^```$$/ {f = 0; next} \
	  f {print > ("$(HX_C_OUT)/doc_example_" n ".c")}' docs/C-API.md
	@for src in $(HX_C_OUT)/doc_example_*.c; do \
	  echo "docs/C-API.md example $$(basename $$src .c)"; \
	  $(CC) $(HX_C_STRICT) -Iinclude $$src -L$(HX_C_LIB) -lhxjwt -o $${src%.c} && \
	  $(HX_C_RUN) $(HX_VALGRIND) $${src%.c} > $${src%.c}.txt || \
	  { cat $${src%.c}.txt; echo "FAILED: $$src"; exit 1; }; \
	done

# Tokens made by libhxjwt validate in an independent implementation of PROTOCOL.md and the other
# way round (tests/c/interop.py, through the C ABI with ctypes). Needs python3 with pyca/cryptography;
# skipped, and said so, without it.
c-interop: c-lib
	@if python3 -c 'import cryptography' >/dev/null 2>&1; then \
	  echo "interop with an independent HX1 implementation"; \
	  if python3 tests/c/interop.py $(HX_C_LIB)/libhxjwt.so.$(HX_SOMAJOR) > $(HX_C_OUT)/logs/interop.log 2>&1; \
	  then tail -n 1 $(HX_C_OUT)/logs/interop.log; \
	  else cat $(HX_C_OUT)/logs/interop.log; echo "FAILED: interop"; exit 1; fi; \
	else echo "interop: skipped (python3 with the cryptography package not found)"; fi

# Installs the library built in $(2) under prefix $(1) (DESTDIR-aware).
define hx_c_install
	install -d $(DESTDIR)$(1)/lib/pkgconfig $(DESTDIR)$(1)/include
	install -m 0755 $(2)/libhxjwt.so $(DESTDIR)$(1)/lib/libhxjwt.so.$(HX_VERSION)
	ln -sf libhxjwt.so.$(HX_VERSION) $(DESTDIR)$(1)/lib/libhxjwt.so.$(HX_SOMAJOR)
	ln -sf libhxjwt.so.$(HX_SOMAJOR) $(DESTDIR)$(1)/lib/libhxjwt.so
	install -m 0644 $(2)/libhxjwt.a $(DESTDIR)$(1)/lib/libhxjwt.a
	install -m 0644 include/hxjwt.h $(DESTDIR)$(1)/include/hxjwt.h
	sed -e 's|@PREFIX@|$(1)|g' -e 's|@LIBDIR@|$(3)|g' -e 's|@INCLUDEDIR@|$(4)|g' \
		-e 's|@VERSION@|$(HX_VERSION)|g' ffi/hxjwt.pc.in > $(DESTDIR)$(1)/lib/pkgconfig/hxjwt.pc
endef

install: ## Install libhxjwt (release build), hxjwt.h and hxjwt.pc under PREFIX (default /usr/local).
	$(CARGO) build $(HX_CARGO_LOCKED) -p hxjwt-ffi --release
	$(call hx_c_install,$(PREFIX),$(HX_TARGET_DIR)/release,$(LIBDIR),$(INCLUDEDIR))

# Installs the debug build into a scratch prefix and builds the example against it the way a user
# would, with pkg-config: dynamically (checking the soname) and statically.
HX_C_PREFIX = $(abspath $(HX_C_OUT))/prefix
c-install-test: c-tools c-lib
	rm -rf $(HX_C_PREFIX)
	$(call hx_c_install,$(HX_C_PREFIX),$(HX_TARGET_DIR)/debug,$(HX_C_PREFIX)/lib,$(HX_C_PREFIX)/include)
	PKG_CONFIG_PATH=$(HX_C_PREFIX)/lib/pkgconfig && export PKG_CONFIG_PATH && \
	  $(CC) $(HX_C_STRICT) examples/c/sender_receiver.c $$(pkg-config --cflags --libs hxjwt) \
	    -o $(HX_C_OUT)/sender_receiver.installed && \
	  $(CC) $(HX_C_STRICT) $$(pkg-config --cflags hxjwt) examples/c/sender_receiver.c \
	    $(HX_C_PREFIX)/lib/libhxjwt.a $$(pkg-config --static --libs-only-l hxjwt | sed 's/-lhxjwt//') \
	    -o $(HX_C_OUT)/sender_receiver.static
	readelf -d $(HX_C_OUT)/sender_receiver.installed | grep 'NEEDED.*\[libhxjwt\.so\.$(HX_SOMAJOR)\]'
	LD_LIBRARY_PATH=$(HX_C_PREFIX)/lib $(HX_C_OUT)/sender_receiver.installed > /dev/null
	$(HX_C_OUT)/sender_receiver.static > /dev/null
	@echo "install test: pkg-config build against $(HX_C_PREFIX) ok (shared and static)"

header: ## Regenerate include/hxjwt.h from ffi/src (cbindgen).
	HXJWT_BLESS=1 $(CARGO) test $(HX_CARGO_LOCKED) -p hxjwt-ffi --test header

header-check: ## Fail when the committed include/hxjwt.h differs from a fresh generation.
	$(CARGO) test $(HX_CARGO_LOCKED) -p hxjwt-ffi --test header
