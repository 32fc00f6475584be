# mk/interop.mk: the cross-runtime interop matrix (tests/interop/README.md). Included by the
# top-level Makefile after mk/c.mk, mk/python.mk and the Node, Java and Go fragments; paths are
# relative to the repository root.
#
#   interop-test      build every runtime's interop program (the C one here, the Python module,
#                     the CLI, and the Node, Java and Go tools of their fragments), then run
#                     tests/interop/matrix.py over all six runtimes: HX1, ES256 and JWE both ways
#                     between every pair, altered tokens and hostile input refused
#   interop-selftest  the matrix catches what it must: a C program made to break one rule of
#                     the contract at a time fails exactly the cells that check that rule; and
#                     the C program names every status by its kind (test_kinds.c); mypy --strict
#
# The C program runs built with ASan/UBSan (target/interop/interop.asan): a leak or a memory
# error fails its cells. A runtime whose fragment is absent is not built here: the matrix then
# reports its program as missing, which fails the run (no runtime is ever skipped). One pair,
# during development:
#   python3 tests/interop/matrix.py --runtimes c,python --lib target/c/lib/libhxjwt.so.0

CARGO ?= cargo
PYTHON ?= python3

INTEROP_TARGET_DIR := $(or $(HX_TARGET_DIR),target)
INTEROP_OUT := $(INTEROP_TARGET_DIR)/interop
INTEROP_C := $(INTEROP_OUT)/interop
INTEROP_LIB = $(abspath $(HX_C_LIB))/libhxjwt.so.0
INTEROP_CFLAGS := -std=c99 -Wall -Wextra -Werror -pedantic
INTEROP_SAN := -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
INTEROP_RUNTIMES := rust,c,python,node,java,go
# The other runtimes' tools, from their own fragments (each defines its *-interop-tool target).
INTEROP_TOOLS := $(if $(wildcard mk/node.mk),node-interop-tool) \
	$(if $(wildcard mk/java.mk),java-interop-tool) $(if $(wildcard mk/go.mk),go-interop-tool)
# How many programs run at once (default: the number of CPUs); extra matrix.py options.
INTEROP_JOBS ?=
INTEROP_FLAGS ?=

INTEROP_ENV = HXJWT_LIB=$(INTEROP_LIB) \
	LD_LIBRARY_PATH=$(abspath $(HX_C_LIB))$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}

.PHONY: interop-test interop-selftest interop-cli interop-c

interop-test: interop-selftest c-lib py-develop interop-cli interop-c $(INTEROP_TOOLS) ## The interop matrix: Rust, C, Python, Node, Java and Go tokens (HX1, ES256, JWE) both ways.
	$(INTEROP_ENV) $(PYTHON) tests/interop/matrix.py --runtimes $(INTEROP_RUNTIMES) \
	    --cmd rust=$(INTEROP_TARGET_DIR)/debug/hxjwt \
	    --cmd c=$(INTEROP_C).asan \
	    --cmd python="$(abspath $(or $(PY),.venv/bin/python)) tests/interop/interop_py.py" \
	    --cmd node="node bindings/node/bin/hxjwt-interop.js" \
	    --cmd java=$(INTEROP_TARGET_DIR)/java/hxjwt-interop \
	    --cmd go=$(INTEROP_TARGET_DIR)/go/hxjwt-interop \
	    $(if $(INTEROP_JOBS),--jobs $(INTEROP_JOBS)) $(INTEROP_FLAGS)

# The matrix itself, checked: behind a wrapper that breaks one rule of the contract at a time,
# the C program must fail exactly the cells that rule is checked by (tests/interop/test_matrix.py).
# And the C program's names of the statuses (tests/interop/test_kinds.c, with ASan/UBSan), and
# mypy --strict over the Python of tests/interop (the Python program against the module's stubs).
interop-selftest: interop-cli interop-c $(INTEROP_OUT)/test_kinds py-develop
	$(INTEROP_ENV) $(INTEROP_OUT)/test_kinds
	$(PY_ENV) $(PY) -m mypy --strict tests/interop/matrix.py tests/interop/test_matrix.py \
	  tests/interop/interop_py.py
	$(INTEROP_ENV) $(PYTHON) tests/interop/test_matrix.py --c $(INTEROP_C) \
	  --keygen $(INTEROP_TARGET_DIR)/debug/hxjwt

$(INTEROP_OUT)/test_kinds: tests/interop/test_kinds.c tests/interop/interop.c include/hxjwt.h | c-lib
	@mkdir -p $(@D)
	$(CC) $(INTEROP_CFLAGS) $(INTEROP_SAN) -Iinclude -Itests/interop $< -L$(HX_C_LIB) -lhxjwt -o $@

# The Rust face: the hxjwt CLI (target/debug/hxjwt).
interop-cli:
	$(CARGO) build --locked -p hxjwt-cli

# The C program, built as strictly as the C tests, against the library of mk/c.mk; and built
# again with ASan/UBSan, which is the one the matrix runs, so that a leak (a handle or string not
# freed), a double free or an invalid access fails the cells it happens in.
interop-c: $(INTEROP_C) $(INTEROP_C).asan

$(INTEROP_C): tests/interop/interop.c include/hxjwt.h | c-lib
	@mkdir -p $(@D)
	$(CC) $(INTEROP_CFLAGS) -Iinclude $< -L$(HX_C_LIB) -lhxjwt -o $@

$(INTEROP_C).asan: tests/interop/interop.c include/hxjwt.h | c-lib
	@mkdir -p $(@D)
	$(CC) $(INTEROP_CFLAGS) $(INTEROP_SAN) -Iinclude $< -L$(HX_C_LIB) -lhxjwt -o $@
	nm $@ | grep __asan_init > /dev/null
