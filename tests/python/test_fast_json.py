"""encode/decode turn claims into JSON and back in Rust for the common shapes, and fall back to
the json module for the rest: either way the bytes are PyJWT's, and the dicts are json.loads'."""

from __future__ import annotations

import enum
import json
from typing import Any

import jwt
import pytest

import hxjwt

SECRET = b"0123456789abcdef0123456789abcdef"


class MyStr(str):
    pass


class MyInt(int):
    pass


class Color(enum.IntEnum):
    RED = 1


PAYLOADS: list[dict[str, Any]] = [
    {},
    {"sub": "ada", "exp": 4102444800},
    {"s": 'quote " backslash \\ slash / newline \n tab \t cr \r bs \b ff \f'},
    {"ctl": "".join(chr(c) for c in range(0x20)) + "\x7f"},
    {"uni": "é ü ß 中文 😀 \u2028 \u2029 \ufeff"},
    {"nested": {"a": [1, 2, {"b": None, "c": True, "d": False}], "e": []}, "f": {}},
    {"tuple": (1, "two", (3,))},
    {"ints": [0, -1, 2**31, -(2**31), 2**63 - 1, -(2**63)]},
    {"big": 2**64, "bigger": -(2**80)},  # beyond 64 bits: json.dumps writes them
    {"float": 1.5, "exp": 1.0, "tiny": 1e-300, "neg": -0.0},  # floats: json.dumps writes them
    {"sub": MyStr("subclass"), "n": MyInt(7), "color": Color.RED},
    {"order": 1, "is": 2, "kept": 3, "as": 4, "inserted": 5},
    {"deep": [[[[[[[[[[[["x"]]]]]]]]]]]]},
    {"\u00e9": "non-ASCII key", "k\"ey": "quoted key"},
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_encode_is_byte_identical_to_pyjwt(payload: dict[str, Any]) -> None:
    ours = hxjwt.encode(payload, SECRET, algorithm="HS256")
    theirs = jwt.encode(payload, SECRET, algorithm="HS256")
    assert ours == theirs


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_decode_gives_what_json_loads_gives(payload: dict[str, Any]) -> None:
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    options: Any = {"verify_exp": False, "require": []}
    ours = hxjwt.decode(token, SECRET, algorithms=["HS256"], options=options)
    theirs = jwt.decode(token, SECRET, algorithms=["HS256"], options=options)
    expected = json.loads(json.dumps(payload))
    assert ours == theirs == expected
    assert list(ours) == list(expected)  # member order
    # Same types, not just equal values (1.0 == 1, True == 1).
    assert json.dumps(ours) == json.dumps(expected)
    complete = hxjwt.decode_complete(token, SECRET, algorithms=["HS256"], options=options)
    assert complete["payload"] == expected


def test_keys_that_are_not_str_are_written_as_json_dumps_writes_them() -> None:
    payload: dict[Any, Any] = {1: "int key", True: "bool key", None: "none key", 2.5: "float"}
    assert hxjwt.encode(payload, SECRET) == jwt.encode(payload, SECRET)


def test_what_json_cannot_hold_raises_as_in_pyjwt() -> None:
    for bad in ({"x": object()}, {"x": {1, 2}}, {"x": b"bytes"}):
        with pytest.raises(TypeError):
            jwt.encode(bad, SECRET)
        with pytest.raises(TypeError):
            hxjwt.encode(bad, SECRET)
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError):
        hxjwt.encode(cyclic, SECRET)


def test_a_custom_encoder_is_always_used() -> None:
    class Point:
        def __init__(self, x: int, y: int) -> None:
            self.x, self.y = x, y

    class PointEncoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, Point):
                return [o.x, o.y]
            return super().default(o)

    payload = {"sub": "ada", "at": Point(3, 4)}
    ours = hxjwt.encode(payload, SECRET, json_encoder=PointEncoder)
    assert ours == jwt.encode(payload, SECRET, json_encoder=PointEncoder)
    claims = hxjwt.decode(ours, SECRET, algorithms=["HS256"], options={"require": []})
    assert claims == {"sub": "ada", "at": [3, 4]}


def test_numbers_json_loads_would_read_differently_are_left_to_it() -> None:
    # Integers past 64 bits, exponents, fractions: exactly json.loads' values.
    text = '{"a":123456789012345678901234567890,"b":1e2,"c":0.1,"d":-0,"e":1E-7}'
    token = jwt.api_jws.encode(text.encode(), SECRET, algorithm="HS256")
    claims = hxjwt.decode(token, SECRET, algorithms=["HS256"], options={"require": []})
    assert claims == json.loads(text)
    assert [type(v) for v in claims.values()] == [type(v) for v in json.loads(text).values()]
