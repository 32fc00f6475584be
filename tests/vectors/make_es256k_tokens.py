"""ES256K (RFC 8812) tokens made by an implementation independent of hxjwt, for jws.json.

jwcrypto (over pyca/cryptography, i.e. OpenSSL) signs the vectors' base claims with the
secp256k1 test key (keys/ec-secp256k1.pkcs8.pem, made by OpenSSL) until it has produced one
signature with a low s (s <= n/2) and one with a high s (OpenSSL does not normalize s, and RFC
8812 does not require it to). The two tokens are printed; core/tests/jws_vectors.rs holds them
verbatim (ES256K_JWCRYPTO_LOW_S / _HIGH_S) and puts them in jws.json, where every face checks
them. Run: .venv/bin/python tests/vectors/make_es256k_tokens.py
"""

import base64
import json
import pathlib

from jwcrypto import jwk, jws

KEYS = pathlib.Path(__file__).parent / "keys"
# secp256k1's group order (SEC 2 §2.4.1).
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
T0 = 1_767_225_600


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main() -> None:
    key = jwk.JWK.from_pem((KEYS / "ec-secp256k1.pkcs8.pem").read_bytes())
    assert key["crv"] == "secp256k1"
    found: dict[str, str] = {}
    attempt = 0
    while len(found) < 2:
        attempt += 1
        which = "low" if "low" not in found else "high"
        claims = {
            "sub": "user-7",
            "name": "Ada Lovelace",
            "admin": False,
            "iat": T0 - 60,
            "exp": T0 + 3600,
            "aud": "api.example.com",
            "iss": "https://login.example.com",
            "jti": f"jwcrypto-{which}-s",
        }
        payload = json.dumps(claims, separators=(",", ":")).encode()
        header = {"alg": "ES256K", "kid": "ec-secp256k1"}
        token = jws.JWS(payload)
        token.add_signature(key, None, json.dumps(header, separators=(",", ":")))
        compact = token.serialize(compact=True)
        sig = b64d(compact.rsplit(".", 1)[1])
        assert len(sig) == 64
        s = int.from_bytes(sig[32:], "big")
        kind = "low" if s <= N // 2 else "high"
        if kind == which:
            found[kind] = compact
        # Check the token verifies with the public key alone, as a verifier would.
        check = jws.JWS()
        check.deserialize(compact)
        check.verify(jwk.JWK.from_json(key.export_public()), alg="ES256K")
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
