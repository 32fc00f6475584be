//! The floor of an HX1 operation: the primitives PROTOCOL.md makes every implementation pay,
//! called directly from the crates (and versions) the core uses, with no checks, no error
//! handling beyond `expect`, and no policy. hxjwt's time divided by this is its overhead.
//!
//! create (warm): 76 random bytes in one getrandom call (M = mac_key ‖ cek, and the IV); AES-KW
//!   wrap of M under the cached pairwise key; base64url of the wrapped key (kid); the header
//!   written by serde_json; base64url of it (base64-simd, as the core); AES-256-GCM key setup and encryption of the payload
//!   (aad = the encoded header); base64url of iv ‖ ct ‖ tag into `{"enc":"…"}` and of that;
//!   HMAC-SHA256 (key setup + the signing input); base64url of the tag.
//! validate (warm): base64url-decode the three parts; serde_json parse of the header (borrowed
//!   strings) and of `{"enc":"…"}`; base64url-decode kid and enc; AES-KW unwrap; HMAC-SHA256
//!   verify; AES-256-GCM key setup and decryption.
//! cold: the same, plus what a cache miss costs: X25519 (aws-lc-rs, as the core), HKDF-SHA256 of the pairwise key, and
//!   the AES-KW key setup.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_kw::KwAes256;
use base64_simd::{Out, URL_SAFE_NO_PAD as B64};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use hxjwt::Identity;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};

#[derive(Serialize)]
struct HeaderOut<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
    #[serde(rename = "channelSecurityContext")]
    context: &'a str,
}

#[derive(Deserialize)]
struct HeaderIn<'a> {
    #[serde(borrow)]
    kid: &'a str,
    #[serde(borrow)]
    iss: &'a str,
    #[serde(borrow)]
    aud: &'a str,
    exp: i64,
}

#[derive(Deserialize)]
struct PayloadIn<'a> {
    #[serde(borrow)]
    enc: &'a str,
}

pub struct Floor {
    sender: String,
    recipient: String,
    sender_secret: PrivateKey,
    recipient_secret: PrivateKey,
    sender_public: [u8; 32],
    recipient_public: [u8; 32],
    kek: KwAes256,
}

fn secret_of(id: &Identity) -> PrivateKey {
    let jwk: serde_json::Value =
        serde_json::from_str(&id.to_private_jwk()).expect("private JWK");
    let d = B64.decode_to_vec(jwk["d"].as_str().expect("d"))
        .expect("d is base64url");
    PrivateKey::from_private_key(&X25519, &d).expect("32-byte d")
}

impl Floor {
    pub fn new(sender: &Identity, recipient: &Identity) -> Self {
        let mut f = Floor {
            sender: sender.name().to_owned(),
            recipient: recipient.name().to_owned(),
            sender_secret: secret_of(sender),
            recipient_secret: secret_of(recipient),
            sender_public: *sender.machine_token().public_key(),
            recipient_public: *recipient.machine_token().public_key(),
            kek: KwAes256::new_from_slice(&[0; 32]).expect("kek"),
        };
        f.kek = f.derive(true);
        f
    }

    /// X25519 + HKDF (PROTOCOL.md §2) + the AES-KW key schedule: what a cache miss costs.
    fn derive(&self, outgoing: bool) -> KwAes256 {
        let (ours, theirs) = if outgoing {
            (&self.sender_secret, &self.recipient_public)
        } else {
            (&self.recipient_secret, &self.sender_public)
        };
        let z: [u8; 32] = agreement::agree(ours, UnparsedPublicKey::new(&X25519, theirs), (), |z| {
            Ok(<[u8; 32]>::try_from(z).expect("32 bytes"))
        })
        .expect("agree");
        let mut info = Vec::with_capacity(96 + self.sender.len() + self.recipient.len());
        info.extend_from_slice(b"hxjwt/v1 wrap");
        info.extend_from_slice(&(self.sender.len() as u16).to_be_bytes());
        info.extend_from_slice(self.sender.as_bytes());
        info.extend_from_slice(&(self.recipient.len() as u16).to_be_bytes());
        info.extend_from_slice(self.recipient.as_bytes());
        info.extend_from_slice(&self.sender_public);
        info.extend_from_slice(&self.recipient_public);
        let mut k = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"hxjwt/v1"), &z)
            .expand(&info, &mut k)
            .expect("hkdf");
        KwAes256::new_from_slice(&k).expect("kek")
    }

    pub fn create(&self, payload: &[u8], cold: bool) -> String {
        let derived;
        let kek = if cold {
            derived = self.derive(true);
            &derived
        } else {
            &self.kek
        };
        let mut rnd = [0u8; 76];
        getrandom::fill(&mut rnd).expect("getrandom");
        let (material, iv) = rnd.split_at(64);
        let mut wrapped = [0u8; 72];
        kek.wrap_key(material, &mut wrapped).expect("wrap");
        let kid = B64.encode_to_string(wrapped);
        let header = serde_json::to_string(&HeaderOut {
            alg: "HS256",
            typ: "JWT",
            kid: &kid,
            iss: &self.sender,
            aud: &self.recipient,
            iat: 1_767_225_600,
            exp: 1_767_225_600 + 86_400,
            context: hxjwt::hx1::CONTEXT_V1,
        })
        .expect("header json");
        let mut token = String::with_capacity(header.len() * 4 / 3 + payload.len() * 16 / 9 + 128);
        B64.encode_append(header.as_bytes(), &mut token);
        let mut enc = Vec::with_capacity(12 + payload.len() + 16);
        enc.extend_from_slice(iv);
        enc.extend_from_slice(payload);
        let cipher = Aes256Gcm::new_from_slice(&material[32..]).expect("gcm key");
        let iv: [u8; 12] = iv.try_into().expect("iv");
        let tag = cipher
            .encrypt_inout_detached(&iv.into(), token.as_bytes(), (&mut enc[12..]).into())
            .expect("encrypt");
        enc.extend_from_slice(&tag);
        let mut payload_json = String::with_capacity(enc.len() * 4 / 3 + 16);
        payload_json.push_str(r#"{"enc":""#);
        B64.encode_append(&enc, &mut payload_json);
        payload_json.push_str("\"}");
        token.push('.');
        B64.encode_append(payload_json.as_bytes(), &mut token);
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&material[..32]).expect("hmac");
        mac.update(token.as_bytes());
        let sig = mac.finalize().into_bytes();
        token.push('.');
        B64.encode_append(sig, &mut token);
        token
    }

    pub fn validate(&self, token: &str, cold: bool) -> Vec<u8> {
        let (h, rest) = token.split_once('.').expect("3 parts");
        let (p, s) = rest.split_once('.').expect("3 parts");
        let header = B64.decode_to_vec(h).expect("header b64");
        let payload = B64.decode_to_vec(p).expect("payload b64");
        let mut sig = [0u8; 32];
        B64.decode(s.as_bytes(), Out::from_slice(&mut sig)).expect("sig b64");
        let hdr: HeaderIn<'_> = serde_json::from_slice(&header).expect("header json");
        assert!(hdr.aud == self.recipient && hdr.iss == self.sender && hdr.exp > 0);
        let mut wrapped = [0u8; 72];
        B64.decode(hdr.kid.as_bytes(), Out::from_slice(&mut wrapped)).expect("kid b64");
        let derived;
        let kek = if cold {
            derived = self.derive(false);
            &derived
        } else {
            &self.kek
        };
        let mut material = [0u8; 64];
        kek.unwrap_key(&wrapped, &mut material).expect("unwrap");
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&material[..32]).expect("hmac");
        mac.update(&token.as_bytes()[..h.len() + 1 + p.len()]);
        mac.verify_slice(&sig).expect("mac");
        let pj: PayloadIn<'_> = serde_json::from_slice(&payload).expect("payload json");
        let mut enc = B64.decode_to_vec(pj.enc).expect("enc b64");
        let (iv, rest) = enc.split_at_mut(12);
        let (ct, tag) = rest.split_at_mut(rest.len() - 16);
        let iv: [u8; 12] = (&*iv).try_into().expect("iv");
        let tag: [u8; 16] = (&*tag).try_into().expect("tag");
        let cipher = Aes256Gcm::new_from_slice(&material[32..]).expect("gcm key");
        cipher
            .decrypt_inout_detached(&iv.into(), h.as_bytes(), ct.into(), &tag.into())
            .expect("decrypt");
        let n = ct.len();
        enc.copy_within(12..12 + n, 0);
        enc.truncate(n);
        enc
    }
}
