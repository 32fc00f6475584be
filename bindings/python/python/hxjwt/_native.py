"""The extension module, typed ``Any`` for the pure-Python modules that convert to and from it
(its typed surface is re-exported by ``hxjwt`` and described in ``__init__.pyi``)."""

from __future__ import annotations

import importlib
from typing import Any

_hxjwt: Any = importlib.import_module("hxjwt._hxjwt")
