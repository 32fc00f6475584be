"""Two services exchange HX1 tokens: the README's Python example, run by `make test`.

alice.service sends an order to bob.service; bob validates it and replies. A tampered token
and an expired one are rejected with the PyJWT-style exceptions.
"""

from __future__ import annotations

import hxjwt


def main() -> None:
    # Each service has an identity (keep it secret) and publishes its machine token.
    alice = hxjwt.Identity.generate("alice.service")
    bob = hxjwt.Identity.generate("bob.service")
    directory = hxjwt.Directory([alice.machine_token, bob.machine_token])

    sender = hxjwt.Endpoint(alice, directory)
    receiver = hxjwt.Endpoint(bob, directory, leeway=5, max_lifetime=3600)

    # A dict payload travels as compact JSON, encrypted and signed for bob only.
    token = sender.create({"order": 42, "items": ["tea"]}, to="bob.service", ttl=60)
    message = receiver.validate(token)
    print(f"{message.audience} got {message.json()} from {message.issuer}")
    assert message.json() == {"order": 42, "items": ["tea"]}

    # The reply goes the other way; bytes payloads are carried as they are.
    reply = receiver.create(b"order 42 accepted", to="alice.service")
    assert sender.validate(reply).payload == b"order 42 accepted"

    # A tampered token is refused...
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    try:
        receiver.validate(tampered)
    except hxjwt.InvalidSignatureError as e:
        print(f"tampered token rejected: {type(e).__name__} ({e.kind}): {e}")
    else:
        raise SystemExit("a tampered token was accepted")

    # ...and so is an expired one (the clock is fixed here to show it without waiting).
    old = hxjwt.Endpoint(alice, directory, clock=1_700_000_000).create(b"late", to="bob.service")
    try:
        receiver.validate(old)
    except hxjwt.ExpiredSignatureError as e:
        print(f"expired token rejected: {type(e).__name__} ({e.kind}): {e}")
    else:
        raise SystemExit("an expired token was accepted")

    # Existing PyJWT-style handlers catch everything a token can be refused for.
    try:
        receiver.validate("not.a.token")
    except hxjwt.InvalidTokenError as e:
        print(f"garbage rejected: {type(e).__name__}")


if __name__ == "__main__":
    main()
