# PyJWT's own test suite against hxjwt (bindings/python): `make pyjwt-suite` downloads the pinned
# PyJWT sdist from PyPI, runs its tests/ with `import jwt` = hxjwt (hxjwt.compat.install) in
# hxjwt's default mode and in the faithful mode (pyjwt_defaults=True), and prints per-file
# pass counts. Fails if the faithful mode passes under PYJWT_SUITE_MIN percent, or a default-mode
# failure is not one of the differences listed in bindings/python/README.md. Included by the
# top-level Makefile; needs py-develop (the venv has pytest and cryptography).

PYJWT_SUITE_VERSION ?= 2.12.0
PYJWT_SUITE_MIN ?= 95
PYJWT_SUITE_DIR ?= target/pyjwt-suite

.PHONY: pyjwt-suite

pyjwt-suite: py-develop ## PyJWT's own tests (pinned sdist) against hxjwt, both modes: per-file table.
	$(PY_ENV) $(PY) tests/python/pyjwt_suite.py --version $(PYJWT_SUITE_VERSION) \
	  --work $(PYJWT_SUITE_DIR) --min-faithful $(PYJWT_SUITE_MIN) --strict
