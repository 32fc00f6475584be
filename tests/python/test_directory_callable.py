"""Directory.from_callable: a Python function as the directory."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import hxjwt


@pytest.fixture()
def token(alice: hxjwt.Identity, bob: hxjwt.Identity) -> str:
    return hxjwt.Endpoint(alice).create(b"hello", to=bob.machine_token)


@pytest.mark.parametrize("form", ["token", "dict", "str"])
def test_callable_answers(form: str, alice: hxjwt.Identity, bob: hxjwt.Identity, token: str) -> None:
    calls: list[tuple[str, str]] = []

    def lookup(name: str) -> Any:
        calls.append((name, threading.current_thread().name))
        if name != "alice.service":
            return None
        mt = alice.machine_token
        return {"token": mt, "dict": mt.to_jwk(), "str": str(mt.to_jwk()).replace("'", '"')}[form]

    directory = hxjwt.Directory.from_callable(lookup)
    message = hxjwt.Endpoint(bob, directory).validate(token)
    assert message.payload == b"hello" and message.issuer == "alice.service"
    assert calls == [("alice.service", threading.current_thread().name)]
    assert "alice.service" in directory and "eve" not in directory
    assert directory.get("alice.service") == alice.machine_token
    assert "Directory.from_callable(" in repr(directory)


def test_callable_none_is_unknown_issuer(bob: hxjwt.Identity, token: str) -> None:
    directory = hxjwt.Directory.from_callable(lambda name: None)
    with pytest.raises(hxjwt.UnknownIssuerError):
        hxjwt.Endpoint(bob, directory).validate(token)


def test_callable_that_raises(bob: hxjwt.Identity, token: str) -> None:
    def lookup(name: str) -> hxjwt.MachineToken | None:
        raise KeyError(f"db down while looking up {name}")

    directory = hxjwt.Directory.from_callable(lookup)
    with pytest.raises(hxjwt.ResolverError) as caught:
        hxjwt.Endpoint(bob, directory).validate(token)
    assert caught.value.kind == "ResolverFailed"
    assert "KeyError" in str(caught.value) and "db down" in str(caught.value)
    assert isinstance(caught.value.__cause__, KeyError)
    # The same when the directory is asked directly, and for create(to=name).
    with pytest.raises(hxjwt.ResolverError) as caught:
        directory.get("alice.service")
    assert isinstance(caught.value.__cause__, KeyError)
    with pytest.raises(hxjwt.ResolverError):
        hxjwt.Endpoint(bob, directory).create(b"x", to="alice.service")
    # A stale cause never leaks into a later, unrelated error.
    with pytest.raises(hxjwt.DecodeError) as other:
        hxjwt.Endpoint(bob, directory).validate("a.b.c")
    assert other.value.__cause__ is None


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (42, "returned int"),
        ([1, 2], "returned list"),
        (b"bytes", "returned bytes"),
        ({"kty": "OKP"}, "InvalidKey"),
        ("not json", "InvalidKey"),
        ("{}", "InvalidKey"),
    ],
)
def test_callable_that_returns_garbage(bob: hxjwt.Identity, token: str, answer: object, says: str) -> None:
    directory = hxjwt.Directory.from_callable(lambda name: answer)
    with pytest.raises(hxjwt.ResolverError, match=says):
        hxjwt.Endpoint(bob, directory).validate(token)


def test_callable_that_returns_another_name(bob: hxjwt.Identity, token: str) -> None:
    mallory = hxjwt.Identity.generate("mallory.service").machine_token
    directory = hxjwt.Directory.from_callable(lambda name: mallory)
    with pytest.raises(hxjwt.ResolverError, match="mallory"):
        hxjwt.Endpoint(bob, directory).validate(token)


def test_callable_that_returns_a_private_key(alice: hxjwt.Identity, bob: hxjwt.Identity, token: str) -> None:
    directory = hxjwt.Directory.from_callable(lambda name: alice.to_jwk())
    with pytest.raises(hxjwt.ResolverError) as caught:
        hxjwt.Endpoint(bob, directory).validate(token)
    assert alice.to_jwk()["d"] not in str(caught.value)


def test_callable_directory_has_no_memory_operations(alice: hxjwt.Identity) -> None:
    directory = hxjwt.Directory.from_callable(lambda name: None)
    with pytest.raises(TypeError, match="from_callable"):
        directory.add(alice.machine_token)
    with pytest.raises(TypeError):
        len(directory)
    with pytest.raises(TypeError):
        directory.tokens()
    with pytest.raises(TypeError):
        directory.to_jwks()
    with pytest.raises(TypeError, match="callable"):
        hxjwt.Directory.from_callable("not callable")  # type: ignore[arg-type]


def test_callable_is_called_from_validating_threads(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    """Validation runs without the GIL; the callable re-acquires it, from each thread."""
    seen: set[str] = set()
    lock = threading.Lock()

    def lookup(name: str) -> hxjwt.MachineToken | None:
        with lock:
            seen.add(threading.current_thread().name)
        return alice.machine_token if name == "alice.service" else None

    receiver = hxjwt.Endpoint(bob, hxjwt.Directory.from_callable(lookup))
    sender = hxjwt.Endpoint(alice)
    tokens = [sender.create(str(i), to=bob.machine_token) for i in range(40)]
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            for t in part:
                assert receiver.validate(t).issuer == "alice.service"
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(tokens[i::4],), name=f"v{i}") for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert seen == {"v0", "v1", "v2", "v3"}


def test_cycle_through_the_callable_is_collected(alice: hxjwt.Identity, bob: hxjwt.Identity) -> None:
    """endpoint -> directory -> callable -> endpoint: the garbage collector frees it."""
    import gc
    import weakref

    class Marker:
        pass

    def make() -> weakref.ref[Marker]:
        marker = Marker()
        holder: dict[str, object] = {"marker": marker}

        def lookup(name: str) -> hxjwt.MachineToken | None:
            assert holder["endpoint"] is not None
            return alice.machine_token

        endpoint = hxjwt.Endpoint(bob, hxjwt.Directory.from_callable(lookup))
        holder["endpoint"] = endpoint
        endpoint.validate(hxjwt.Endpoint(alice).create(b"x", to=bob.machine_token))
        return weakref.ref(marker)

    ref = make()
    gc.collect()
    assert ref() is None
