"""Round trips in both modes and the rest of the API surface."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import hxjwt


def test_version() -> None:
    assert isinstance(hxjwt.__version__, str) and hxjwt.__version__.count(".") == 2
    assert isinstance(hxjwt.CORE_VERSION, str)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"raw \x00\xff bytes", b"raw \x00\xff bytes"),
        (bytearray(b"a bytearray"), b"a bytearray"),
        ("grüße, 世界", "grüße, 世界".encode()),
        ({"order": 42, "items": ["a", "b"], "nested": {"ok": True, "none": None}},
         b'{"order":42,"items":["a","b"],"nested":{"ok":true,"none":null}}'),
        (b"", b""),
        ({}, b"{}"),
    ],
)  # fmt: skip
def test_round_trip_directory_mode(
    alice: hxjwt.Identity,
    bob: hxjwt.Identity,
    directory: hxjwt.Directory,
    payload: bytes | str | dict[str, object],
    expected: bytes,
) -> None:
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory)
    token = sender.create(payload, to="bob.service", ttl=60, jti="id-1")
    assert isinstance(token, str) and token.count(".") == 2
    message = receiver.validate(token)
    assert message.payload == expected
    assert (message.issuer, message.audience, message.jti) == ("alice.service", "bob.service", "id-1")
    assert message.expires_at - message.issued_at == 60
    assert message.not_before is None and message.content_type is None
    if isinstance(payload, dict):
        assert message.json() == payload


def test_round_trip_shared_key_mode(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    """No directory at all: each side holds the other's machine token (e.g. from config)."""
    bob_token = hxjwt.MachineToken.from_jwk(json.dumps(bob.machine_token.to_jwk()))
    alice_token = hxjwt.MachineToken.from_jwk(alice.machine_token.to_jwk())
    sender = hxjwt.Endpoint(alice)
    receiver = hxjwt.Endpoint(bob)
    token = sender.create({"n": 1}, to=bob_token, content_type="json", not_before=0)
    message = receiver.validate(token, sender=alice_token)
    assert message.json() == {"n": 1}
    assert message.content_type == "json" and message.not_before == 0
    # Without a directory, validate needs the sender...
    with pytest.raises(hxjwt.InvalidArgumentError, match="no directory"):
        receiver.validate(token)
    # ...and the reply goes the other way.
    reply = receiver.create(b"pong", to=alice_token)
    assert sender.validate(reply, sender=bob.machine_token).payload == b"pong"


def test_mixed_modes(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    token = hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token)
    assert hxjwt.Endpoint(bob, directory).validate(token).payload == b"x"


def test_fixed_clock(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    sender = hxjwt.Endpoint(alice, directory, clock=1_800_000_000)
    assert sender.clock == 1_800_000_000 and sender.now() == 1_800_000_000
    token = sender.create(b"x", to="bob.service", ttl=10)
    message = hxjwt.Endpoint(bob, directory, clock=1_800_000_009).validate(token)
    assert message.issued_at == 1_800_000_000 and message.expires_at == 1_800_000_010
    with pytest.raises(hxjwt.ExpiredSignatureError):
        hxjwt.Endpoint(bob, directory, clock=1_800_000_010).validate(token)
    assert hxjwt.Endpoint(bob, directory, clock=1_800_000_010, leeway=1).validate(token)
    assert hxjwt.Endpoint(bob).clock is None
    assert abs(hxjwt.Endpoint(bob).now() - __import__("time").time()) < 5


def test_audiences(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    billing = hxjwt.Identity.generate("billing")  # an alias name bob also answers to
    directory = hxjwt.Directory([alice.machine_token, billing.machine_token])
    token = hxjwt.Endpoint(alice, directory).create(b"x", to="billing")
    with pytest.raises(hxjwt.InvalidAudienceError):
        hxjwt.Endpoint(bob, directory).validate(token)
    # An alias is only usable when bob holds the alias's key: the audience check passes, but
    # the key does not unwrap (the token was made for billing's key).
    with pytest.raises(hxjwt.InvalidSignatureError):
        hxjwt.Endpoint(bob, directory, audiences=["billing"]).validate(token)


def test_identity_jwk_round_trip_and_repr_hides_the_secret(alice: hxjwt.Identity) -> None:
    jwk = alice.to_jwk()
    assert set(jwk) == {"kty", "crv", "kid", "use", "x", "d"}
    again = hxjwt.Identity.from_jwk(jwk)
    assert again.machine_token == alice.machine_token
    assert hxjwt.Identity.from_jwk(json.dumps(jwk)).name == "alice.service"
    for shown in (repr(alice), str(alice), repr(alice.machine_token), repr(again)):
        assert jwk["d"] not in shown
    assert "alice.service" in repr(alice) and jwk["x"] in repr(alice)


def test_machine_token_value_semantics(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    a1, a2 = alice.machine_token, hxjwt.MachineToken.from_jwk(alice.machine_token.to_jwk())
    assert a1 == a2 and hash(a1) == hash(a2) and a1 != bob.machine_token
    assert len({a1, a2, bob.machine_token}) == 2
    assert len(a1.public_key) == 32
    assert a1.to_jwk() == {"kty": "OKP", "crv": "X25519", "kid": "alice.service", "use": "enc",
                           "x": alice.to_jwk()["x"]}  # fmt: skip
    assert a1 != "alice.service"


def test_directory_in_memory(alice: hxjwt.Identity, bob: hxjwt.Identity, tmp_path: Path) -> None:
    d = hxjwt.Directory()
    assert len(d) == 0 and "alice.service" not in d
    d.add(alice.machine_token)
    d.add(alice.machine_token)  # replaces
    assert len(d) == 1 and "alice.service" in d and 42 not in d
    assert d.get("alice.service") == alice.machine_token and d.get("nobody") is None
    d.add(bob.machine_token)
    assert [t.name for t in d.tokens()] == ["alice.service", "bob.service"]
    jwks = d.to_jwks()
    assert [k["kid"] for k in jwks["keys"]] == ["alice.service", "bob.service"]
    assert "d" not in jwks["keys"][0]
    assert len(hxjwt.Directory.from_jwks(jwks)) == 2
    assert len(hxjwt.Directory.from_jwks(json.dumps(jwks))) == 2
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    assert len(hxjwt.Directory.from_file(path)) == 2
    assert len(hxjwt.Directory.from_file(os.fspath(path))) == 2
    assert d.remove("bob.service") == bob.machine_token and d.remove("bob.service") is None
    assert repr(d) == "Directory(<1 names>)"
    assert len(hxjwt.Directory(t for t in [alice.machine_token])) == 1


def test_jwks_skips_other_keys_and_rejects_bad_ones(alice: hxjwt.Identity) -> None:
    ec = {"kty": "EC", "crv": "P-256", "x": "..", "y": ".."}
    assert len(hxjwt.Directory.from_jwks({"keys": [alice.machine_token.to_jwk(), ec]})) == 1
    with pytest.raises(hxjwt.InvalidKeyError):
        hxjwt.Directory.from_jwks({"keys": [alice.to_jwk()]})  # a private key in a directory
    with pytest.raises(hxjwt.DecodeError):
        hxjwt.Directory.from_jwks({"no": "keys"})
    with pytest.raises(hxjwt.DecodeError):
        hxjwt.Directory.from_jwks("not json")


def test_endpoint_properties(alice: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    e = hxjwt.Endpoint(alice, directory, replay_protection=True, clock=5)
    assert e.name == "alice.service" and e.machine_token == alice.machine_token
    assert e.directory is directory and e.replay_protection
    assert hxjwt.Endpoint(alice).directory is None
    assert repr(e).startswith("Endpoint(name='alice.service'") and alice.to_jwk()["d"] not in repr(e)


def test_message_repr_and_json_error(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    token = hxjwt.Endpoint(alice, directory).create("secret text, not json", to="bob.service")
    message = hxjwt.Endpoint(bob, directory).validate(token)
    assert "secret" not in repr(message) and "payload=<21 bytes>" in repr(message)
    with pytest.raises(hxjwt.DecodeError) as caught:
        message.json()
    assert isinstance(caught.value.__cause__, ValueError)


def test_max_token_length(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    token = hxjwt.Endpoint(alice, directory).create(b"x" * 1000, to="bob.service")
    with pytest.raises(hxjwt.DecodeError, match="limit"):
        hxjwt.Endpoint(bob, directory, max_token_length=len(token) - 1).validate(token)
    assert hxjwt.Endpoint(bob, directory, max_token_length=len(token)).validate(token)
    # A token over the sender's limit (64 KiB by default, what receivers apply by default) is
    # not made; with the limit raised on both sides it goes through.
    with pytest.raises(hxjwt.InvalidArgumentError, match="max_token_len"):
        hxjwt.Endpoint(alice, directory).create(b"x" * 60_000, to="bob.service")
    big = hxjwt.Endpoint(alice, directory, max_token_length=1 << 18).create(b"x" * 60_000, to="bob.service")
    assert len(big) > 1 << 16
    assert hxjwt.Endpoint(bob, directory, max_token_length=1 << 18).validate(big).payload == b"x" * 60_000


def test_replay_protection(alice: hxjwt.Identity, bob: hxjwt.Identity, directory: hxjwt.Directory) -> None:
    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory, replay_protection=True)
    token = sender.create(b"once", to="bob.service")
    assert receiver.validate(token).payload == b"once"
    with pytest.raises(hxjwt.ReplayedTokenError):
        receiver.validate(token)
    # Off (the default): the same token validates again.
    plain = hxjwt.Endpoint(bob, directory)
    assert plain.validate(token) and plain.validate(token)


def test_classes_are_immutable(alice: hxjwt.Identity) -> None:
    with pytest.raises(AttributeError):
        alice.name = "eve"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hxjwt.Message()  # type: ignore[call-arg]


def test_docstrings_everywhere() -> None:
    for cls in (hxjwt.Identity, hxjwt.MachineToken, hxjwt.Directory, hxjwt.Endpoint, hxjwt.Message):
        assert cls.__doc__, cls
        for name, member in vars(cls).items():
            if not name.startswith("_"):
                assert member.__doc__, f"{cls.__name__}.{name}"


def test_identity_cannot_be_pickled_by_accident(alice: hxjwt.Identity) -> None:
    """Saving a private key is explicit (`to_jwk()`); pickle and copy refuse."""
    import copy
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(alice)
    with pytest.raises(TypeError):
        copy.deepcopy(alice)


def test_all_is_complete() -> None:
    public = {n for n in dir(hxjwt) if not n.startswith("_") and n not in {"dangerous", "aio"}}
    public -= {"annotations"}
    assert set(hxjwt.__all__) - {"__version__"} == public - {"_hxjwt"}
