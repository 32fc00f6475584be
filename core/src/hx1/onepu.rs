//! The ECDH-1PU mode of an [`Endpoint`](crate::Endpoint) (PROTOCOL.md, "ECDH-1PU mode"): the
//! mapping between HX identities and a standard compact JWE made with
//! [`jwe::encrypt_1pu`], `alg` `"ECDH-1PU"` (direct key agreement), `enc` `"A256GCM"`.
//!
//! The protected header carries, besides what the JWE core writes (`alg`, `enc`, `epk`):
//! `typ` `"JWT"`, `kid` = the recipient's name, `skid` = the sender's name, `apu` / `apv` = the
//! sender's / recipient's name (so the names enter the Concat KDF), `iss`, `aud`, `iat`, `exp`
//! and, when set, `nbf`, `jti`, `cty`. Nothing else is accepted. The JOSE work is the core's;
//! this file only maps names and claims to and from the header.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::hx1::header::{MAX_CTY_LEN, MAX_JTI_LEN, MAX_NUMERIC_DATE};
use crate::hx1::keys::{Identity, MachineToken, check_name};
use crate::jwe::{self, ContentAlgorithm, Decryption, Key, KeyAlgorithm};

/// The key management algorithm of the mode.
pub(super) const ALG: KeyAlgorithm = KeyAlgorithm::Ecdh1Pu;
/// The content encryption of the mode.
pub(super) const ENC: ContentAlgorithm = ContentAlgorithm::A256GCM;

/// Every member the protected header may have.
const MEMBERS: [&str; 15] = [
    "alg", "enc", "typ", "cty", "kid", "skid", "epk", "apu", "apv", "iss", "aud", "iat", "exp",
    "nbf", "jti",
];

/// An identity's key pair as a JWE key (without `kid`: the token's `kid` is a name, which the
/// endpoint checks itself).
pub(super) fn own_key(identity: &Identity) -> Result<Key> {
    let jwk = identity.to_private_jwk();
    let mut map = crate::json::parse_object(jwk.as_bytes(), 8, "JWK")?;
    map.remove("kid");
    let key = Key::from_jwk_map(&map);
    crate::json::wipe_private_members(&mut map);
    key
}

/// A peer's machine token as a public JWE key (without `kid`).
pub(super) fn peer_key(peer: &MachineToken) -> Result<Key> {
    match peer.to_jwk_value() {
        Value::Object(mut map) => {
            map.remove("kid");
            Key::from_jwk_map(&map)
        }
        _ => Err(Error::new(
            ErrorKind::Internal,
            "a JWK that is not an object",
        )),
    }
}

/// Peers' machine tokens as JWE keys, by public key: converting one checks the point again
/// (an X25519 multiplication, as much as the agreement itself), which a machine token, checked
/// when it was made, does not need twice. Bounded: emptied when full.
pub(super) struct PeerKeys {
    keys: std::sync::Mutex<std::collections::HashMap<[u8; 32], Key>>,
    capacity: usize,
}

impl PeerKeys {
    pub(super) fn new(capacity: usize) -> Self {
        PeerKeys {
            keys: std::sync::Mutex::new(std::collections::HashMap::new()),
            capacity,
        }
    }

    /// The key of `peer`, from the cache or converted (and cached).
    pub(super) fn get(&self, peer: &MachineToken) -> Result<Key> {
        let public = peer.public_key();
        if let Some(key) = self.lock().get(public) {
            return Ok(key.clone());
        }
        let key = peer_key(peer)?;
        if self.capacity > 0 {
            let mut keys = self.lock();
            if keys.len() >= self.capacity {
                keys.clear();
            }
            keys.insert(*public, key.clone());
        }
        Ok(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<[u8; 32], Key>> {
        // A panic while holding the lock leaves a map of valid entries: keep using it.
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The claims an HX token carries in its protected header.
pub(super) struct Claims<'a> {
    pub iss: &'a str,
    pub aud: &'a str,
    pub iat: i64,
    pub exp: i64,
    pub nbf: Option<i64>,
    pub jti: Option<&'a str>,
    pub cty: Option<&'a str>,
}

/// Encrypts `plaintext` from `sender` (the sender's own key) to `recipient`.
pub(super) fn seal(
    sender: &Key,
    recipient: &Key,
    claims: &Claims<'_>,
    plaintext: &[u8],
) -> Result<String> {
    let mut h = jwe::Header::new(ALG, ENC);
    h.typ = Some("JWT".into());
    h.cty = claims.cty.map(str::to_owned);
    h.kid = Some(claims.aud.to_owned());
    h.skid = Some(claims.iss.to_owned());
    h.apu = Some(claims.iss.as_bytes().to_vec());
    h.apv = Some(claims.aud.as_bytes().to_vec());
    let extra = &mut h.extra;
    extra.insert("iss".into(), claims.iss.into());
    extra.insert("aud".into(), claims.aud.into());
    extra.insert("iat".into(), claims.iat.into());
    extra.insert("exp".into(), claims.exp.into());
    if let Some(nbf) = claims.nbf {
        extra.insert("nbf".into(), nbf.into());
    }
    if let Some(jti) = claims.jti {
        extra.insert("jti".into(), jti.into());
    }
    jwe::encrypt_1pu(&h, plaintext, recipient, sender)
}

/// The members of a 1PU header that passed the checks; not yet authenticated.
#[derive(Debug)]
pub(super) struct Parsed {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub nbf: Option<i64>,
    pub jti: Option<String>,
    pub cty: Option<String>,
    /// `epk.x`: unique to the token (a fresh ephemeral key), its replay id.
    pub epk_x: String,
}

fn string<'a>(h: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match h.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::malformed(format!(
            "header member \"{name}\" has the wrong type"
        ))),
    }
}

fn required<'a>(h: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    string(h, name)?.ok_or_else(|| Error::malformed(format!("header is missing \"{name}\"")))
}

fn date(h: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match h.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v <= MAX_NUMERIC_DATE => Ok(i64::try_from(v).ok()),
            Some(_) => Err(Error::malformed(format!(
                "header member \"{name}\" is larger than 2^53"
            ))),
            None => Err(Error::malformed(format!(
                "header member \"{name}\" has the wrong type"
            ))),
        },
        Some(_) => Err(Error::malformed(format!(
            "header member \"{name}\" has the wrong type"
        ))),
    }
}

/// Parses and checks the protected header of a 5-segment token, without decrypting: the
/// members allowed, `alg` and `enc`, the names (`skid` = `iss` = `apu`, `kid` = `aud` = `apv`),
/// the dates, `jti` and `cty`.
pub(super) fn parse(token: &str) -> Result<Parsed> {
    let h = jwe::decode_header(token)?;
    for name in h.keys() {
        if name == "crit" {
            return Err(Error::new(
                ErrorKind::UnknownHeader,
                "header has a \"crit\" member; the ECDH-1PU mode defines no extensions",
            ));
        }
        if !MEMBERS.contains(&name.as_str()) {
            return Err(Error::new(
                ErrorKind::UnknownHeader,
                format!("header has the unknown member {}", quote(name)),
            ));
        }
    }
    let alg = required(&h, "alg")?;
    if alg != ALG.name() {
        return Err(Error::new(
            ErrorKind::UnsupportedAlgorithm,
            format!("alg must be \"{}\", not {}", ALG.name(), quote(alg)),
        ));
    }
    let enc = required(&h, "enc")?;
    if enc != ENC.name() {
        return Err(Error::new(
            ErrorKind::UnsupportedAlgorithm,
            format!("enc must be \"{}\", not {}", ENC.name(), quote(enc)),
        ));
    }
    let typ = required(&h, "typ")?;
    if typ != "JWT" {
        return Err(Error::malformed(format!(
            "typ must be \"JWT\", not {}",
            quote(typ)
        )));
    }
    let iss = required(&h, "iss")?;
    let aud = required(&h, "aud")?;
    for (value, name) in [(iss, "iss"), (aud, "aud")] {
        check_name(value, name).map_err(|e| Error::malformed(format!("header: {}", e.detail())))?;
    }
    // The names as the JWE layer sees them: the key ids, and the KDF's party information.
    let names = [("skid", iss, "iss"), ("kid", aud, "aud")];
    for (member, want, claim) in names {
        if required(&h, member)? != want {
            return Err(Error::malformed(format!(
                "header member \"{member}\" is not \"{claim}\""
            )));
        }
    }
    for (member, want, claim) in [("apu", iss, "iss"), ("apv", aud, "aud")] {
        let got = b64::decode(
            required(&h, member)?,
            &format!("header member \"{member}\""),
        )?;
        if got != want.as_bytes() {
            return Err(Error::malformed(format!(
                "header member \"{member}\" is not \"{claim}\""
            )));
        }
    }
    let missing = |name: &str| Error::malformed(format!("header is missing \"{name}\""));
    let iat = date(&h, "iat")?.ok_or_else(|| missing("iat"))?;
    let exp = date(&h, "exp")?.ok_or_else(|| missing("exp"))?;
    let nbf = date(&h, "nbf")?;
    if exp <= iat {
        return Err(Error::malformed(
            "header member \"exp\" is not after \"iat\"",
        ));
    }
    let jti = string(&h, "jti")?;
    let cty = string(&h, "cty")?;
    for (value, name, max) in [(jti, "jti", MAX_JTI_LEN), (cty, "cty", MAX_CTY_LEN)] {
        if let Some(v) = value {
            if crate::json::has_control(v) {
                return Err(Error::malformed(format!(
                    "header member \"{name}\" contains a control character"
                )));
            }
            if v.len() > max {
                return Err(Error::malformed(format!(
                    "header member \"{name}\" is longer than {max} bytes"
                )));
            }
        }
    }
    let epk_x = h
        .get("epk")
        .and_then(|e| e.get("x"))
        .and_then(Value::as_str)
        .ok_or_else(|| Error::malformed("header member \"epk\" has no \"x\""))?;
    Ok(Parsed {
        iss: iss.to_owned(),
        aud: aud.to_owned(),
        iat,
        exp,
        nbf,
        jti: jti.map(str::to_owned),
        cty: cty.map(str::to_owned),
        epk_x: epk_x.to_owned(),
    })
}

/// Decrypts with each (sender key, own key) pair until one fits: every sender key the
/// directory lists for `iss` (a rotation), every own key (the current and previous
/// identities). A token that fits none is the JWE core's one
/// [`ErrorKind::DecryptionFailed`] error, whether it was tampered with or made by another key.
pub(super) fn open(
    token: &str,
    own: &[Key],
    senders: &[MachineToken],
    peers: &PeerKeys,
    max_token_len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let d = Decryption::new(&[ALG], &[ENC])
        .max_token_len(max_token_len)
        .typ("JWT");
    for sender in senders {
        let sender = peers.get(sender)?;
        for key in own {
            match jwe::decrypt_1pu(token, key, &sender, &d) {
                Ok(m) => return Ok(m.plaintext),
                Err(e) if e.kind() == ErrorKind::DecryptionFailed => {}
                Err(e) => return Err(e),
            }
        }
    }
    Err(jwe::decryption_failed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_have_no_kid_and_match_the_identity() {
        let id = Identity::generate("alice.service").unwrap();
        let own = own_key(&id).unwrap();
        assert_eq!(own.kid(), None);
        assert!(own.is_private());
        let peer = peer_key(&id.machine_token()).unwrap();
        assert_eq!(peer.kid(), None);
        assert_eq!(
            own.to_public().unwrap().thumbprint(),
            peer.thumbprint(),
            "the same X25519 key"
        );
    }

    #[test]
    fn seal_then_parse_gives_the_claims() {
        let (a, b) = (
            Identity::generate("a").unwrap(),
            Identity::generate("b").unwrap(),
        );
        let claims = Claims {
            iss: "a",
            aud: "b",
            iat: 10,
            exp: 20,
            nbf: Some(11),
            jti: Some("j"),
            cty: Some("json"),
        };
        let peers = PeerKeys::new(1);
        let bob = peers.get(&b.machine_token()).unwrap();
        let token = seal(&own_key(&a).unwrap(), &bob, &claims, b"x").unwrap();
        let p = parse(&token).unwrap();
        assert_eq!((p.iss.as_str(), p.aud.as_str()), ("a", "b"));
        assert_eq!((p.iat, p.exp, p.nbf), (10, 20, Some(11)));
        assert_eq!(
            (p.jti.as_deref(), p.cty.as_deref()),
            (Some("j"), Some("json"))
        );
        let plain = open(
            &token,
            &[own_key(&b).unwrap()],
            &[a.machine_token()],
            &peers,
            1 << 16,
        )
        .unwrap();
        assert_eq!(&*plain, b"x");
    }
}
