//! Identities (a name and an X25519 key pair) and machine tokens (a name and a public key).

use std::fmt;

use crate::x25519::Secret;
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};
use crate::json;

/// The longest identity name, in bytes (PROTOCOL.md §1).
pub const MAX_NAME_LEN: usize = 255;

/// Checks an identity name: 1..=255 bytes of UTF-8 without control characters.
pub fn check_name(name: &str, what: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(Error::invalid_argument(format!(
            "{what} is {} bytes long; the limit is {MAX_NAME_LEN}",
            name.len()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "{what} {} contains a control character",
            quote(name)
        )));
    }
    Ok(())
}

/// Whether `public` is a low-order (or otherwise non-contributory) X25519 point: multiplying it by
/// a clamped scalar, which is a multiple of the cofactor 8, gives the all-zero point exactly then.
fn is_low_order(public: &[u8; 32]) -> bool {
    crate::x25519::is_low_order(public)
}

/// Reads the members common to public and private OKP X25519 JWKs.
fn okp_x25519_members<'a>(jwk: &'a Map<String, Value>, what: &str) -> Result<(&'a str, [u8; 32])> {
    let str_member = |name: &str| -> Result<Option<&'a str>> {
        match jwk.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(Error::invalid_key(format!(
                "{what}: member \"{name}\" must be a string"
            ))),
        }
    };
    match str_member("kty")? {
        Some("OKP") => {}
        Some(other) => {
            return Err(Error::invalid_key(format!(
                "{what}: kty must be \"OKP\", not {}",
                quote(other)
            )));
        }
        None => {
            return Err(Error::invalid_key(format!(
                "{what}: missing member \"kty\""
            )));
        }
    }
    match str_member("crv")? {
        Some("X25519") => {}
        Some(other) => {
            return Err(Error::invalid_key(format!(
                "{what}: crv must be \"X25519\", not {}",
                quote(other)
            )));
        }
        None => {
            return Err(Error::invalid_key(format!(
                "{what}: missing member \"crv\""
            )));
        }
    }
    match str_member("use")? {
        None | Some("enc") => {}
        Some(other) => {
            return Err(Error::invalid_key(format!(
                "{what}: use must be \"enc\", not {}",
                quote(other)
            )));
        }
    }
    let name = str_member("kid")?.ok_or_else(|| {
        Error::invalid_key(format!(
            "{what}: missing member \"kid\" (the identity name)"
        ))
    })?;
    check_name(name, "kid").map_err(|e| Error::invalid_key(format!("{what}: {}", e.detail())))?;
    let x = str_member("x")?
        .ok_or_else(|| Error::invalid_key(format!("{what}: missing member \"x\"")))?;
    let x = b64::decode_array::<32>(x, "member \"x\"")
        .map_err(|e| Error::invalid_key(format!("{what}: {}", e.detail())))?;
    Ok((name, x))
}

fn parse_jwk(text: &str, what: &str) -> Result<Map<String, Value>> {
    json::parse_object(text.as_bytes(), 8, what)
        .map_err(|e| Error::invalid_key(e.detail().to_owned()))
}

/// The public half of an [`Identity`]: its name and its X25519 public key.
///
/// Its portable form is an OKP JWK (RFC 8037) whose `kid` is the name:
///
/// ```
/// use hxjwt::MachineToken;
/// let jwk = r#"{"kty":"OKP","crv":"X25519","kid":"bob.service","use":"enc",
///              "x":"JmMuiDA8iJjJIKKh-kj3pp-GbUnG-1WP88YAIhfNHl4"}"#;
/// let token = MachineToken::from_jwk(jwk)?;
/// assert_eq!(token.name(), "bob.service");
/// assert_eq!(MachineToken::from_jwk(&token.to_jwk())?, token);
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MachineToken {
    name: String,
    public: [u8; 32],
}

impl MachineToken {
    /// A machine token from a name and a raw 32-byte X25519 public key. Fails with
    /// [`ErrorKind::InvalidArgument`] for a bad name and [`ErrorKind::InvalidKey`] for a
    /// low-order key.
    pub fn new(name: &str, public: [u8; 32]) -> Result<Self> {
        check_name(name, "name")?;
        if is_low_order(&public) {
            return Err(Error::invalid_key(format!(
                "the X25519 public key of {} is of low order",
                quote(name)
            )));
        }
        Ok(MachineToken {
            name: name.to_owned(),
            public,
        })
    }

    /// Parses a public OKP X25519 JWK (`{"kty":"OKP","crv":"X25519","kid":NAME,"x":…}`).
    ///
    /// Rejects a JWK with a private member `d` (a private key has no place in a directory), a
    /// `use` other than `"enc"`, a wrong `kty`/`crv`, a key of the wrong length or of low order,
    /// all with [`ErrorKind::InvalidKey`].
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        Self::from_jwk_map(&parse_jwk(jwk, "machine token JWK")?)
    }

    /// Like [`from_jwk`](Self::from_jwk), from an already parsed JSON object.
    pub fn from_jwk_map(jwk: &Map<String, Value>) -> Result<Self> {
        let what = "machine token JWK";
        if jwk.contains_key("d") {
            return Err(Error::invalid_key(format!(
                "{what} contains the private member \"d\"; pass the public key only"
            )));
        }
        let (name, x) = okp_x25519_members(jwk, what)?;
        Self::new(name, x).map_err(|e| Error::invalid_key(e.detail().to_owned()))
    }

    /// The identity name (the JWK's `kid`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw X25519 public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public
    }

    /// The public OKP JWK, as a JSON object.
    pub fn to_jwk_value(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "X25519",
            "kid": self.name,
            "use": "enc",
            "x": b64::encode(&self.public),
        })
    }

    /// The public OKP JWK, as compact JSON text.
    pub fn to_jwk(&self) -> String {
        self.to_jwk_value().to_string()
    }
}

impl fmt::Debug for MachineToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineToken")
            .field("name", &self.name)
            .field("x", &b64::encode(&self.public))
            .finish()
    }
}

/// A resource's identity: a name and a static X25519 key pair. The private key is zeroized when
/// the identity is dropped and is never shown by `Debug`.
///
/// ```
/// use hxjwt::Identity;
/// let alice = Identity::generate("alice.service")?;
/// let public = alice.machine_token();      // give this to others / put it in the directory
/// assert_eq!(public.name(), "alice.service");
/// let saved = alice.to_private_jwk();      // explicit: contains the private key
/// assert_eq!(Identity::from_jwk(&saved)?.machine_token(), public);
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone)]
pub struct Identity {
    name: String,
    secret: Secret,
    public: [u8; 32],
}

impl Identity {
    /// A new identity with a key pair from the operating system's CSPRNG.
    pub fn generate(name: &str) -> Result<Self> {
        check_name(name, "name")?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::random::fill(bytes.as_mut_slice())?;
        Self::from_secret_bytes(name, *bytes)
    }

    /// An identity from a raw 32-byte X25519 private key.
    pub fn from_secret_bytes(name: &str, secret: [u8; 32]) -> Result<Self> {
        check_name(name, "name")?;
        let secret = Secret::from_bytes(&Zeroizing::new(secret))?;
        let public = *secret.public();
        if is_low_order(&public) {
            return Err(Error::invalid_key(
                "the private key gives a low-order public key",
            ));
        }
        Ok(Identity {
            name: name.to_owned(),
            secret,
            public,
        })
    }

    /// Parses a private OKP X25519 JWK (with `d`). When `x` is present it must match `d`.
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        let mut map = parse_jwk(jwk, "private JWK")?;
        let identity = Self::from_jwk_map(&map);
        json::wipe_private_members(&mut map);
        identity
    }

    /// Like [`from_jwk`](Self::from_jwk), from an already parsed JSON object.
    pub fn from_jwk_map(jwk: &Map<String, Value>) -> Result<Self> {
        let what = "private JWK";
        let (name, x) = okp_x25519_members(jwk, what)?;
        let d = match jwk.get("d") {
            Some(Value::String(d)) => d,
            Some(_) => {
                return Err(Error::invalid_key(format!(
                    "{what}: member \"d\" must be a string"
                )));
            }
            None => {
                return Err(Error::invalid_key(format!(
                    "{what}: missing member \"d\" (this looks like a public machine token)"
                )));
            }
        };
        let d = Zeroizing::new(
            b64::decode_array::<32>(d, "member \"d\"")
                .map_err(|e| Error::invalid_key(format!("{what}: {}", e.detail())))?,
        );
        let id = Self::from_secret_bytes(name, *d)?;
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&id.public[..], &x[..])) {
            return Err(Error::invalid_key(format!(
                "{what}: member \"x\" is not the public key of \"d\""
            )));
        }
        Ok(id)
    }

    /// The identity name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public half: the machine token others use to reach this identity.
    pub fn machine_token(&self) -> MachineToken {
        MachineToken {
            name: self.name.clone(),
            public: self.public,
        }
    }

    /// The private OKP JWK, **including the private key `d`**, as compact JSON text. The
    /// returned string is zeroized on drop; store it like a password.
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let d = Zeroizing::new(b64::encode(self.secret.as_bytes()));
        let mut out = String::with_capacity(200 + self.name.len());
        out.push_str(r#"{"kty":"OKP","crv":"X25519","kid":"#);
        out.push_str(&Value::from(self.name.as_str()).to_string());
        out.push_str(r#","use":"enc","x":""#);
        b64::encode_into(&self.public, &mut out);
        out.push_str(r#"","d":""#);
        out.push_str(&d);
        out.push_str("\"}");
        Zeroizing::new(out)
    }

    pub(crate) fn public_bytes(&self) -> &[u8; 32] {
        &self.public
    }

    /// X25519 with a peer key; rejects the all-zero result (PROTOCOL.md §2).
    pub(crate) fn agree(&self, peer: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
        self.secret.agree(peer).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidKey,
                "the peer's X25519 key is of low order",
            )
        })
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("name", &self.name)
            .field("x", &b64::encode(&self.public))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = r#"{"kty":"OKP","crv":"X25519","kid":"alice.service","use":"enc","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs","d":"D0s2vBdqdnH6-L0vtW3dSbfn6rgIrQRju4Sds1FARWs"}"#;

    #[test]
    fn private_jwk_round_trip() {
        let id = Identity::from_jwk(ALICE).unwrap();
        assert_eq!(id.name(), "alice.service");
        assert_eq!(id.to_private_jwk().as_str(), ALICE);
    }

    #[test]
    fn debug_hides_the_private_key() {
        let id = Identity::from_jwk(ALICE).unwrap();
        let shown = format!("{id:?}");
        assert!(!shown.contains("D0s2vBdq"), "{shown}");
        assert!(shown.contains("alice.service"));
    }

    #[test]
    fn rejects_low_order_and_bad_keys() {
        // The all-zero point and the point of order 2 (u = 1) are low order.
        for x in [[0u8; 32], {
            let mut p = [0u8; 32];
            p[0] = 1;
            p
        }] {
            let e = MachineToken::new("x", x).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidKey);
        }
        let id = Identity::generate("a").unwrap();
        assert!(MachineToken::new("a", *id.public_bytes()).is_ok());
        let bad = [
            r#"{"kty":"EC","crv":"X25519","kid":"a","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","kid":"a","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            r#"{"kty":"OKP","crv":"X25519","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            r#"{"kty":"OKP","crv":"X25519","kid":"a","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCS"}"#,
            r#"{"kty":"OKP","crv":"X25519","kid":"a","use":"sig","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            r#"{"kty":"OKP","crv":"X25519","kid":"","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            r#"{"kty":"OKP","kty":"OKP","crv":"X25519","kid":"a","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"}"#,
            "[]",
            ALICE,
        ];
        for jwk in bad {
            let e = MachineToken::from_jwk(jwk).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidKey, "{jwk}");
            assert!(!e.to_string().contains("D0s2vBdq"));
        }
    }

    #[test]
    fn private_jwk_must_match_its_public_key() {
        let other = ALICE.replace("EU3wvSVX", "FU3wvSVX");
        let e = Identity::from_jwk(&other).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidKey);
        assert!(!e.to_string().contains("D0s2vBdq"));
    }

    #[test]
    fn names_are_checked() {
        assert!(Identity::generate("").is_err());
        assert!(Identity::generate("a\nb").is_err());
        assert!(Identity::generate(&"n".repeat(256)).is_err());
        assert!(Identity::generate(&"n".repeat(255)).is_ok());
        assert!(Identity::generate("alice@example.com").is_ok());
    }
}
