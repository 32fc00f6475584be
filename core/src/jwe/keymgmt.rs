//! Key management (RFC 7518 §4, draft-madden-jose-ecdh-1pu-04): how the content encryption key
//! (CEK) reaches each recipient.
//!
//! On decryption, a failure of the cryptography itself (a key that does not unwrap, an OAEP
//! padding error, a `*GCMKW` tag mismatch, an unwrapped key of the wrong length) does not
//! return early: a random CEK takes the place of the real one (RFC 7516 §11.5), and content
//! decryption then fails with the one [`decryption_failed`](super::decryption_failed) error, so
//! that none of these is told apart from a wrong tag by its answer or by its timing.

use crate::x25519::Secret as XSecret;
use aes_gcm::aead::KeyInit as _;
use aes_kw::{KwAes128, KwAes192, KwAes256};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::alg::{ContentAlgorithm, Family, KeyAlgorithm};
use super::backend::EcPrivate;
use super::content;
use super::key::{Key, Material};
use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::jws::Curve;

/// The longest `apu` / `apv` accepted, decoded (bytes).
pub(crate) const MAX_PARTY_INFO_LEN: usize = 512;
/// The shortest PBES2 salt input (`p2s`) accepted, decoded (RFC 7518 §4.8.1.1: at least 8).
pub const MIN_P2S_LEN: usize = 8;
/// The longest PBES2 salt input accepted, decoded.
pub(crate) const MAX_P2S_LEN: usize = 256;
/// The smallest `p2c` accepted (RFC 7518 §4.8.1.2 recommends at least 1000).
pub const MIN_P2C: u32 = 1000;
/// The `p2c` written by [`encrypt`](super::encrypt) when [`Header::p2c`](super::Header::p2c)
/// is not set: 10 000, the most that other JOSE stacks accept by default (jose for Node refuses
/// more than 10 000, jwcrypto more than 16 384), so that a PBES2 token hxjwt makes is read
/// everywhere. Raise it (and the receivers' limits) when both ends agree: a password guessed
/// offline costs `p2c` HMAC computations per guess.
pub const DEFAULT_P2C: u32 = 10_000;
/// The default largest `p2c` accepted when decrypting
/// ([`Decryption::max_p2c`](super::Decryption::max_p2c)), checked before any PBKDF2 work.
pub const DEFAULT_MAX_P2C: u32 = 200_000;

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, what.to_owned())
}

/// Party information for the Concat KDF: `apu`, `apv` (decoded).
#[derive(Clone, Default)]
pub(crate) struct PartyInfo {
    pub apu: Vec<u8>,
    pub apv: Vec<u8>,
}

/// The result of key management for one recipient on encryption.
pub(crate) struct Wrapped {
    /// Header members the recipient needs (`epk`, `iv`, `tag`, `p2s`, `p2c`).
    pub members: Map<String, Value>,
    /// The JWE Encrypted Key (empty for the direct modes, and until [`finish`] for
    /// ECDH-1PU with key wrapping).
    pub encrypted_key: Vec<u8>,
    /// ECDH-1PU+A*KW: the shared secret, waiting for the content tag.
    deferred: Option<Zeroizing<Vec<u8>>>,
}

/// Concat KDF (NIST SP 800-56A §5.8.1, RFC 7518 §4.6.2) with SHA-256: `len` bytes from `z`,
/// with `AlgorithmID`, `PartyUInfo`, `PartyVInfo`, `SuppPubInfo` (the key length in bits) and, for
/// ECDH-1PU with key wrapping, the content tag (draft §2.3).
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    party: &PartyInfo,
    len: usize,
    tag: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>> {
    let u32_len = |n: usize| {
        u32::try_from(n)
            .map(u32::to_be_bytes)
            .map_err(|_| Error::malformed("a key agreement input is too long"))
    };
    let bits = u32_len(len * 8)?;
    let mut out = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter: u32 = 1;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(z);
        h.update(u32_len(algorithm_id.len())?);
        h.update(algorithm_id.as_bytes());
        h.update(u32_len(party.apu.len())?);
        h.update(&party.apu);
        h.update(u32_len(party.apv.len())?);
        h.update(&party.apv);
        h.update(bits);
        if let Some(tag) = tag {
            h.update(u32_len(tag.len())?);
            h.update(tag);
        }
        let block = Zeroizing::new(h.finalize());
        out.extend_from_slice(&block);
        counter = counter
            .checked_add(1)
            .ok_or_else(|| internal("Concat KDF counter"))?;
    }
    out.truncate(len);
    Ok(out)
}

fn kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>> {
    let mut out = vec![0u8; cek.len() + 8];
    let failed = |_| internal("AES key wrap failed");
    match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .map_err(|_| internal("AES-KW key"))?
            .wrap_key(cek, &mut out)
            .map(|_| ())
            .map_err(failed)?,
        24 => KwAes192::new_from_slice(kek)
            .map_err(|_| internal("AES-KW key"))?
            .wrap_key(cek, &mut out)
            .map(|_| ())
            .map_err(failed)?,
        32 => KwAes256::new_from_slice(kek)
            .map_err(|_| internal("AES-KW key"))?
            .wrap_key(cek, &mut out)
            .map(|_| ())
            .map_err(failed)?,
        _ => return Err(internal("AES-KW key length")),
    }
    Ok(out)
}

/// AES key unwrap; `None` when the integrity check fails (or the lengths are wrong).
fn kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return None;
    }
    let mut out = Zeroizing::new(vec![0u8; wrapped.len() - 8]);
    let ok = match kek.len() {
        16 => KwAes128::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .is_ok(),
        24 => KwAes192::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .is_ok(),
        32 => KwAes256::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .is_ok(),
        _ => false,
    };
    ok.then_some(out)
}

fn random(len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut v = Zeroizing::new(vec![0u8; len]);
    crate::random::fill(&mut v)?;
    Ok(v)
}

/// A fresh random CEK for `enc`.
pub(crate) fn random_cek(enc: ContentAlgorithm) -> Result<Zeroizing<Vec<u8>>> {
    random(enc.key_len())
}

/// The unwrapped CEK when it has the right length, else a random one (RFC 7516 §11.5).
fn or_random(cek: Option<Zeroizing<Vec<u8>>>, enc: ContentAlgorithm) -> Result<Zeroizing<Vec<u8>>> {
    match cek {
        Some(cek) if cek.len() == enc.key_len() => Ok(cek),
        _ => random_cek(enc),
    }
}

// ---------------------------------------------------------------------------------------------
// ECDH
// ---------------------------------------------------------------------------------------------

/// An ephemeral key pair on the curve of a recipient key, with its JWK for `epk`.
enum Ephemeral {
    Ec(EcPrivate),
    X25519(XSecret),
}

fn ephemeral_for(recipient: &Key) -> Result<(Ephemeral, Value)> {
    match &*recipient.material {
        Material::Ec { curve, .. } => {
            let private = EcPrivate::generate(*curve)?;
            let (x, y) = private.public()?;
            let epk = serde_json::json!({
                "kty": "EC", "crv": curve.name(), "x": b64::encode(&x), "y": b64::encode(&y),
            });
            Ok((Ephemeral::Ec(private), epk))
        }
        Material::X25519 { .. } => {
            let secret = XSecret::generate()?;
            let epk = serde_json::json!({"kty": "OKP", "crv": "X25519", "x": b64::encode(secret.public())});
            Ok((Ephemeral::X25519(secret), epk))
        }
        _ => Err(Error::invalid_key("ECDH needs an EC or X25519 key")),
    }
}

fn x25519_agree(secret: &XSecret, public: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>> {
    let shared = secret
        .agree(public)
        .ok_or_else(|| Error::invalid_key("the X25519 key is of low order"))?;
    Ok(Zeroizing::new(shared.to_vec()))
}

/// `Ze ‖ Zs` (ECDH-1PU), in one allocation: growing a vector would free the first copy
/// without wiping it.
fn concat_secrets(ze: &[u8], zs: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut z = Zeroizing::new(Vec::with_capacity(ze.len() + zs.len()));
    z.extend_from_slice(ze);
    z.extend_from_slice(zs);
    z
}

/// ECDH of our private `ours` (ephemeral) with the public half of `theirs`.
fn agree_ephemeral(ours: &Ephemeral, theirs: &Key) -> Result<Zeroizing<Vec<u8>>> {
    match (ours, &*theirs.material) {
        (Ephemeral::Ec(private), Material::Ec { x, y, .. }) => private.agree(x, y),
        (Ephemeral::X25519(secret), Material::X25519 { public, .. }) => {
            x25519_agree(secret, public)
        }
        _ => Err(internal("ECDH: mismatched key types")),
    }
}

/// ECDH of the private key `ours` with the public half of `theirs` (same curve, checked).
fn agree_static(ours: &Key, theirs: &Key) -> Result<Zeroizing<Vec<u8>>> {
    let no_private = || Error::invalid_key("ECDH needs the private key here");
    match (&*ours.material, &*theirs.material) {
        (
            Material::Ec {
                curve: c1, private, ..
            },
            Material::Ec {
                curve: c2, x, y, ..
            },
        ) if c1 == c2 => private.as_ref().ok_or_else(no_private)?.agree(x, y),
        (Material::X25519 { secret, .. }, Material::X25519 { public, .. }) => {
            x25519_agree(secret.as_ref().ok_or_else(no_private)?, public)
        }
        _ => Err(Error::invalid_key(
            "the sender's and the recipient's keys are not on the same curve",
        )),
    }
}

/// Reads the `epk` of a header as a public key on the curve of `recipient`: the right `kty`
/// and `crv`, exact lengths, on the curve (EC), not of low order (X25519).
fn read_epk(header: &Map<String, Value>, recipient: &Key) -> Result<Key> {
    let Some(epk) = header.get("epk") else {
        return Err(Error::malformed("header has no \"epk\""));
    };
    let Value::Object(epk) = epk else {
        return Err(Error::malformed("header member \"epk\" is not an object"));
    };
    let member = |name: &str| -> Result<&str> {
        epk.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::malformed(format!("epk has no string member \"{name}\"")))
    };
    let coordinate = |name: &str, len: usize| -> Result<Vec<u8>> {
        let v = b64::decode(member(name)?, &format!("epk member \"{name}\""))?;
        if v.len() == len {
            Ok(v)
        } else {
            Err(Error::invalid_key(format!(
                "epk member \"{name}\" must be exactly {len} bytes"
            )))
        }
    };
    let (kty, crv) = (member("kty")?, member("crv")?);
    match &*recipient.material {
        Material::Ec { curve, .. } => {
            if kty != "EC" || crv != curve.name() {
                return Err(Error::invalid_key(format!(
                    "epk is {}/{}, the recipient's key is EC/{}",
                    quote(kty),
                    quote(crv),
                    curve.name()
                )));
            }
            let n = curve.coordinate_len();
            let (x, y) = (coordinate("x", n)?, coordinate("y", n)?);
            public_ec(*curve, &x, &y)
        }
        Material::X25519 { .. } => {
            if kty != "OKP" || crv != "X25519" {
                return Err(Error::invalid_key(format!(
                    "epk is {}/{}, the recipient's key is OKP/X25519",
                    quote(kty),
                    quote(crv)
                )));
            }
            let x = coordinate("x", 32)?;
            let public: [u8; 32] = x
                .as_slice()
                .try_into()
                .map_err(|_| Error::invalid_key("epk member \"x\" must be exactly 32 bytes"))?;
            // Of low order? The agreement refuses it (x25519_agree), without a second
            // scalar multiplication here.
            Ok(Key::x25519_ephemeral(public))
        }
        _ => Err(Error::invalid_key("ECDH needs an EC or X25519 key")),
    }
}

fn public_ec(curve: Curve, x: &[u8], y: &[u8]) -> Result<Key> {
    let jwk = serde_json::json!({
        "kty": "EC", "crv": curve.name(), "x": b64::encode(x), "y": b64::encode(y),
    });
    key_from_value(&jwk)
}

fn key_from_value(jwk: &Value) -> Result<Key> {
    match jwk {
        Value::Object(m) => Key::from_jwk_map(m),
        _ => Err(internal("epk")),
    }
}

/// The KDF's `AlgorithmID` and output length: the `enc` and its key length for the direct modes,
/// the `alg` and its wrap-key length otherwise.
fn kdf_target(alg: KeyAlgorithm, enc: ContentAlgorithm) -> (&'static str, usize) {
    match alg.kw_len() {
        Some(len) => (alg.name(), len),
        None => (enc.name(), enc.key_len()),
    }
}

/// Reads `apu` and `apv` from a header (base64url, bounded).
pub(crate) fn party_info(header: &Map<String, Value>) -> Result<PartyInfo> {
    let read = |name: &str| -> Result<Vec<u8>> {
        match header.get(name) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => {
                if s.len() > MAX_PARTY_INFO_LEN * 4 / 3 + 4 {
                    return Err(Error::malformed(format!(
                        "header member \"{name}\" is longer than {MAX_PARTY_INFO_LEN} bytes"
                    )));
                }
                b64::decode(s, &format!("header member \"{name}\""))
            }
            Some(_) => Err(Error::malformed(format!(
                "header member \"{name}\" is not a string"
            ))),
        }
    };
    Ok(PartyInfo {
        apu: read("apu")?,
        apv: read("apv")?,
    })
}

// ---------------------------------------------------------------------------------------------
// PBES2
// ---------------------------------------------------------------------------------------------

fn pbes2_kek(
    alg: KeyAlgorithm,
    password: &[u8],
    p2s: &[u8],
    p2c: u32,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut salt = Vec::with_capacity(alg.name().len() + 1 + p2s.len());
    salt.extend_from_slice(alg.name().as_bytes());
    salt.push(0);
    salt.extend_from_slice(p2s);
    let len = alg.kw_len().ok_or_else(|| internal("PBES2 key length"))?;
    let mut kek = Zeroizing::new(vec![0u8; len]);
    match alg {
        KeyAlgorithm::Pbes2Hs256A128KW => {
            pbkdf2::pbkdf2_hmac::<Sha256>(password, &salt, p2c, &mut kek);
        }
        KeyAlgorithm::Pbes2Hs384A192KW => {
            pbkdf2::pbkdf2_hmac::<Sha384>(password, &salt, p2c, &mut kek);
        }
        KeyAlgorithm::Pbes2Hs512A256KW => {
            pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt, p2c, &mut kek);
        }
        _ => return Err(internal("not a PBES2 algorithm")),
    }
    Ok(kek)
}

/// Reads and bounds `p2s` and `p2c` **before** any PBKDF2 work.
fn pbes2_params(header: &Map<String, Value>, max_p2c: u32) -> Result<(Vec<u8>, u32)> {
    let p2c = match header.get("p2c") {
        None => return Err(Error::malformed("header has no \"p2c\"")),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| Error::malformed("header member \"p2c\" is not a positive integer"))?,
    };
    if p2c > u64::from(max_p2c) {
        return Err(Error::malformed(format!(
            "p2c is {p2c}; the limit is {max_p2c} (Decryption::max_p2c)"
        )));
    }
    if p2c < u64::from(MIN_P2C) {
        return Err(Error::malformed(format!(
            "p2c is {p2c}; at least {MIN_P2C} is required"
        )));
    }
    let p2s = match header.get("p2s") {
        Some(Value::String(s)) if s.len() <= MAX_P2S_LEN * 4 / 3 + 4 => {
            b64::decode(s, "header member \"p2s\"")?
        }
        Some(Value::String(_)) => {
            return Err(Error::malformed(format!(
                "header member \"p2s\" is longer than {MAX_P2S_LEN} bytes"
            )));
        }
        Some(_) => return Err(Error::malformed("header member \"p2s\" is not a string")),
        None => return Err(Error::malformed("header has no \"p2s\"")),
    };
    if p2s.len() < MIN_P2S_LEN {
        return Err(Error::malformed(format!(
            "p2s is {} bytes; at least {MIN_P2S_LEN} are required",
            p2s.len()
        )));
    }
    let p2c = u32::try_from(p2c).map_err(|_| Error::malformed("p2c is too large"))?;
    Ok((p2s, p2c))
}

// ---------------------------------------------------------------------------------------------
// Encryption
// ---------------------------------------------------------------------------------------------

/// The options of key management on encryption that come from the caller's header.
pub(crate) struct WrapOptions<'a> {
    pub party: &'a PartyInfo,
    pub p2c: Option<u32>,
    pub sender: Option<&'a Key>,
}

/// A CEK and the header members that go with it.
pub(crate) type CekAndMembers = (Zeroizing<Vec<u8>>, Map<String, Value>);

/// For the direct modes (`dir`, `ECDH-ES`, `ECDH-1PU`): the CEK and the header members.
pub(crate) fn direct_cek(
    alg: KeyAlgorithm,
    enc: ContentAlgorithm,
    recipient: &Key,
    opts: &WrapOptions<'_>,
) -> Result<CekAndMembers> {
    let mut members = Map::new();
    let cek = match alg.family() {
        Family::Dir => Zeroizing::new(
            recipient
                .secret()
                .ok_or_else(|| Error::invalid_key("dir needs a symmetric key"))?
                .to_vec(),
        ),
        Family::EcdhEs | Family::Ecdh1Pu => {
            let z = agreement(alg, recipient, opts.sender, &mut members)?;
            let (id, len) = kdf_target(alg, enc);
            concat_kdf(&z, id, opts.party, len, None)?
        }
        _ => return Err(internal("not a direct algorithm")),
    };
    Ok((cek, members))
}

/// Generates the ephemeral key, writes `epk`, and returns `Z` (`Ze ‖ Zs` for ECDH-1PU).
fn agreement(
    alg: KeyAlgorithm,
    recipient: &Key,
    sender: Option<&Key>,
    members: &mut Map<String, Value>,
) -> Result<Zeroizing<Vec<u8>>> {
    let (ephemeral, epk) = ephemeral_for(recipient)?;
    let ze = agree_ephemeral(&ephemeral, recipient)?;
    let z = if alg.family() == Family::Ecdh1Pu {
        let sender =
            sender.ok_or_else(|| Error::invalid_argument("ECDH-1PU needs the sender's key"))?;
        concat_secrets(&ze, &agree_static(sender, recipient)?)
    } else {
        ze
    };
    members.insert("epk".into(), epk);
    Ok(z)
}

/// For the key-wrapping and key-encryption modes: wraps `cek` for `recipient`.
pub(crate) fn wrap(
    alg: KeyAlgorithm,
    enc: ContentAlgorithm,
    recipient: &Key,
    cek: &[u8],
    opts: &WrapOptions<'_>,
) -> Result<Wrapped> {
    let mut members = Map::new();
    let mut deferred = None;
    let encrypted_key = match alg.family() {
        Family::AesKw => kw_wrap(
            recipient
                .secret()
                .ok_or_else(|| Error::invalid_key("AES key wrap needs a symmetric key"))?,
            cek,
        )?,
        Family::AesGcmKw => {
            let kek = recipient
                .secret()
                .ok_or_else(|| Error::invalid_key("AES-GCM key wrap needs a symmetric key"))?;
            let mut iv = [0u8; 12];
            crate::random::fill(&mut iv)?;
            let gcm = match kek.len() {
                16 => ContentAlgorithm::A128GCM,
                24 => ContentAlgorithm::A192GCM,
                _ => ContentAlgorithm::A256GCM,
            };
            let (ek, tag) = content::encrypt(gcm, kek, &iv, b"", cek)?;
            members.insert("iv".into(), b64::encode(&iv).into());
            members.insert("tag".into(), b64::encode(&tag).into());
            ek
        }
        Family::EcdhEs | Family::Ecdh1Pu => {
            let z = agreement(alg, recipient, opts.sender, &mut members)?;
            if alg.family() == Family::Ecdh1Pu {
                // draft §2.3: the KDF takes the content tag, known only after encryption.
                deferred = Some(z);
                Vec::new()
            } else {
                let (id, len) = kdf_target(alg, enc);
                let kek = concat_kdf(&z, id, opts.party, len, None)?;
                kw_wrap(&kek, cek)?
            }
        }
        Family::RsaOaep => match &*recipient.material {
            Material::Rsa { public, .. } => public.encrypt(alg == KeyAlgorithm::RsaOaep256, cek)?,
            _ => return Err(Error::invalid_key("RSA-OAEP needs an RSA key")),
        },
        Family::Pbes2 => {
            let password = recipient
                .secret()
                .ok_or_else(|| Error::invalid_key("PBES2 needs a password"))?;
            let p2c = opts.p2c.unwrap_or(DEFAULT_P2C);
            if p2c < MIN_P2C {
                return Err(Error::invalid_argument(format!(
                    "p2c must be at least {MIN_P2C}"
                )));
            }
            let p2s = random(16)?;
            let kek = pbes2_kek(alg, password, &p2s, p2c)?;
            members.insert("p2s".into(), b64::encode(&p2s).into());
            members.insert("p2c".into(), p2c.into());
            kw_wrap(&kek, cek)?
        }
        Family::Dir => return Err(internal("dir does not wrap")),
    };
    Ok(Wrapped {
        members,
        encrypted_key,
        deferred,
    })
}

/// ECDH-1PU with key wrapping: derives the wrap key with the content `tag` and wraps `cek`.
pub(crate) fn finish(
    wrapped: &mut Wrapped,
    alg: KeyAlgorithm,
    enc: ContentAlgorithm,
    party: &PartyInfo,
    cek: &[u8],
    tag: &[u8],
) -> Result<()> {
    if let Some(z) = wrapped.deferred.take() {
        let (id, len) = kdf_target(alg, enc);
        let kek = concat_kdf(&z, id, party, len, Some(tag))?;
        wrapped.encrypted_key = kw_wrap(&kek, cek)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Decryption
// ---------------------------------------------------------------------------------------------

/// What decryption needs besides the key: the recipient's (merged) header, its encrypted key,
/// the content tag, the sender's key for ECDH-1PU, and the PBES2 bound.
pub(crate) struct UnwrapInput<'a> {
    pub header: &'a Map<String, Value>,
    pub encrypted_key: &'a [u8],
    pub tag: &'a [u8],
    pub sender: Option<&'a Key>,
    pub max_p2c: u32,
}

/// The CEK for `key`. Malformed or hostile parameters (`epk` off the curve or of low order,
/// `p2c` over the limit, a missing `iv`) are errors; a cryptographic failure is a random CEK.
pub(crate) fn unwrap(
    alg: KeyAlgorithm,
    enc: ContentAlgorithm,
    key: &Key,
    input: &UnwrapInput<'_>,
) -> Result<Zeroizing<Vec<u8>>> {
    let ek = input.encrypted_key;
    if alg.is_direct() != ek.is_empty() {
        return Err(Error::malformed(if alg.is_direct() {
            "the encrypted key must be empty with a direct algorithm"
        } else {
            "the encrypted key is empty"
        }));
    }
    match alg.family() {
        Family::Dir => Ok(Zeroizing::new(
            key.secret()
                .ok_or_else(|| Error::invalid_key("dir needs a symmetric key"))?
                .to_vec(),
        )),
        Family::AesKw => {
            let kek = key
                .secret()
                .ok_or_else(|| Error::invalid_key("AES key wrap needs a symmetric key"))?;
            or_random(kw_unwrap(kek, ek), enc)
        }
        Family::AesGcmKw => {
            let kek = key
                .secret()
                .ok_or_else(|| Error::invalid_key("AES-GCM key wrap needs a symmetric key"))?;
            let iv = header_bytes::<12>(input.header, "iv")?;
            let tag = header_bytes::<16>(input.header, "tag")?;
            let gcm = match kek.len() {
                16 => ContentAlgorithm::A128GCM,
                24 => ContentAlgorithm::A192GCM,
                _ => ContentAlgorithm::A256GCM,
            };
            or_random(content::decrypt(gcm, kek, &iv, b"", ek, &tag).ok(), enc)
        }
        Family::EcdhEs | Family::Ecdh1Pu => {
            if !key.is_private() {
                return Err(Error::invalid_key("ECDH decryption needs the private key"));
            }
            let epk = read_epk(input.header, key)?;
            let ze = agree_static(key, &epk)?;
            let z = if alg.family() == Family::Ecdh1Pu {
                let sender = input.sender.ok_or_else(|| {
                    Error::invalid_argument("ECDH-1PU needs the sender's public key")
                })?;
                concat_secrets(&ze, &agree_static(key, sender)?)
            } else {
                ze
            };
            let party = party_info(input.header)?;
            let (id, len) = kdf_target(alg, enc);
            if alg.is_direct() {
                return concat_kdf(&z, id, &party, len, None);
            }
            let tag = (alg.family() == Family::Ecdh1Pu).then_some(input.tag);
            let kek = concat_kdf(&z, id, &party, len, tag)?;
            or_random(kw_unwrap(&kek, ek), enc)
        }
        Family::RsaOaep => match &*key.material {
            Material::Rsa {
                private: Some(private),
                ..
            } => or_random(private.decrypt(alg == KeyAlgorithm::RsaOaep256, ek), enc),
            Material::Rsa { .. } => Err(Error::invalid_key(
                "RSA-OAEP decryption needs the private key",
            )),
            _ => Err(Error::invalid_key("RSA-OAEP needs an RSA key")),
        },
        Family::Pbes2 => {
            let password = key
                .secret()
                .ok_or_else(|| Error::invalid_key("PBES2 needs a password"))?;
            let (p2s, p2c) = pbes2_params(input.header, input.max_p2c)?;
            let kek = pbes2_kek(alg, password, &p2s, p2c)?;
            or_random(kw_unwrap(&kek, ek), enc)
        }
    }
}

/// A base64url header member of exactly `N` bytes.
fn header_bytes<const N: usize>(header: &Map<String, Value>, name: &str) -> Result<[u8; N]> {
    match header.get(name) {
        Some(Value::String(s)) => b64::decode_array::<N>(s, &format!("header member \"{name}\"")),
        Some(_) => Err(Error::malformed(format!(
            "header member \"{name}\" is not a string"
        ))),
        None => Err(Error::malformed(format!("header has no \"{name}\""))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix C: the ECDH-ES key derivation with "Alice" and "Bob".
    #[test]
    fn concat_kdf_matches_rfc7518_appendix_c() {
        let z: [u8; 32] = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49,
            110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let party = PartyInfo {
            apu: b"Alice".to_vec(),
            apv: b"Bob".to_vec(),
        };
        let k = concat_kdf(&z, "A128GCM", &party, 16, None).unwrap();
        assert_eq!(b64::encode(&k), "VqqN6vgjbSBcIijNcacQGg");
    }
}
