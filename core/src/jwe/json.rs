//! The JWE JSON serialization (RFC 7516 §7.2): general (several recipients) and flattened.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::alg::{Family, KeyAlgorithm};
use super::key::Key;
use super::keymgmt::{self, WrapOptions};
use super::{
    Attempt, Decrypted, Decryption, DecryptionKeys, Header, KeysRef, MAX_RECIPIENTS, content,
    deflate, finish_plaintext, read_key_iv_tag, read_protected, try_keys,
};
use crate::b64;
use crate::error::{Error, ErrorKind, Result, quote};

/// One recipient of a JSON-serialized token: its key (public, or the shared secret) and the
/// key management algorithm to reach it.
///
/// ```
/// use hxjwt::jwe::{JsonRecipient, Key, KeyAlgorithm};
/// let r = JsonRecipient::new(KeyAlgorithm::A256KW, &Key::from_secret([3u8; 32])?).kid("team-a");
/// assert_eq!(r.kid.as_deref(), Some("team-a"));
/// # Ok::<(), hxjwt::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct JsonRecipient {
    /// The key management algorithm for this recipient.
    pub alg: KeyAlgorithm,
    /// The recipient's key.
    pub key: Key,
    /// The `kid` written for this recipient. Defaults to the key's own `kid`.
    pub kid: Option<String>,
}

impl JsonRecipient {
    /// A recipient reached with `alg` and `key`.
    pub fn new(alg: KeyAlgorithm, key: &Key) -> JsonRecipient {
        JsonRecipient {
            alg,
            key: key.clone(),
            kid: None,
        }
    }

    /// Sets [`kid`](Self::kid).
    #[must_use]
    pub fn kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }
}

/// Encrypts `plaintext` for every one of `recipients` in the JSON serialization: flattened
/// (RFC 7516 §7.2.2) when there is one recipient and `general` is false, general (§7.2.1)
/// otherwise.
///
/// `header` gives `enc` and the protected members (`typ`, `cty`, `zip`, `extra`), and the
/// `apu`/`apv`/`p2c` every recipient uses; its `alg` and `kid` are not used: each recipient has
/// its own. With one recipient, the key management members (`alg`, `kid`, `epk`, …) are in
/// the protected header, as in the compact form; with several, in each recipient's `header`.
/// `aad` is the optional additional authenticated data (the `aad` member).
///
/// ```
/// use hxjwt::jwe::{self, ContentAlgorithm as Enc, Decryption, Header, JsonRecipient, Key,
///                  KeyAlgorithm as Alg};
/// let (a, b) = (Key::generate_x25519()?, Key::from_secret([9u8; 16])?);
/// let recipients = [JsonRecipient::new(Alg::EcdhEsA128KW, &a.to_public()?),
///                   JsonRecipient::new(Alg::A128KW, &b)];
/// let json = jwe::encrypt_json(&Header::new(Alg::A128KW, Enc::A128GCM), &recipients, b"hi",
///                              Some(b"context"), true)?;
/// let d = Decryption::new(&[Alg::EcdhEsA128KW, Alg::A128KW], &[Enc::A128GCM]);
/// assert_eq!(&*jwe::decrypt_json(&json, &a, &d)?.plaintext, b"hi");
/// let msg = jwe::decrypt_json(&json, &b, &d)?;
/// assert_eq!(msg.aad.as_deref(), Some(&b"context"[..]));
/// # Ok::<(), hxjwt::Error>(())
/// ```
pub fn encrypt_json(
    header: &Header,
    recipients: &[JsonRecipient],
    plaintext: &[u8],
    aad: Option<&[u8]>,
    general: bool,
) -> Result<String> {
    encrypt_json_impl(header, recipients, None, plaintext, aad, general)
}

/// [`encrypt_json`] with ECDH-1PU: `sender` is the sender's private key.
pub fn encrypt_json_1pu(
    header: &Header,
    recipients: &[JsonRecipient],
    sender: &Key,
    plaintext: &[u8],
    aad: Option<&[u8]>,
    general: bool,
) -> Result<String> {
    encrypt_json_impl(header, recipients, Some(sender), plaintext, aad, general)
}

fn encrypt_json_impl(
    header: &Header,
    recipients: &[JsonRecipient],
    sender: Option<&Key>,
    plaintext: &[u8],
    aad: Option<&[u8]>,
    general: bool,
) -> Result<String> {
    let enc = header.enc;
    if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
        return Err(Error::invalid_argument(format!(
            "a JSON JWE has 1 to {MAX_RECIPIENTS} recipients"
        )));
    }
    let single = recipients.len() == 1;
    if !single && !general {
        return Err(Error::invalid_argument(
            "the flattened serialization has exactly one recipient",
        ));
    }
    for r in recipients {
        let h = Header {
            alg: r.alg,
            ..header.clone()
        };
        super::check_encrypt(
            &h,
            &r.key,
            sender.filter(|_| r.alg.family() == Family::Ecdh1Pu),
        )?;
        if r.alg.is_direct() && !single {
            return Err(Error::invalid_argument(format!(
                "{} determines the content key: it cannot be used with several recipients",
                r.alg
            )));
        }
    }
    let party = header.party();
    let mut shared = Header {
        kid: None,
        skid: None,
        apu: None,
        apv: None,
        ..header.clone()
    }
    .members(None, None)?;

    // Key management for each recipient: the CEK first (a direct mode decides it).
    let mut per_recipient: Vec<Map<String, Value>> = Vec::with_capacity(recipients.len());
    let mut wrapped = Vec::with_capacity(recipients.len());
    let mut cek: Option<Zeroizing<Vec<u8>>> = None;
    for r in recipients {
        let mut m = Map::new();
        m.insert("alg".into(), r.alg.name().into());
        if let Some(kid) = r.kid.as_deref().or(r.key.kid()) {
            m.insert("kid".into(), kid.into());
        }
        let r_sender = sender.filter(|_| r.alg.family() == Family::Ecdh1Pu);
        if let Some(s) = r_sender {
            if let Some(skid) = header.skid.as_deref().or(s.kid()) {
                m.insert("skid".into(), skid.into());
            }
        }
        if r.alg.is_key_agreement() {
            if let Some(apu) = &header.apu {
                m.insert("apu".into(), b64::encode(apu).into());
            }
            if let Some(apv) = &header.apv {
                m.insert("apv".into(), b64::encode(apv).into());
            }
        }
        let opts = WrapOptions {
            party: &party,
            p2c: header.p2c,
            sender: r_sender,
        };
        if r.alg.is_direct() {
            let (direct, members) = keymgmt::direct_cek(r.alg, enc, &r.key, &opts)?;
            m.extend(members);
            cek = Some(direct);
            wrapped.push(None);
        } else {
            let key = match &cek {
                Some(k) => k,
                None => cek.insert(keymgmt::random_cek(enc)?),
            };
            let w = keymgmt::wrap(r.alg, enc, &r.key, key, &opts)?;
            m.extend(w.members.clone());
            wrapped.push(Some(w));
        }
        per_recipient.push(m);
    }
    let cek = cek.ok_or_else(|| Error::new(ErrorKind::Internal, "no content key"))?;
    if single {
        if let Some(m) = per_recipient.pop() {
            shared.extend(m);
        }
        per_recipient.push(Map::new());
    }

    let protected_json = serde_json::to_string(&shared)
        .map_err(|e| Error::invalid_argument(format!("header: {e}")))?;
    super::check_header_len(protected_json.len())?;
    let protected_b64 = b64::encode(protected_json.as_bytes());
    let aad_b64 = aad.map(b64::encode);
    let mut full_aad = protected_b64.clone();
    if let Some(a) = &aad_b64 {
        full_aad.push('.');
        full_aad.push_str(a);
    }
    let compressed;
    let plaintext = if header.zip {
        compressed = Zeroizing::new(deflate(plaintext));
        compressed.as_slice()
    } else {
        plaintext
    };
    let mut iv = vec![0u8; enc.iv_len()];
    crate::random::fill(&mut iv)?;
    let (ciphertext, tag) = content::encrypt(enc, &cek, &iv, full_aad.as_bytes(), plaintext)?;

    let mut entries = Vec::with_capacity(recipients.len());
    for ((r, w), m) in recipients.iter().zip(wrapped).zip(per_recipient) {
        let mut entry = Map::new();
        if !m.is_empty() {
            entry.insert("header".into(), Value::Object(m));
        }
        if let Some(mut w) = w {
            keymgmt::finish(&mut w, r.alg, enc, &party, &cek, &tag)?;
            entry.insert("encrypted_key".into(), b64::encode(&w.encrypted_key).into());
        }
        entries.push(entry);
    }

    let mut out = Map::new();
    out.insert("protected".into(), protected_b64.into());
    if general {
        out.insert(
            "recipients".into(),
            Value::Array(entries.into_iter().map(Value::Object).collect()),
        );
    } else if let Some(entry) = entries.pop() {
        out.extend(entry);
    }
    if let Some(a) = aad_b64 {
        out.insert("aad".into(), a.into());
    }
    out.insert("iv".into(), b64::encode(&iv).into());
    out.insert("ciphertext".into(), b64::encode(&ciphertext).into());
    out.insert("tag".into(), b64::encode(&tag).into());
    serde_json::to_string(&out).map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))
}

/// Decrypts a JWE in the JSON serialization (general or flattened) with one of `keys`. Each
/// recipient whose `alg`/`enc` `d` accepts is tried, with the keys its `kid` selects; the
/// first that decrypts wins. Header members must not repeat across the protected, shared and
/// per-recipient headers, and `crit` and `zip` must be protected.
pub fn decrypt_json(json: &str, keys: &impl DecryptionKeys, d: &Decryption) -> Result<Decrypted> {
    decrypt_json_impl(json, &KeysRef(keys), None, d)
}

/// [`decrypt_json`] for ECDH-1PU: `sender` holds the sender's public key(s), selected by
/// `skid`.
pub fn decrypt_json_1pu(
    json: &str,
    keys: &impl DecryptionKeys,
    sender: &impl DecryptionKeys,
    d: &Decryption,
) -> Result<Decrypted> {
    decrypt_json_impl(json, &KeysRef(keys), Some(&KeysRef(sender)), d)
}

fn string_member<'a>(m: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::malformed(format!(
            "member \"{name}\" is not a string"
        ))),
    }
}

fn object_member<'a>(
    m: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(Error::malformed(format!(
            "member \"{name}\" is not an object"
        ))),
    }
}

/// Adds `from` to `into`, refusing a member present in both (RFC 7516 §7.2.1).
fn merge_disjoint(
    into: &mut Map<String, Value>,
    from: &Map<String, Value>,
    what: &str,
) -> Result<()> {
    for (name, value) in from {
        if into.contains_key(name) {
            return Err(Error::malformed(format!(
                "header member {} appears in more than one header ({what})",
                quote(name)
            )));
        }
        into.insert(name.clone(), value.clone());
    }
    Ok(())
}

fn decrypt_json_impl(
    json: &str,
    keys: &dyn DecryptionKeys,
    sender: Option<&dyn DecryptionKeys>,
    d: &Decryption,
) -> Result<Decrypted> {
    if json.len() > d.max_token_len {
        return Err(Error::malformed(format!(
            "token is {} bytes; the limit is {}",
            json.len(),
            d.max_token_len
        )));
    }
    if !json.trim_start().starts_with('{') {
        return Err(Error::malformed(
            "token is not a JSON object: use decrypt for the compact serialization",
        ));
    }
    let top = crate::json::parse_object(json.as_bytes(), d.max_depth + 3, "JWE JSON")?;
    if top.contains_key("payload")
        || top.contains_key("signatures")
        || top.contains_key("signature")
    {
        return Err(Error::malformed(
            "this is a JWS in the JSON serialization, not a JWE",
        ));
    }
    let protected_b64 = string_member(&top, "protected")?.unwrap_or("");
    let protected = if protected_b64.is_empty() {
        Map::new()
    } else {
        read_protected(protected_b64, d)?
    };
    let unprotected = object_member(&top, "unprotected")?
        .cloned()
        .unwrap_or_default();
    for name in ["crit", "zip"] {
        if unprotected.contains_key(name) {
            return Err(Error::malformed(format!(
                "header member \"{name}\" must be in the protected header"
            )));
        }
    }
    let aad_b64 = string_member(&top, "aad")?;
    let aad = aad_b64.map(|a| b64::decode(a, "aad")).transpose()?;
    let iv_b64 = string_member(&top, "iv")?.ok_or_else(|| Error::malformed("no \"iv\""))?;
    let tag_b64 = string_member(&top, "tag")?.ok_or_else(|| Error::malformed("no \"tag\""))?;
    let ct_b64 =
        string_member(&top, "ciphertext")?.ok_or_else(|| Error::malformed("no \"ciphertext\""))?;

    let entries: Vec<&Map<String, Value>> = match top.get("recipients") {
        Some(Value::Array(list)) => {
            if top.contains_key("header") || top.contains_key("encrypted_key") {
                return Err(Error::malformed(
                    "both \"recipients\" and flattened members are present",
                ));
            }
            if list.is_empty() || list.len() > MAX_RECIPIENTS {
                return Err(Error::malformed(format!(
                    "a JWE has 1 to {MAX_RECIPIENTS} recipients, not {}",
                    list.len()
                )));
            }
            list.iter()
                .map(|r| {
                    r.as_object()
                        .ok_or_else(|| Error::malformed("a recipient is not an object"))
                })
                .collect::<Result<_>>()?
        }
        Some(_) => return Err(Error::malformed("member \"recipients\" is not an array")),
        None => vec![&top],
    };

    let mut full_aad = protected_b64.to_owned();
    if let Some(a) = aad_b64 {
        full_aad.push('.');
        full_aad.push_str(a);
    }
    let mut base = protected.clone();
    merge_disjoint(&mut base, &unprotected, "protected and unprotected")?;

    let mut ciphertext: Option<Vec<u8>> = None;
    let mut first_error: Option<Error> = None;
    let mut decryption_error = None;
    for entry in entries {
        let mut header = base.clone();
        if let Some(h) = object_member(entry, "header")? {
            for name in ["crit", "zip"] {
                if h.contains_key(name) {
                    return Err(Error::malformed(format!(
                        "header member \"{name}\" must be in the protected header"
                    )));
                }
            }
            merge_disjoint(&mut header, h, "recipient")?;
        }
        let outcome = (|| {
            let (alg, enc) = d.check_header(&header)?;
            let ek_b64 = string_member(entry, "encrypted_key")?.unwrap_or("");
            let (encrypted_key, iv, tag) = read_key_iv_tag(ek_b64, iv_b64, tag_b64, enc)?;
            let ct = match &ciphertext {
                Some(ct) => ct,
                None => ciphertext.insert(b64::decode(ct_b64, "ciphertext")?),
            };
            let attempt = Attempt {
                header: &header,
                kid: header.get("kid").and_then(Value::as_str),
                skid: header.get("skid").and_then(Value::as_str),
                alg,
                enc,
                encrypted_key: &encrypted_key,
                iv: &iv,
                aad: full_aad.as_bytes(),
                tag: &tag,
            };
            let plaintext = try_keys(&attempt, ct, keys, sender, d)?;
            Ok::<_, Error>((alg, enc, plaintext))
        })();
        match outcome {
            Ok((alg, enc, plaintext)) => {
                let plaintext = finish_plaintext(header.contains_key("zip"), plaintext, d)?;
                return Ok(Decrypted::with_header_map(header, alg, enc, plaintext, aad));
            }
            Err(e) if e.kind() == ErrorKind::DecryptionFailed => decryption_error = Some(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(decryption_error
        .or(first_error)
        .unwrap_or_else(super::decryption_failed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwe::{ContentAlgorithm, decrypt};

    #[test]
    fn flattened_round_trip_and_compact_decrypt_refuses_json() {
        let key = Key::from_secret([1u8; 16]).unwrap();
        let json = encrypt_json(
            &Header::new(KeyAlgorithm::A128KW, ContentAlgorithm::A128GCM),
            &[JsonRecipient::new(KeyAlgorithm::A128KW, &key)],
            b"x",
            None,
            false,
        )
        .unwrap();
        let d = Decryption::new(&[KeyAlgorithm::A128KW], &[ContentAlgorithm::A128GCM]);
        assert_eq!(&*decrypt_json(&json, &key, &d).unwrap().plaintext, b"x");
        assert_eq!(
            decrypt(&json, &key, &d).unwrap_err().kind(),
            ErrorKind::Malformed
        );
    }
}
