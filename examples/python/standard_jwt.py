"""Standard JWTs, as PyJWT code writes them (`import hxjwt as jwt`): an issuer signs access
tokens with an ES256 key and publishes its JWK Set; a service verifies them. Typed: `make
py-test` runs it and checks it with mypy --strict."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import hxjwt as jwt


def main() -> None:
    # The issuer: one signing key, its public half published as a JWK Set.
    signing_key = jwt.Key.generate("ES256")
    jwks_json = json.dumps({"keys": [signing_key.to_public_jwk()]})

    now = datetime.now(tz=timezone.utc)
    token = jwt.encode(
        {"sub": "user-7", "iss": "https://login.example.com", "aud": "api",
         "iat": now, "exp": now + timedelta(minutes=15)},
        signing_key,
        algorithm="ES256",
    )  # fmt: skip

    # A service: picks the key by kid from the published set, then verifies.
    jwks = jwt.PyJWKSet.from_json(jwks_json)
    public = jwks[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token,
        public.key,
        algorithms=["ES256"],
        audience="api",
        issuer="https://login.example.com",
        options={"require": ["exp", "iat", "sub"]},
    )
    print("verified:", claims["sub"], "until", claims["exp"])

    for label, bad in [
        ("expired", jwt.encode({"sub": "x", "aud": "api", "exp": now - timedelta(minutes=1)},
                               signing_key, algorithm="ES256")),
        ("wrong audience", jwt.encode({"sub": "x", "aud": "admin"}, signing_key, algorithm="ES256")),
        ("tampered", token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")),
    ]:  # fmt: skip
        try:
            jwt.decode(bad, public.key, algorithms=["ES256"], audience="api")
            raise SystemExit(f"{label}: accepted")
        except jwt.InvalidTokenError as e:
            print(f"{label}: refused, {type(e).__name__} ({e.kind}): {e}")


if __name__ == "__main__":
    main()
