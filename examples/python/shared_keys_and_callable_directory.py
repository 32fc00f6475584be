"""Without a shared directory: pass machine tokens directly, or resolve names with a function.

Shows the "shared key" mode (each side holds the other's public JWK, e.g. from its config)
and a directory backed by a Python callable (a database, a service registry...).
"""

from __future__ import annotations

import json

import hxjwt


def main() -> None:
    alice = hxjwt.Identity.generate("alice.service")
    bob = hxjwt.Identity.generate("bob.service")

    # The private JWK is what alice stores (like a password); the public one what she shares.
    saved = json.dumps(alice.to_jwk())
    alice = hxjwt.Identity.from_jwk(saved)
    alice_public = hxjwt.MachineToken.from_jwk(json.dumps(alice.machine_token.to_jwk()))

    # Shared-key mode: no directory, the peers' machine tokens are passed explicitly.
    token = hxjwt.Endpoint(alice).create("hello bob", to=bob.machine_token, jti="msg-1")
    message = hxjwt.Endpoint(bob).validate(token, sender=alice_public)
    print(f"shared-key mode: {message.payload.decode()!r} (jti {message.jti})")

    # A directory from a callable: called (with the GIL) only when a name must be resolved.
    registry: dict[str, dict[str, str]] = {"alice.service": alice.machine_token.to_jwk()}

    def lookup(name: str) -> dict[str, str] | None:
        return registry.get(name)

    receiver = hxjwt.Endpoint(bob, hxjwt.Directory.from_callable(lookup))
    print(f"callable directory: {receiver.validate(token).issuer} resolved")

    # If the registry fails, validation fails closed with ResolverError, the cause attached.
    def broken(name: str) -> dict[str, str] | None:
        raise ConnectionError("registry unreachable")

    try:
        hxjwt.Endpoint(bob, hxjwt.Directory.from_callable(broken)).validate(token)
    except hxjwt.ResolverError as e:
        print(f"resolver failure: {e} (cause: {e.__cause__!r})")


if __name__ == "__main__":
    main()
