"""Wrong Python types and values: TypeError or ValueError with a clear message, never a panic."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

import hxjwt

WEIRD: list[Any] = [
    None, 0, -1, 2**64, 2**200, 1.5, float("nan"), True, "", "x" * 300, "\x00", "\ud800", b"",
    b"\xff\xfe", bytearray(b"ab"), [], ["a"], {}, {"kty": "OKP"}, object(), int, lambda: 1,
]  # fmt: skip


@pytest.fixture(scope="module")
def env() -> dict[str, Any]:
    alice = hxjwt.Identity.generate("alice")
    bob = hxjwt.Identity.generate("bob")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])
    endpoint = hxjwt.Endpoint(bob, directory)
    token = hxjwt.Endpoint(alice, directory).create(b"x", to="bob")
    return {"alice": alice, "bob": bob, "directory": directory, "endpoint": endpoint, "token": token}


def _calls(env: dict[str, Any]) -> dict[str, Callable[[Any], object]]:
    e, d, a, t = env["endpoint"], env["directory"], env["alice"], env["token"]
    return {
        "Identity.generate": hxjwt.Identity.generate,
        "Identity.from_jwk": hxjwt.Identity.from_jwk,
        "MachineToken.from_jwk": hxjwt.MachineToken.from_jwk,
        "Directory()": hxjwt.Directory,
        "Directory.from_jwks": hxjwt.Directory.from_jwks,
        "Directory.from_file": hxjwt.Directory.from_file,
        "Directory.from_callable": hxjwt.Directory.from_callable,
        "Directory.add": d.add,
        "Directory.get": d.get,
        "Directory.__contains__": lambda v: v in d,
        "Endpoint(identity)": hxjwt.Endpoint,
        "Endpoint(directory)": lambda v: hxjwt.Endpoint(a, v),
        "Endpoint(leeway)": lambda v: hxjwt.Endpoint(a, leeway=v),
        "Endpoint(max_lifetime)": lambda v: hxjwt.Endpoint(a, max_lifetime=v),
        "Endpoint(audiences)": lambda v: hxjwt.Endpoint(a, audiences=v),
        "Endpoint(replay_protection)": lambda v: hxjwt.Endpoint(a, replay_protection=v),
        "Endpoint(max_token_length)": lambda v: hxjwt.Endpoint(a, max_token_length=v),
        "Endpoint(clock)": lambda v: hxjwt.Endpoint(a, clock=v),
        "create(payload)": lambda v: e.create(v, to="alice"),
        "create(to)": lambda v: e.create(b"x", to=v),
        "create(ttl)": lambda v: e.create(b"x", to="alice", ttl=v),
        "create(jti)": lambda v: e.create(b"x", to="alice", jti=v),
        "create(not_before)": lambda v: e.create(b"x", to="alice", not_before=v),
        "create(content_type)": lambda v: e.create(b"x", to="alice", content_type=v),
        "validate(token)": e.validate,
        "validate(sender)": lambda v: e.validate(t, sender=v),
    }


def test_wrong_types_never_panic(env: dict[str, Any]) -> None:
    """Every entry point with every weird value: a result, or a clean exception."""
    outcomes: dict[str, int] = {}
    for (name, call), value in itertools.product(_calls(env).items(), WEIRD):
        try:
            call(value)
            outcome = "ok"
        except (TypeError, ValueError, hxjwt.PyJWTError) as err:
            assert str(err), f"{name}({value!r}) raised {type(err).__name__} without a message"
            outcome = type(err).__name__
        except BaseException as err:  # pyo3's PanicException (a BaseException), OverflowError...
            pytest.fail(f"{name}({value!r}) raised {type(err).__module__}.{type(err).__name__}: {err}")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("TypeError", 0) > 100


@pytest.mark.parametrize(
    ("call", "exc", "says"),
    [
        (lambda e: hxjwt.Identity.generate(42), TypeError, "str"),
        (lambda e: hxjwt.Identity.generate(""), ValueError, "empty"),
        (lambda e: hxjwt.Identity.generate("a\nb"), ValueError, "control"),
        (lambda e: hxjwt.Identity.from_jwk(42), TypeError, "jwk must be a str"),
        (lambda e: hxjwt.MachineToken.from_jwk(["x"]), TypeError, "jwk must be a str"),
        (lambda e: hxjwt.Directory("alice"), TypeError, "not str"),
        (lambda e: hxjwt.Directory([1]), TypeError, "MachineToken"),
        (lambda e: hxjwt.Directory(5), TypeError, "iterable"),
        (lambda e: hxjwt.Endpoint("alice"), TypeError, "Identity"),
        (lambda e: hxjwt.Endpoint(e["alice"], leeway=-1), ValueError, "leeway must be >= 0"),
        (lambda e: hxjwt.Endpoint(e["alice"], max_lifetime=-5), ValueError, "max_lifetime"),
        (lambda e: hxjwt.Endpoint(e["alice"], leeway=1.5), TypeError, "integer"),
        (lambda e: hxjwt.Endpoint(e["alice"], audiences="bob"), TypeError, "str"),
        (lambda e: hxjwt.Endpoint(e["alice"], max_token_length=0), ValueError, "max_token_length"),
        (lambda e: e["endpoint"].create(42, to="alice"), TypeError, "payload must be bytes, str or dict"),
        (lambda e: e["endpoint"].create([1], to="alice"), TypeError, "payload must be"),
        (lambda e: e["endpoint"].create({"x": object()}, to="alice"), TypeError, "JSON serializable"),
        (lambda e: e["endpoint"].create({"x": float("nan")}, to="alice"), ValueError, "JSON"),
        (lambda e: e["endpoint"].create(b"x", to=42), TypeError, "to must be a str"),
        (lambda e: e["endpoint"].create(b"x"), TypeError, "to"),
        (lambda e: e["endpoint"].create(b"x", to="alice", ttl=0), ValueError, "ttl"),
        (lambda e: e["endpoint"].create(b"x", to="alice", ttl=-1), ValueError, "ttl"),
        (lambda e: e["endpoint"].create(b"x", to="alice", jti="j" * 200), ValueError, "jti"),
        (lambda e: e["endpoint"].create(b"x", to="alice", not_before=-1), ValueError, "nbf"),
        (lambda e: e["endpoint"].validate(42), TypeError, "token must be a str or bytes"),
        (lambda e: e["endpoint"].validate(e["token"], sender="alice"), TypeError, "MachineToken"),
        (lambda e: e["endpoint"].validate(e["token"], "alice"), TypeError, "positional"),
    ],
)
def test_wrong_arguments_say_what_is_wrong(
    env: dict[str, Any], call: Callable[[dict[str, Any]], object], exc: type[Exception], says: str
) -> None:
    with pytest.raises(exc, match=says):
        call(env)
