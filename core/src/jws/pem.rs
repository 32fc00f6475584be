//! Key formats: PEM and DER (PKCS#8, SPKI, PKCS#1 for RSA, SEC1 for EC) through the `RustCrypto`
//! format crates, and OpenSSH public key lines through a small bounded reader of their RFC 4253
//! wire format (the `ssh-key` crate would make the `RustCrypto` RSA and NIST-curve crates, and
//! their versions, a dependency of the default aws-lc build only to read three fields).

use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode as _, Encode as _};
use zeroize::Zeroizing;

use super::parts::{Curve, EcCurve, EcParts, EdParts, RsaParts, RsaPrivateParts, fixed};
use crate::error::{Error, Result};

const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Key material read from PEM or DER.
pub(crate) enum Parsed {
    Rsa(RsaParts),
    Ec(EcParts),
    Ed(EdParts),
}

fn bad(what: &str) -> Error {
    Error::invalid_key(format!("the PEM key is not valid {what}"))
}

/// Reads a PEM key: `PRIVATE KEY` (PKCS#8), `PUBLIC KEY` (SPKI), `RSA PRIVATE KEY`,
/// `RSA PUBLIC KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1).
pub(crate) fn parse_pem(text: &str) -> Result<Parsed> {
    let (label, der) = pem_rfc7468::decode_vec(text.trim().as_bytes())
        .map_err(|e| Error::invalid_key(format!("not a PEM key: {e}")))?;
    let der = Zeroizing::new(der);
    match label {
        "PRIVATE KEY" => parse_pkcs8(&der),
        "PUBLIC KEY" => parse_spki(&der),
        "RSA PRIVATE KEY" => rsa_private_pkcs1(&der).map(Parsed::Rsa),
        "RSA PUBLIC KEY" => rsa_public_pkcs1(&der).map(Parsed::Rsa),
        "EC PRIVATE KEY" => ec_private_sec1(&der, None).map(Parsed::Ec),
        "ENCRYPTED PRIVATE KEY" => Err(Error::invalid_key(
            "encrypted PEM keys are not supported: decrypt it first (openssl pkcs8 -nocrypt)",
        )),
        "OPENSSH PRIVATE KEY" => Err(Error::invalid_key(
            "OpenSSH private keys are not supported: verify with the public key line (the .pub \
             file), or convert the private key to PKCS#8 (ssh-keygen -p -m PKCS8 -f FILE)",
        )),
        "CERTIFICATE" => Err(Error::invalid_key(
            "X.509 certificates are not keys: extract the public key (openssl x509 -pubkey -noout)",
        )),
        other => Err(Error::invalid_key(format!(
            "PEM label {} is not a supported key type",
            crate::error::quote(other)
        ))),
    }
}

fn curve_of(oid: ObjectIdentifier) -> Result<EcCurve> {
    match oid {
        P256 => Ok(EcCurve::Nist(Curve::P256)),
        P384 => Ok(EcCurve::Nist(Curve::P384)),
        P521 => Ok(EcCurve::Nist(Curve::P521)),
        SECP256K1 => Ok(EcCurve::Secp256k1),
        _ => Err(Error::invalid_key(
            "the EC key is on a curve hxjwt does not support (P-256, P-384, P-521, secp256k1)",
        )),
    }
}

pub(crate) fn parse_pkcs8(der: &[u8]) -> Result<Parsed> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| bad("PKCS#8"))?;
    let key = info.private_key.as_bytes();
    match info.algorithm.oid {
        RSA => rsa_private_pkcs1(key).map(Parsed::Rsa),
        EC => {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| bad("PKCS#8 EC key (no named curve)"))
                .and_then(curve_of)?;
            ec_private_sec1(key, Some(curve)).map(Parsed::Ec)
        }
        ED25519 => {
            let seed = <&OctetStringRef>::from_der(key).map_err(|_| bad("PKCS#8 Ed25519 key"))?;
            let d: [u8; 32] = seed
                .as_bytes()
                .try_into()
                .map_err(|_| bad("Ed25519 seed (not 32 bytes)"))?;
            let d = Zeroizing::new(d);
            let x = super::backend::ed_public(&d)?;
            Ok(Parsed::Ed(EdParts { x, d: Some(d) }))
        }
        _ => Err(Error::invalid_key(
            "the PKCS#8 key is of a type hxjwt does not support (RSA, EC, Ed25519)",
        )),
    }
}

#[cfg_attr(
    feature = "pure-rust",
    expect(
        dead_code,
        reason = "only the aws-lc backend exports generated keys as PKCS#8"
    )
)]
pub(crate) fn rsa_parts_from_pkcs8(der: &[u8]) -> Result<RsaParts> {
    match parse_pkcs8(der)? {
        Parsed::Rsa(parts) => Ok(parts),
        _ => Err(bad("RSA PKCS#8 key")),
    }
}

fn parse_spki(der: &[u8]) -> Result<Parsed> {
    let info = spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|_| bad("SPKI"))?;
    let key = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| bad("SPKI (bit string)"))?;
    match info.algorithm.oid {
        RSA => rsa_public_pkcs1(key).map(Parsed::Rsa),
        EC => {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| bad("SPKI EC key (no named curve)"))
                .and_then(curve_of)?;
            let (x, y) = split_point(curve, key)?;
            Ok(Parsed::Ec(EcParts {
                curve,
                x,
                y,
                d: None,
            }))
        }
        ED25519 => {
            let x: [u8; 32] = key
                .try_into()
                .map_err(|_| bad("Ed25519 public key (not 32 bytes)"))?;
            Ok(Parsed::Ed(EdParts { x, d: None }))
        }
        _ => Err(Error::invalid_key(
            "the public key is of a type hxjwt does not support (RSA, EC, Ed25519)",
        )),
    }
}

fn rsa_private_pkcs1(der: &[u8]) -> Result<RsaParts> {
    let k = pkcs1::RsaPrivateKeyRef::try_from(der).map_err(|_| bad("PKCS#1 RSA private key"))?;
    if k.other_prime_infos.is_some() {
        return Err(Error::invalid_key("multi-prime RSA keys are not supported"));
    }
    let z = |u: der::asn1::UintRef<'_>| Zeroizing::new(u.as_bytes().to_vec());
    RsaParts {
        n: k.modulus.as_bytes().to_vec(),
        e: k.public_exponent.as_bytes().to_vec(),
        private: Some(RsaPrivateParts {
            d: z(k.private_exponent),
            p: z(k.prime1),
            q: z(k.prime2),
            dp: z(k.exponent1),
            dq: z(k.exponent2),
            qi: z(k.coefficient),
        }),
    }
    .normalized()
}

fn rsa_public_pkcs1(der: &[u8]) -> Result<RsaParts> {
    let k = pkcs1::RsaPublicKeyRef::try_from(der).map_err(|_| bad("PKCS#1 RSA public key"))?;
    RsaParts {
        n: k.modulus.as_bytes().to_vec(),
        e: k.public_exponent.as_bytes().to_vec(),
        private: None,
    }
    .normalized()
}

pub(crate) fn split_point(curve: EcCurve, point: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let n = curve.coordinate_len();
    match point.split_first() {
        Some((0x04, xy)) if xy.len() == 2 * n => {
            let (x, y) = xy.split_at(n);
            Ok((x.to_vec(), y.to_vec()))
        }
        _ => Err(Error::invalid_key(
            "the EC public key must be an uncompressed point",
        )),
    }
}

fn ec_private_sec1(der: &[u8], curve: Option<EcCurve>) -> Result<EcParts> {
    let k = sec1::EcPrivateKey::try_from(der).map_err(|_| bad("SEC1 EC private key"))?;
    let named = k
        .parameters
        .and_then(sec1::EcParameters::named_curve)
        .map(curve_of)
        .transpose()?;
    let curve = match (curve, named) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid_key("the EC key names two different curves"));
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return Err(bad("SEC1 EC key (no named curve)")),
    };
    let d = Zeroizing::new(fixed(
        k.private_key,
        curve.coordinate_len(),
        "EC private key",
    )?);
    let point = k.public_key.ok_or_else(|| {
        Error::invalid_key(
            "the EC private key carries no public key; export it with the public key",
        )
    })?;
    let (x, y) = split_point(curve, point)?;
    Ok(EcParts {
        curve,
        x,
        y,
        d: Some(d),
    })
}

/// `RSAPublicKey` DER (PKCS#1) of `n`, `e`, for tests and exports.
#[allow(dead_code, reason = "used by the pure-Rust backend and tests")]
pub(crate) fn rsa_public_der(n: &[u8], e: &[u8]) -> Result<Vec<u8>> {
    let key = pkcs1::RsaPublicKeyRef {
        modulus: der::asn1::UintRef::new(n).map_err(|_| bad("RSA modulus"))?,
        public_exponent: der::asn1::UintRef::new(e).map_err(|_| bad("RSA exponent"))?,
    };
    key.to_der().map_err(|_| bad("RSA public key"))
}

// ---------------------------------------------------------------------------------------------
// OpenSSH public keys (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4)
// ---------------------------------------------------------------------------------------------

/// The longest OpenSSH line read: an 8192-bit `ssh-rsa` key is about 1.4 KiB of base64.
const OPENSSH_MAX_LEN: usize = 16 * 1024;

/// The key types read, each with the curve name of its blob (ECDSA only).
const OPENSSH_TYPES: [&str; 5] = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
];

/// Whether `text` starts like an OpenSSH public key line (of any type, so that the types hxjwt
/// does not read get a precise refusal from [`parse_openssh`]).
pub(crate) fn is_openssh(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("ssh-")
        || t.starts_with("ecdsa-sha2-")
        || t.starts_with("sk-")
        || t.starts_with("rsa-sha2-")
}

fn bad_ssh(what: &str) -> Error {
    Error::invalid_key(format!("the OpenSSH public key is not valid: {what}"))
}

/// A bounded reader of the SSH wire format: `uint32` lengths, then that many bytes.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self, what: &str) -> Result<&'a [u8]> {
        let (len, rest) = self
            .0
            .split_first_chunk::<4>()
            .ok_or_else(|| bad_ssh(&format!("{what} is truncated")))?;
        let len = usize::try_from(u32::from_be_bytes(*len))
            .map_err(|_| bad_ssh(&format!("{what} is too long")))?;
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or_else(|| bad_ssh(&format!("{what} is truncated")))?;
        self.0 = rest;
        Ok(value)
    }

    /// An `mpint` that must be positive (RFC 4251 §5), without its sign byte.
    fn positive_mpint(&mut self, what: &str) -> Result<&'a [u8]> {
        let v = self.string(what)?;
        match v.first() {
            None => Err(bad_ssh(&format!("{what} is zero"))),
            Some(b) if b & 0x80 != 0 => Err(bad_ssh(&format!("{what} is negative"))),
            Some(0) if v.get(1).is_none_or(|b| b & 0x80 == 0) => {
                Err(bad_ssh(&format!("{what} is not minimally encoded")))
            }
            Some(_) => Ok(v),
        }
    }
}

/// Reads an OpenSSH public key line: `TYPE BASE64 [COMMENT]`, one line. The type named in the
/// text must be the one inside the blob, and the blob must hold exactly the key's fields.
pub(crate) fn parse_openssh(text: &str) -> Result<Parsed> {
    if text.len() > OPENSSH_MAX_LEN {
        return Err(bad_ssh(&format!("longer than {OPENSSH_MAX_LEN} bytes")));
    }
    let line = text.trim();
    if line.contains(['\n', '\r']) {
        return Err(bad_ssh("give one key line, not several"));
    }
    let mut fields = line.split_ascii_whitespace();
    let kind = fields.next().unwrap_or_default();
    if !OPENSSH_TYPES.contains(&kind) {
        let why = if kind.contains("-cert-") {
            "OpenSSH certificates are not supported: give the key line itself".to_owned()
        } else if kind.starts_with("sk-") {
            "FIDO security-key (sk-) SSH keys cannot verify JWS signatures".to_owned()
        } else if kind == "ssh-dss" {
            "DSA keys are not supported".to_owned()
        } else if kind.contains('=') || kind.contains(',') || kind.contains('"') {
            "authorized_keys options are not supported: give the key line alone".to_owned()
        } else {
            // The type is not echoed: it is input, and may be key material (a fuzzer found a
            // private key's base64 passed off as the type).
            "this OpenSSH key type is not supported (ssh-ed25519, ecdsa-sha2-nistp256/384/521, \
             ssh-rsa)"
                .to_owned()
        };
        return Err(Error::invalid_key(why));
    }
    let encoded = fields
        .next()
        .ok_or_else(|| bad_ssh("no base64 key after the type"))?;
    let blob = Zeroizing::new(
        base64_simd::STANDARD
            .decode_to_vec(encoded)
            .map_err(|_| bad_ssh("the key is not base64"))?,
    );
    let mut r = SshReader(&blob);
    if r.string("the key type")? != kind.as_bytes() {
        return Err(bad_ssh(
            "the type inside the key is not the one named before it",
        ));
    }
    let parsed = match kind {
        "ssh-ed25519" => {
            let x: [u8; 32] = r
                .string("the Ed25519 key")?
                .try_into()
                .map_err(|_| bad_ssh("the Ed25519 key is not 32 bytes"))?;
            Parsed::Ed(EdParts { x, d: None })
        }
        "ssh-rsa" => {
            let e = r.positive_mpint("the RSA exponent")?.to_vec();
            let n = r.positive_mpint("the RSA modulus")?.to_vec();
            Parsed::Rsa(
                RsaParts {
                    n,
                    e,
                    private: None,
                }
                .normalized()?,
            )
        }
        _ => {
            let (name, curve) = match kind {
                "ecdsa-sha2-nistp256" => (&b"nistp256"[..], Curve::P256),
                "ecdsa-sha2-nistp384" => (&b"nistp384"[..], Curve::P384),
                _ => (&b"nistp521"[..], Curve::P521),
            };
            if r.string("the curve name")? != name {
                return Err(bad_ssh(
                    "the curve inside the key is not the one of its type",
                ));
            }
            let curve = EcCurve::Nist(curve);
            let (x, y) = split_point(curve, r.string("the EC point")?)?;
            Parsed::Ec(EcParts {
                curve,
                x,
                y,
                d: None,
            })
        }
    };
    if !r.0.is_empty() {
        return Err(bad_ssh("bytes follow the key's fields"));
    }
    Ok(parsed)
}
