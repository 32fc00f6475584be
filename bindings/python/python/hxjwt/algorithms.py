"""PyJWT's algorithm classes (``jwt.algorithms``), signing and verifying with hxjwt's core.

``HMACAlgorithm``, ``RSAAlgorithm``, ``RSAPSSAlgorithm``, ``ECAlgorithm`` and ``OKPAlgorithm``
take PyJWT's arguments and return what PyJWT returns: ``prepare_key`` and ``from_jwk`` give
``cryptography`` key objects when ``cryptography`` is installed (``hxjwt.Key`` otherwise), and
``to_jwk`` reads either. Every signature is made and checked by the Rust core (the key handed
over as PEM or JWK), so the core's key checks apply: HMAC secrets shorter than the hash and RSA
keys under 2048 bits raise ``InvalidKeyError`` unless ``hxjwt.compat.install(pyjwt_defaults=True)``
asked for PyJWT's defaults (short secrets then work, and ``PyJWS`` warns as PyJWT does).

``NoneAlgorithm`` exists for code that registers or looks it up; it never signs (hxjwt makes no
unsecured tokens) and never verifies.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, ClassVar, NoReturn

from ._native import _hxjwt
from .exceptions import InvalidKeyError
from .utils import (
    base64url_decode,
    base64url_encode,
    force_bytes,
    from_base64url_uint,
    is_pem_format,
    is_ssh_key,
    to_base64url_uint,
)

try:
    from cryptography.hazmat.primitives import serialization as _ser
    from cryptography.hazmat.primitives.asymmetric import ec as _ec
    from cryptography.hazmat.primitives.asymmetric import ed448 as _ed448
    from cryptography.hazmat.primitives.asymmetric import ed25519 as _ed25519
    from cryptography.hazmat.primitives.asymmetric import rsa as _rsa

    has_crypto = True
except ModuleNotFoundError:  # pragma: no cover - cryptography is optional
    has_crypto = False

__all__ = [
    "Algorithm",
    "ECAlgorithm",
    "HMACAlgorithm",
    "NoneAlgorithm",
    "OKPAlgorithm",
    "RSAAlgorithm",
    "RSAPSSAlgorithm",
    "get_default_algorithms",
    "has_crypto",
    "requires_cryptography",
]

#: The algorithms PyJWT implements with ``cryptography`` (hxjwt implements them in its core).
requires_cryptography = {
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES256K",
    "ES384",
    "ES521",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
}

#: Type aliases PyJWT exports (any key object hxjwt accepts).
AllowedRSAKeys = Any
AllowedECKeys = Any
AllowedOKPKeys = Any
AllowedKeys = Any
AllowedPrivateKeys = Any
AllowedPublicKeys = Any

HashAlg = Callable[..., Any]


def _pyjwt_defaults() -> bool:
    from . import compat

    return compat.pyjwt_defaults_enabled()


def _jwk_obj(jwk: Any) -> dict[str, Any]:
    try:
        if isinstance(jwk, str):
            obj = json.loads(jwk)
        elif isinstance(jwk, dict):
            obj = jwk
        else:
            raise ValueError
    except ValueError:
        raise InvalidKeyError("Key is not valid JSON") from None
    if not isinstance(obj, dict):
        raise InvalidKeyError("Key is not valid JSON")
    return obj


def _hash_name(hash_alg: Any) -> str:
    """``"sha256"`` for ``hashlib.sha256`` or ``cryptography``'s ``hashes.SHA256``."""
    name = getattr(hash_alg, "name", None)
    if not isinstance(name, str):
        name = hash_alg().name
    return str(name).lower().replace("-", "")


def _is_core_key(key: Any) -> bool:
    return isinstance(key, (_hxjwt.Key, _hxjwt.PyJWK))


class Algorithm:
    """The interface of a signing algorithm (PyJWT's ``jwt.algorithms.Algorithm``)."""

    _crypto_key_types: ClassVar[tuple[type, ...] | None] = None
    hash_alg: Any = None

    def compute_hash_digest(self, bytestr: bytes) -> bytes:
        """The digest of ``bytestr`` with this algorithm's hash (``NotImplementedError`` if none)."""
        if self.hash_alg is None:
            raise NotImplementedError
        return hashlib.new(_hash_name(self.hash_alg), bytestr).digest()

    def check_crypto_key_type(self, key: Any) -> None:
        """``InvalidKeyError`` unless ``key`` is a ``cryptography`` key of this family."""
        if not has_crypto or self._crypto_key_types is None:
            raise ValueError(
                "This method requires the cryptography library, and should only be used by "
                "cryptography-based algorithms."
            )
        if not isinstance(key, self._crypto_key_types):
            valid = (cls.__name__ for cls in self._crypto_key_types)
            raise InvalidKeyError(
                f"Expected one of {valid}, got: {key.__class__.__name__}. Invalid Key type "
                f"for {self.__class__.__name__}"
            )

    def prepare_key(self, key: Any) -> Any:
        """Checks and converts ``key`` for ``sign`` and ``verify``."""
        raise NotImplementedError

    def sign(self, msg: bytes, key: Any) -> bytes:
        """The signature of ``msg``."""
        raise NotImplementedError

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        """Whether ``sig`` is a signature of ``msg`` by ``key``."""
        raise NotImplementedError

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        """``key_obj`` as a JWK (JSON text, or a dict with ``as_dict=True``)."""
        raise NotImplementedError

    @staticmethod
    def from_jwk(jwk: Any) -> Any:
        """A key from a JWK (JSON text or dict)."""
        raise NotImplementedError

    def check_key_length(self, key: Any) -> str | None:
        """PyJWT's warning text if ``key`` is shorter than recommended, else ``None``."""
        return None

    # The core's name of this algorithm for `key` (set by the subclasses).
    def _core_name(self, key: Any) -> str:
        raise NotImplementedError

    def _core_sign(self, msg: bytes, key: Any) -> bytes:
        return bytes(
            _hxjwt._jws_sign(
                self._core_name(key), _core_key(key), force_bytes(msg), allow_short=_pyjwt_defaults()
            )
        )

    def _core_verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return bool(
            _hxjwt._jws_verify(
                self._core_name(key),
                _core_key(key),
                force_bytes(msg),
                force_bytes(sig),
                allow_short=_pyjwt_defaults(),
            )
        )


def _core_key(key: Any) -> Any:
    """A key as the core's key loading takes it: bytes stay bytes; a ``PyJWK`` gives its key."""
    if isinstance(key, _hxjwt.PyJWK):
        return key.key
    if isinstance(key, str):
        return key.encode("utf-8")
    return key


class NoneAlgorithm(Algorithm):
    """``alg: none``: registered for lookups only. hxjwt never signs nor accepts it."""

    def prepare_key(self, key: str | None) -> None:
        if key == "":
            key = None
        if key is not None:
            raise InvalidKeyError('When alg = "none", key value must be None.')
        return key

    def sign(self, msg: bytes, key: None) -> bytes:
        from .exceptions import InvalidAlgorithmError

        raise InvalidAlgorithmError("hxjwt never makes nor accepts unsecured tokens (alg \"none\")")

    def verify(self, msg: bytes, key: None, sig: bytes) -> bool:
        return False

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> NoReturn:
        raise NotImplementedError()

    @staticmethod
    def from_jwk(jwk: Any) -> NoReturn:
        raise NotImplementedError()


class HMACAlgorithm(Algorithm):
    """HMAC with SHA-2 (HS256, HS384, HS512), computed by the core."""

    SHA256: ClassVar[HashAlg] = hashlib.sha256
    SHA384: ClassVar[HashAlg] = hashlib.sha384
    SHA512: ClassVar[HashAlg] = hashlib.sha512

    def __init__(self, hash_alg: HashAlg) -> None:
        self.hash_alg = hash_alg

    def _core_name(self, key: Any) -> str:
        return "HS" + _hash_name(self.hash_alg)[3:]

    def prepare_key(self, key: str | bytes) -> bytes:
        if _is_core_key(key):
            return key  # type: ignore[return-value]  # an hxjwt.Key (a PyJWK's .key)
        key_bytes = force_bytes(key)
        if is_pem_format(key_bytes) or is_ssh_key(key_bytes):
            raise InvalidKeyError(
                "The specified key is an asymmetric key or x509 certificate and"
                " should not be used as an HMAC secret."
            )
        return key_bytes

    @staticmethod
    def to_jwk(key_obj: str | bytes, as_dict: bool = False) -> Any:
        jwk = {"k": base64url_encode(force_bytes(key_obj)).decode(), "kty": "oct"}
        return jwk if as_dict else json.dumps(jwk)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> bytes:
        obj = _jwk_obj(jwk)
        if obj.get("kty") != "oct":
            raise InvalidKeyError("Not an HMAC key")
        try:
            return base64url_decode(obj["k"])
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidKeyError("Not an HMAC key") from e

    def check_key_length(self, key: bytes) -> str | None:
        digest = self.hash_alg().digest_size
        if isinstance(key, (bytes, bytearray)) and len(key) < digest:
            return (
                f"The HMAC key is {len(key)} bytes long, which is below the minimum "
                f"recommended length of {digest} bytes for {self.hash_alg().name.upper()}. "
                "See RFC 7518 Section 3.2."
            )
        return None

    def sign(self, msg: bytes, key: bytes) -> bytes:
        return self._core_sign(msg, key)

    def verify(self, msg: bytes, key: bytes, sig: bytes) -> bool:
        if isinstance(key, (bytes, str)) and not key:
            return False  # no secret verifies anything (the core refuses an empty one)
        return self._core_verify(msg, key, sig)


def _load_pem_or_ssh(key_bytes: bytes, ssh_prefix: tuple[bytes, ...]) -> Any:
    """A ``cryptography`` key from PEM (private, public, or a certificate's) or OpenSSH text."""
    if key_bytes.startswith(ssh_prefix):
        return _ser.load_ssh_public_key(key_bytes)
    try:
        return _ser.load_pem_private_key(key_bytes, password=None)
    except (ValueError, TypeError):
        pass
    try:
        return _ser.load_pem_public_key(key_bytes)
    except ValueError:
        pass
    from cryptography import x509

    return x509.load_pem_x509_certificate(key_bytes).public_key()


class RSAAlgorithm(Algorithm):
    """RSASSA-PKCS1-v1_5 with SHA-2 (RS256, RS384, RS512), computed by the core."""

    SHA256: ClassVar[HashAlg] = hashlib.sha256
    SHA384: ClassVar[HashAlg] = hashlib.sha384
    SHA512: ClassVar[HashAlg] = hashlib.sha512
    _MIN_KEY_SIZE: ClassVar[int] = 2048
    _prefix: ClassVar[str] = "RS"

    if has_crypto:
        _crypto_key_types = (_rsa.RSAPrivateKey, _rsa.RSAPublicKey)

    def __init__(self, hash_alg: HashAlg) -> None:
        self.hash_alg = hash_alg

    def _core_name(self, key: Any) -> str:
        return self._prefix + _hash_name(self.hash_alg)[3:]

    def check_key_length(self, key: Any) -> str | None:
        size = getattr(key, "key_size", None)
        if isinstance(size, int) and size < self._MIN_KEY_SIZE:
            return (
                f"The RSA key is {size} bits long, which is below the minimum recommended "
                f"size of {self._MIN_KEY_SIZE} bits. See NIST SP 800-131A."
            )
        return None

    def prepare_key(self, key: Any) -> Any:
        if _is_core_key(key):
            return key
        if self._crypto_key_types is not None and isinstance(key, self._crypto_key_types):
            return key
        if not isinstance(key, (bytes, str)):
            raise TypeError("Expecting a PEM-formatted key.")
        key_bytes = force_bytes(key)
        if not has_crypto:
            return _core_parse(key_bytes)
        try:
            loaded = _load_pem_or_ssh(key_bytes, (b"ssh-rsa",))
        except (ValueError, TypeError):
            raise InvalidKeyError("Could not parse the provided public key.") from None
        except Exception as e:  # UnsupportedAlgorithm
            raise InvalidKeyError("Could not parse the provided public key.") from e
        self.check_crypto_key_type(loaded)
        return loaded

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        if _is_core_key(key_obj):
            obj = _core_jwk(key_obj)
        elif hasattr(key_obj, "private_numbers"):
            n = key_obj.private_numbers()
            obj = {
                "kty": "RSA",
                "key_ops": ["sign"],
                "n": to_base64url_uint(n.public_numbers.n).decode(),
                "e": to_base64url_uint(n.public_numbers.e).decode(),
                "d": to_base64url_uint(n.d).decode(),
                "p": to_base64url_uint(n.p).decode(),
                "q": to_base64url_uint(n.q).decode(),
                "dp": to_base64url_uint(n.dmp1).decode(),
                "dq": to_base64url_uint(n.dmq1).decode(),
                "qi": to_base64url_uint(n.iqmp).decode(),
            }
        elif hasattr(key_obj, "verify") and hasattr(key_obj, "public_numbers"):
            n = key_obj.public_numbers()
            obj = {
                "kty": "RSA",
                "key_ops": ["verify"],
                "n": to_base64url_uint(n.n).decode(),
                "e": to_base64url_uint(n.e).decode(),
            }
        else:
            raise InvalidKeyError("Not a public or private key")
        return obj if as_dict else json.dumps(obj)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Any:
        obj = _jwk_obj(jwk)
        if obj.get("kty") != "RSA":
            raise InvalidKeyError("Not an RSA key")
        if not has_crypto:
            return _core_parse_jwk(obj)
        try:
            if "d" in obj and "e" in obj and "n" in obj:
                if "oth" in obj:
                    raise InvalidKeyError("Unsupported RSA private key: > 2 primes not supported")
                others = ["p", "q", "dp", "dq", "qi"]
                found = [p in obj for p in others]
                if any(found) and not all(found):
                    raise InvalidKeyError(
                        "RSA key must include all parameters if any are present besides d"
                    )
                public = _rsa.RSAPublicNumbers(
                    from_base64url_uint(obj["e"]), from_base64url_uint(obj["n"])
                )
                d = from_base64url_uint(obj["d"])
                if any(found):
                    p, q = from_base64url_uint(obj["p"]), from_base64url_uint(obj["q"])
                    dmp1 = from_base64url_uint(obj["dp"])
                    dmq1 = from_base64url_uint(obj["dq"])
                    iqmp = from_base64url_uint(obj["qi"])
                else:
                    p, q = _rsa.rsa_recover_prime_factors(public.n, d, public.e)
                    dmp1, dmq1 = _rsa.rsa_crt_dmp1(d, p), _rsa.rsa_crt_dmq1(d, q)
                    iqmp = _rsa.rsa_crt_iqmp(p, q)
                return _rsa.RSAPrivateNumbers(p, q, d, dmp1, dmq1, iqmp, public).private_key()
            if "n" in obj and "e" in obj:
                return _rsa.RSAPublicNumbers(
                    from_base64url_uint(obj["e"]), from_base64url_uint(obj["n"])
                ).public_key()
        except InvalidKeyError:
            raise
        except (ValueError, TypeError) as e:
            raise InvalidKeyError(f"Invalid RSA key: {e}") from e
        raise InvalidKeyError("Not a public or private key")

    def sign(self, msg: bytes, key: Any) -> bytes:
        return self._core_sign(msg, key)

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return self._core_verify(msg, key, sig)


class RSAPSSAlgorithm(RSAAlgorithm):
    """RSASSA-PSS with SHA-2 and MGF1, salt the hash's size (PS256, PS384, PS512)."""

    _prefix: ClassVar[str] = "PS"


_EC_CURVES: dict[str, tuple[str, int]] = {
    # cryptography's curve name: (JWK crv, coordinate bytes)
    "secp256r1": ("P-256", 32),
    "secp384r1": ("P-384", 48),
    "secp521r1": ("P-521", 66),
    "secp256k1": ("secp256k1", 32),
}
_EC_CRV: dict[str, str] = {crv: name for name, (crv, _) in _EC_CURVES.items()}


class ECAlgorithm(Algorithm):
    """ECDSA (ES256, ES384, ES512, and ES256K where the core has it), computed by the core."""

    SHA256: ClassVar[HashAlg] = hashlib.sha256
    SHA384: ClassVar[HashAlg] = hashlib.sha384
    SHA512: ClassVar[HashAlg] = hashlib.sha512

    if has_crypto:
        _crypto_key_types = (_ec.EllipticCurvePrivateKey, _ec.EllipticCurvePublicKey)

    def __init__(self, hash_alg: HashAlg, expected_curve: Any = None) -> None:
        self.hash_alg = hash_alg
        self.expected_curve = expected_curve

    def _core_name(self, key: Any) -> str:
        curve = getattr(getattr(key, "curve", None), "name", None)
        if curve == "secp256k1":
            return "ES256K"
        return {"sha256": "ES256", "sha384": "ES384", "sha512": "ES512"}.get(
            _hash_name(self.hash_alg), "ES256"
        )

    def _validate_curve(self, key: Any) -> None:
        if self.expected_curve is None:
            return
        if not isinstance(key.curve, self.expected_curve):
            raise InvalidKeyError(
                f"The key's curve '{key.curve.name}' does not match the expected curve "
                f"'{self.expected_curve.name}' for this algorithm"
            )

    def prepare_key(self, key: Any) -> Any:
        if _is_core_key(key):
            return key
        if self._crypto_key_types is not None and isinstance(key, self._crypto_key_types):
            self._validate_curve(key)
            return key
        if not isinstance(key, (bytes, str)):
            raise TypeError("Expecting a PEM-formatted key.")
        key_bytes = force_bytes(key)
        if not has_crypto:
            return _core_parse(key_bytes)
        try:
            loaded = _load_pem_or_ssh(key_bytes, (b"ecdsa-sha2-",))
        except Exception as e:
            raise InvalidKeyError("Could not parse the provided key.") from e
        self.check_crypto_key_type(loaded)
        self._validate_curve(loaded)
        return loaded

    def sign(self, msg: bytes, key: Any) -> bytes:
        return self._core_sign(msg, key)

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        if has_crypto and isinstance(key, _ec.EllipticCurvePrivateKey):
            key = key.public_key()
        try:
            return self._core_verify(msg, key, sig)
        except InvalidKeyError:
            if getattr(getattr(key, "curve", None), "name", None) in _EC_CURVES:
                return False
            raise

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        if _is_core_key(key_obj):
            core = _core_jwk(key_obj)
            return core if as_dict else json.dumps(core)
        if not has_crypto or not isinstance(
            key_obj, (_ec.EllipticCurvePrivateKey, _ec.EllipticCurvePublicKey)
        ):
            raise InvalidKeyError("Not a public or private key")
        private = isinstance(key_obj, _ec.EllipticCurvePrivateKey)
        ec_key: Any = key_obj
        numbers = (ec_key.public_key() if private else ec_key).public_numbers()
        curve = _EC_CURVES.get(key_obj.curve.name)
        if curve is None:
            raise InvalidKeyError(f"Invalid curve: {key_obj.curve}")
        bits = key_obj.curve.key_size
        obj: dict[str, Any] = {
            "kty": "EC",
            "crv": curve[0],
            "x": to_base64url_uint(numbers.x, bit_length=bits).decode(),
            "y": to_base64url_uint(numbers.y, bit_length=bits).decode(),
        }
        if private:
            obj["d"] = to_base64url_uint(
                ec_key.private_numbers().private_value, bit_length=bits
            ).decode()
        return obj if as_dict else json.dumps(obj)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Any:
        obj = _jwk_obj(jwk)
        if obj.get("kty") != "EC":
            raise InvalidKeyError("Not an Elliptic curve key")
        if "x" not in obj or "y" not in obj:
            raise InvalidKeyError("Not an Elliptic curve key")
        if not has_crypto:
            return _core_parse_jwk(obj)
        try:
            x = base64url_decode(obj["x"])
            y = base64url_decode(obj["y"])
        except (TypeError, ValueError) as e:
            raise InvalidKeyError("Invalid EC coordinates") from e
        crv = obj.get("crv")
        name = _EC_CRV.get(crv) if isinstance(crv, str) else None
        if name is None:
            raise InvalidKeyError(f"Invalid curve: {crv}")
        size = _EC_CURVES[name][1]
        if not len(x) == len(y) == size:
            raise InvalidKeyError(f"Coords should be {size} bytes for curve {crv}")
        curve_types: dict[str, Any] = {
            "secp256r1": _ec.SECP256R1,
            "secp384r1": _ec.SECP384R1,
            "secp521r1": _ec.SECP521R1,
            "secp256k1": _ec.SECP256K1,
        }
        curve_obj = curve_types[name]()
        try:
            public = _ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve_obj
            )
            if "d" not in obj:
                return public.public_key()
            d = base64url_decode(obj["d"])
            if len(d) != len(x):
                raise InvalidKeyError(f"D should be {len(x)} bytes for curve {crv}")
            return _ec.EllipticCurvePrivateNumbers(int.from_bytes(d, "big"), public).private_key()
        except InvalidKeyError:
            raise
        except (ValueError, TypeError) as e:
            raise InvalidKeyError(f"Invalid EC key: {e}") from e


class OKPAlgorithm(Algorithm):
    """EdDSA (Ed25519; Ed448 where the core has it), computed by the core."""

    if has_crypto:
        _crypto_key_types = (
            _ed25519.Ed25519PrivateKey,
            _ed25519.Ed25519PublicKey,
            _ed448.Ed448PrivateKey,
            _ed448.Ed448PublicKey,
        )

    def __init__(self, **kwargs: Any) -> None:
        pass

    def _core_name(self, key: Any) -> str:
        return "EdDSA"

    def prepare_key(self, key: Any) -> Any:
        if _is_core_key(key):
            return key
        if not isinstance(key, (str, bytes)):
            self.check_crypto_key_type(key)
            return key
        key_bytes = force_bytes(key)
        key_str = key_bytes.decode("utf-8", "replace")
        if not has_crypto:
            return _core_parse(key_bytes)
        loaded: Any
        try:
            if "-----BEGIN PUBLIC" in key_str:
                loaded = _ser.load_pem_public_key(key_bytes)
            elif "-----BEGIN PRIVATE" in key_str:
                loaded = _ser.load_pem_private_key(key_bytes, password=None)
            elif key_str[0:4] == "ssh-":
                loaded = _ser.load_ssh_public_key(key_bytes)
            else:
                raise InvalidKeyError("Not a public or private key")
        except InvalidKeyError:
            raise
        except Exception as e:
            raise InvalidKeyError("Could not parse the provided key.") from e
        self.check_crypto_key_type(loaded)
        return loaded

    def sign(self, msg: str | bytes, key: Any) -> bytes:
        return self._core_sign(force_bytes(msg), key)

    def verify(self, msg: str | bytes, key: Any, sig: str | bytes) -> bool:
        if has_crypto and isinstance(key, (_ed25519.Ed25519PrivateKey, _ed448.Ed448PrivateKey)):
            key = key.public_key()
        return self._core_verify(force_bytes(msg), key, force_bytes(sig))

    @staticmethod
    def to_jwk(key: Any, as_dict: bool = False) -> Any:
        if _is_core_key(key):
            obj = _core_jwk(key)
            return obj if as_dict else json.dumps(obj)
        if not has_crypto:
            raise InvalidKeyError("Not a public or private key")
        raw = _ser.Encoding.Raw
        if isinstance(key, (_ed25519.Ed25519PublicKey, _ed448.Ed448PublicKey)):
            x = key.public_bytes(encoding=raw, format=_ser.PublicFormat.Raw)
            crv = "Ed25519" if isinstance(key, _ed25519.Ed25519PublicKey) else "Ed448"
            obj = {"x": base64url_encode(x).decode(), "kty": "OKP", "crv": crv}
        elif isinstance(key, (_ed25519.Ed25519PrivateKey, _ed448.Ed448PrivateKey)):
            d = key.private_bytes(
                encoding=raw,
                format=_ser.PrivateFormat.Raw,
                encryption_algorithm=_ser.NoEncryption(),
            )
            x = key.public_key().public_bytes(encoding=raw, format=_ser.PublicFormat.Raw)
            crv = "Ed25519" if isinstance(key, _ed25519.Ed25519PrivateKey) else "Ed448"
            obj = {
                "x": base64url_encode(x).decode(),
                "d": base64url_encode(d).decode(),
                "kty": "OKP",
                "crv": crv,
            }
        else:
            raise InvalidKeyError("Not a public or private key")
        return obj if as_dict else json.dumps(obj)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Any:
        obj = _jwk_obj(jwk)
        if obj.get("kty") != "OKP":
            raise InvalidKeyError("Not an Octet Key Pair")
        curve = obj.get("crv")
        if curve not in ("Ed25519", "Ed448"):
            raise InvalidKeyError(f"Invalid curve: {curve}")
        if "x" not in obj:
            raise InvalidKeyError('OKP should have "x" parameter')
        if not has_crypto:
            return _core_parse_jwk(obj)
        try:
            x = base64url_decode(obj["x"])
            if "d" not in obj:
                if curve == "Ed25519":
                    return _ed25519.Ed25519PublicKey.from_public_bytes(x)
                return _ed448.Ed448PublicKey.from_public_bytes(x)
            d = base64url_decode(obj["d"])
            if curve == "Ed25519":
                return _ed25519.Ed25519PrivateKey.from_private_bytes(d)
            return _ed448.Ed448PrivateKey.from_private_bytes(d)
        except (ValueError, TypeError) as err:
            raise InvalidKeyError("Invalid key parameter") from err


def _core_parse(key_bytes: bytes) -> Any:
    """Without ``cryptography``: the core parses PEM text into an ``hxjwt.Key``."""
    return _hxjwt.Key.from_pem(key_bytes)


def _core_parse_jwk(obj: dict[str, Any]) -> Any:
    return _hxjwt.Key.from_jwk(obj)


def _core_jwk(key: Any) -> dict[str, Any]:
    if isinstance(key, _hxjwt.PyJWK):
        key = key.key
    jwk = key.to_private_jwk() if key.is_private else key.to_public_jwk()
    return dict(jwk)


def get_default_algorithms() -> dict[str, Algorithm]:
    """The algorithms by name, as PyJWT's (every one is implemented by hxjwt's core, except
    ``none``, which is listed and never signs nor verifies)."""
    algs: dict[str, Algorithm] = {
        "none": NoneAlgorithm(),
        "HS256": HMACAlgorithm(HMACAlgorithm.SHA256),
        "HS384": HMACAlgorithm(HMACAlgorithm.SHA384),
        "HS512": HMACAlgorithm(HMACAlgorithm.SHA512),
        "RS256": RSAAlgorithm(RSAAlgorithm.SHA256),
        "RS384": RSAAlgorithm(RSAAlgorithm.SHA384),
        "RS512": RSAAlgorithm(RSAAlgorithm.SHA512),
        "ES256": ECAlgorithm(ECAlgorithm.SHA256, _ec.SECP256R1 if has_crypto else None),
        "ES256K": ECAlgorithm(ECAlgorithm.SHA256, _ec.SECP256K1 if has_crypto else None),
        "ES384": ECAlgorithm(ECAlgorithm.SHA384, _ec.SECP384R1 if has_crypto else None),
        "ES521": ECAlgorithm(ECAlgorithm.SHA512, _ec.SECP521R1 if has_crypto else None),
        "ES512": ECAlgorithm(ECAlgorithm.SHA512, _ec.SECP521R1 if has_crypto else None),
        "PS256": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA256),
        "PS384": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA384),
        "PS512": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA512),
        "EdDSA": OKPAlgorithm(),
    }
    return algs
