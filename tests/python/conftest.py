"""Shared fixtures: the vector files of tests/vectors and a few identities."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

import hxjwt

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


def b64url_decode(text: str) -> bytes:
    """base64url without padding, as the vector files write it."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load(name: str) -> dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@pytest.fixture(scope="session")
def alice() -> hxjwt.Identity:
    return hxjwt.Identity.generate("alice.service")


@pytest.fixture(scope="session")
def bob() -> hxjwt.Identity:
    return hxjwt.Identity.generate("bob.service")


@pytest.fixture(scope="session")
def directory(alice: hxjwt.Identity, bob: hxjwt.Identity) -> hxjwt.Directory:
    return hxjwt.Directory([alice.machine_token, bob.machine_token])
