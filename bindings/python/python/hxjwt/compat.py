"""Run code written for PyJWT, unchanged, on hxjwt: ``install()`` registers hxjwt as ``jwt``.

For an application that must run code it does not control (a third-party package that does
``import jwt``)::

    import hxjwt.compat
    hxjwt.compat.install()                       # before anything imports jwt
    import jwt                                   # hxjwt, with jwt.algorithms, jwt.api_jws, ...

``install()`` puts hxjwt's namespace (with PyJWT's ``PyJWKClient``, see ``hxjwt.jwks_client``)
and its PyJWT-named submodules (``jwt.algorithms``,
``jwt.api_jws``, ``jwt.api_jwt``, ``jwt.api_jwk``, ``jwt.jwks_client``, ``jwt.exceptions``,
``jwt.utils``, ``jwt.warnings``, ``jwt.types``) into ``sys.modules`` under PyJWT's names. It
replaces a PyJWT already imported (modules that imported it keep their reference to it).

hxjwt's safe defaults stay on: HMAC secrets shorter than the hash and RSA keys under 2048 bits
are refused, ``alg: none`` never works. ``install(pyjwt_defaults=True)`` switches, for the whole
process, to PyJWT's default where PyJWT only warns: a short HMAC secret then signs and verifies
with an ``InsecureKeyLengthWarning`` (``options={"enforce_minimum_key_length": True}`` still
refuses it). Everything else stays hxjwt's. ``uninstall()`` removes the aliases and the switch.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from ._native import _hxjwt

__all__ = ["install", "installed", "pyjwt_defaults_enabled", "uninstall"]

#: The submodules registered under ``jwt.<name>``.
SUBMODULES = (
    "algorithms",
    "api_jwk",
    "api_jws",
    "api_jwt",
    "exceptions",
    "jwks_client",
    "types",
    "utils",
    "warnings",
)

_state: dict[str, Any] = {"pyjwt_defaults": False, "module": None}


def pyjwt_defaults_enabled() -> bool:
    """Whether ``install(pyjwt_defaults=True)`` is in effect."""
    return bool(_state["pyjwt_defaults"])


def install(*, pyjwt_defaults: bool = False, name: str = "jwt") -> types.ModuleType:
    """Registers hxjwt as ``name`` (``jwt``) and its submodules as ``name.<sub>``; returns the
    module registered: hxjwt's namespace, but for ``PyJWKClient``, which is PyJWT's
    (``hxjwt.jwks_client.PyJWKClient``).

    ``pyjwt_defaults=True``: short HMAC secrets warn (``InsecureKeyLengthWarning``) instead of
    raising ``InvalidKeyError``, process-wide, as PyJWT does by default.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a module name, not {name!r}")
    package = importlib.import_module("hxjwt")
    for stale in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[stale]
    # The module `jwt` is hxjwt's namespace, but PyJWKClient is PyJWT's (hxjwt.jwks_client:
    # urllib, headers, ssl_context), as code written for PyJWT expects.
    view = types.ModuleType(name, package.__doc__)
    view.__dict__.update(
        {k: v for k, v in vars(package).items() if not k.startswith("__") or k == "__version__"}
    )
    view.__all__ = list(getattr(package, "__all__", []))  # type: ignore[attr-defined]
    view.PyJWKClient = importlib.import_module("hxjwt.jwks_client").PyJWKClient  # type: ignore[attr-defined]
    sys.modules[name] = view
    _state["module"] = view
    for sub in SUBMODULES:
        sys.modules[f"{name}.{sub}"] = importlib.import_module(f"hxjwt.{sub}")
    _state["pyjwt_defaults"] = bool(pyjwt_defaults)
    _hxjwt._set_pyjwt_defaults(bool(pyjwt_defaults))
    return package


def installed(name: str = "jwt") -> bool:
    """Whether ``name`` is hxjwt's alias in ``sys.modules``."""
    return _state["module"] is not None and sys.modules.get(name) is _state["module"]


def uninstall(name: str = "jwt") -> None:
    """Removes the aliases ``install`` made and turns PyJWT's defaults off."""
    if _state["module"] is not None and sys.modules.get(name) is _state["module"]:
        del sys.modules[name]
    _state["module"] = None
    for sub in SUBMODULES:
        if sys.modules.get(f"{name}.{sub}") is sys.modules.get(f"hxjwt.{sub}"):
            sys.modules.pop(f"{name}.{sub}", None)
    _state["pyjwt_defaults"] = False
    _hxjwt._set_pyjwt_defaults(False)
