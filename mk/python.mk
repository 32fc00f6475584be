# The Python face (bindings/python, crate hxjwt-python, package `hxjwt`): a venv, the module built
# by maturin, pytest, mypy --strict, stubtest and the examples. Included by the top-level Makefile;
# paths are relative to the repository root. Needs only python3 (with pip) and Rust: everything
# else comes from PyPI into .venv.

PYTHON ?= python3
PY_VENV ?= .venv
PY := $(PY_VENV)/bin/python
# A target dir of its own, so that this build never waits on the lock of the others' builds.
PY_TARGET_DIR ?= target/python
PY_DEPS := "maturin>=1.9.4,<2" "pytest>=8" "mypy>=1.10" "PyJWT>=2.8"
# Peers for the standard-JWT interop tests (tests/python/test_jws_*.py); PyJWT needs
# cryptography for RSA, EC and EdDSA.
PY_DEPS += "cryptography>=42" "joserfc>=1.0" "jwcrypto>=1.5"
PY_STAMP := $(PY_VENV)/.hxjwt-dev-deps
PY_ENV := CARGO_TARGET_DIR=$(abspath $(PY_TARGET_DIR)) VIRTUAL_ENV=$(abspath $(PY_VENV)) \
	MYPY_CACHE_DIR=$(abspath $(PY_VENV))/.mypy_cache
MATURIN := $(PY_ENV) $(PY_VENV)/bin/maturin

.PHONY: py-venv py-develop py-test py-pytest py-types py-examples py-lint py-bench py-wheel py-clean

# Without ensurepip (Debian's python3 without python3-venv), make the venv without pip and let
# the system's pip install pip into it.
$(PY):
	$(PYTHON) -m venv $(PY_VENV) || { rm -rf $(PY_VENV) && $(PYTHON) -m venv --without-pip $(PY_VENV) \
	  && $(PYTHON) -m pip --python $(PY) install --quiet pip; }

$(PY_STAMP): $(PY) mk/python.mk
	$(PY) -m pip install --quiet --disable-pip-version-check $(PY_DEPS)
	touch $@

py-venv: $(PY_STAMP) ## Create .venv with maturin, pytest, mypy and PyJWT.

py-develop: $(PY_STAMP) ## Build the Python module (debug) and install it into .venv.
	$(MATURIN) develop --quiet --locked -m bindings/python/Cargo.toml

py-pytest: py-develop ## pytest over tests/python (vectors, errors, directories, threads, types).
	$(PY_ENV) $(PY) -m pytest -p no:cacheprovider tests/python

py-types: py-develop ## mypy --strict over examples/python, the typed-usage tests and test_remote, against the stubs.
	$(PY_ENV) $(PY) -m mypy --strict examples/python tests/python/test_typed_usage.py \
	  tests/python/test_jws_typed_usage.py tests/python/test_remote.py tests/python/test_redis.py tests/python/test_jwe.py \
	  tests/python/test_aio.py tests/python/test_pyjwt_compat.py tests/python/test_keys_more.py \
	  tests/python/test_time_and_audience.py tests/python/test_key_hygiene.py \
	  tests/python/test_remote_tls.py tests/python/test_explain.py

py-examples: py-develop ## Run the Python examples (the README's sender/receiver, and more).
	@for f in examples/python/*.py; do echo "== $$f"; $(PY) "$$f"; done

py-test: py-pytest py-types py-examples ## The Python face: build, pytest, mypy --strict, examples.

py-lint: py-develop ## stubtest: the hand-written stubs match the module.
	$(PY_ENV) $(PY) -m mypy.stubtest hxjwt --allowlist tests/python/stubtest-allowlist.txt

py-bench: $(PY_STAMP) ## Release build, then validation throughput on 1 vs 2 threads, and decode vs PyJWT.
	$(MATURIN) develop --quiet --locked --release -m bindings/python/Cargo.toml
	$(PY) tests/python/bench_threads.py
	$(PY) tests/python/bench_jws.py

py-wheel: $(PY_STAMP) ## The abi3 wheel (release) in dist/.
	$(MATURIN) build --quiet --locked --release -m bindings/python/Cargo.toml -o dist

py-clean: ## Remove .venv and the Python build's target dir.
	rm -rf $(PY_VENV) $(PY_TARGET_DIR)
