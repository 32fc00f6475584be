"""Typed use of the public API: `mypy --strict` checks this file against the stubs (`make
py-test`), and pytest runs it. It uses no test framework, only what a user would write."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import hxjwt
import hxjwt.dangerous


def lookup_factory(tokens: Mapping[str, hxjwt.MachineToken]) -> Any:
    def lookup(name: str) -> hxjwt.MachineToken | None:
        return tokens.get(name)

    return lookup


def test_typed_round_trip(tmp_path: Path) -> None:
    alice: hxjwt.Identity = hxjwt.Identity.generate("alice")
    bob: hxjwt.Identity = hxjwt.Identity.from_jwk(json.dumps(hxjwt.Identity.generate("bob").to_jwk()))
    public: hxjwt.MachineToken = hxjwt.MachineToken.from_jwk(alice.machine_token.to_jwk())
    jwk: dict[str, str] = public.to_jwk()
    key: bytes = public.public_key
    assert jwk["kid"] == public.name == "alice" and len(key) == 32

    directory = hxjwt.Directory([alice.machine_token])
    directory.add(bob.machine_token)
    n: int = len(directory)
    known: bool = "bob" in directory
    found: hxjwt.MachineToken | None = directory.get("bob")
    names: list[str] = [t.name for t in directory.tokens()]
    jwks = directory.to_jwks()
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    from_file: hxjwt.Directory = hxjwt.Directory.from_file(path)
    from_jwks: hxjwt.Directory = hxjwt.Directory.from_jwks(jwks)
    assert n == 2 and known and found is not None and names == ["alice", "bob"]
    assert len(from_file) == len(from_jwks) == 2

    sender = hxjwt.Endpoint(alice, directory, leeway=1, max_lifetime=600, replay_protection=False)
    receiver = hxjwt.Endpoint(
        bob,
        hxjwt.Directory.from_callable(lookup_factory({"alice": alice.machine_token})),
        audiences=["bob-alias"],
        max_token_length=1 << 16,
        clock=None,
    )
    token: str = sender.create({"n": 1}, to="bob", ttl=60, jti="t1", content_type="json")
    message: hxjwt.Message = receiver.validate(token)
    issuer: str = message.issuer
    times: tuple[int, int] = (message.issued_at, message.expires_at)
    nbf: int | None = message.not_before
    jti: str | None = message.jti
    cty: str | None = message.content_type
    payload: bytes = message.payload
    data: Any = message.json()
    assert (issuer, jti, cty, nbf, data) == ("alice", "t1", "json", None, {"n": 1})
    assert times[1] - times[0] == 60 and payload == b'{"n":1}'

    shared: str = sender.create(b"raw", to=bob.machine_token)
    assert hxjwt.Endpoint(bob).validate(shared.encode(), sender=alice.machine_token).payload == b"raw"

    exact: str = hxjwt.dangerous.create_with_material(
        hxjwt.Endpoint(alice, clock=1_767_225_600),
        "x",
        to=bob.machine_token,
        material=bytes(64),
        iv=bytes(12),
        ttl=10,
    )
    assert exact.count(".") == 2


def test_typed_exceptions() -> None:
    bob = hxjwt.Identity.generate("bob")
    endpoint = hxjwt.Endpoint(bob, hxjwt.Directory())
    try:
        endpoint.validate("a.b.c")
    except hxjwt.InvalidTokenError as e:
        kind: str | None = e.kind
        assert kind == "Malformed"
    classes: Mapping[str, type[hxjwt.PyJWTError]] = hxjwt.ERROR_CLASSES
    assert classes["Expired"] is hxjwt.ExpiredSignatureError
    base: type[hxjwt.HxJwtError] = hxjwt.InvalidArgumentError
    assert issubclass(base, ValueError)
    version: str = hxjwt.__version__
    assert version
