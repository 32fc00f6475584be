//! Content encryption (RFC 7518 §5): AES-GCM and AES-CBC with HMAC-SHA-2 (MAC checked in
//! constant time, before anything is decrypted).

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::{Aes128, Aes192, Aes256};
use aes_gcm::{AesGcm, Nonce, Tag};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt as _, BlockModeEncrypt as _, KeyIvInit};
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::alg::ContentAlgorithm;
use super::decryption_failed;
use crate::error::{Error, ErrorKind, Result};

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Internal, what.to_owned())
}

/// Encrypts `plaintext`; returns the ciphertext and the tag. `cek` and `iv` have the lengths of
/// `enc` (checked).
pub(crate) fn encrypt(
    enc: ContentAlgorithm,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(internal("content encryption: wrong key or IV length"));
    }
    match enc {
        ContentAlgorithm::A128GCM => gcm_encrypt::<Aes128>(cek, iv, aad, plaintext),
        ContentAlgorithm::A192GCM => gcm_encrypt::<Aes192>(cek, iv, aad, plaintext),
        ContentAlgorithm::A256GCM => gcm_encrypt::<Aes256>(cek, iv, aad, plaintext),
        ContentAlgorithm::A128CbcHs256 => {
            let ct = cbc_encrypt::<Aes128>(cek_enc_half(cek), iv, plaintext)?;
            let tag = cbc_tag::<Hmac<Sha256>>(cek_mac_half(cek), aad, iv, &ct, 16)?;
            Ok((ct, tag))
        }
        ContentAlgorithm::A192CbcHs384 => {
            let ct = cbc_encrypt::<Aes192>(cek_enc_half(cek), iv, plaintext)?;
            let tag = cbc_tag::<Hmac<Sha384>>(cek_mac_half(cek), aad, iv, &ct, 24)?;
            Ok((ct, tag))
        }
        ContentAlgorithm::A256CbcHs512 => {
            let ct = cbc_encrypt::<Aes256>(cek_enc_half(cek), iv, plaintext)?;
            let tag = cbc_tag::<Hmac<Sha512>>(cek_mac_half(cek), aad, iv, &ct, 32)?;
            Ok((ct, tag))
        }
    }
}

/// Decrypts; any failure (tag, padding, lengths) is the one [`decryption_failed`] error.
pub(crate) fn decrypt(
    enc: ContentAlgorithm,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(decryption_failed());
    }
    match enc {
        ContentAlgorithm::A128GCM => gcm_decrypt::<Aes128>(cek, iv, aad, ciphertext, tag),
        ContentAlgorithm::A192GCM => gcm_decrypt::<Aes192>(cek, iv, aad, ciphertext, tag),
        ContentAlgorithm::A256GCM => gcm_decrypt::<Aes256>(cek, iv, aad, ciphertext, tag),
        ContentAlgorithm::A128CbcHs256 => {
            cbc_check::<Hmac<Sha256>>(cek_mac_half(cek), aad, iv, ciphertext, tag)?;
            cbc_decrypt::<Aes128>(cek_enc_half(cek), iv, ciphertext)
        }
        ContentAlgorithm::A192CbcHs384 => {
            cbc_check::<Hmac<Sha384>>(cek_mac_half(cek), aad, iv, ciphertext, tag)?;
            cbc_decrypt::<Aes192>(cek_enc_half(cek), iv, ciphertext)
        }
        ContentAlgorithm::A256CbcHs512 => {
            cbc_check::<Hmac<Sha512>>(cek_mac_half(cek), aad, iv, ciphertext, tag)?;
            cbc_decrypt::<Aes256>(cek_enc_half(cek), iv, ciphertext)
        }
    }
}

/// [`decrypt`] in place: `buf` holds the ciphertext and, on success, the plaintext (shorter
/// for the CBC encryptions). The tag is checked before anything is decrypted, so a wrong key
/// leaves `buf` as it was; any failure is the one [`decryption_failed`] error.
pub(crate) fn decrypt_in_place(
    enc: ContentAlgorithm,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut Zeroizing<Vec<u8>>,
    tag: &[u8],
) -> Result<()> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(decryption_failed());
    }
    match enc {
        ContentAlgorithm::A128GCM | ContentAlgorithm::A192GCM | ContentAlgorithm::A256GCM => {
            GcmKey::new(cek)
                .ok_or_else(decryption_failed)?
                .decrypt_in_place(iv, aad, buf, tag)
        }
        ContentAlgorithm::A128CbcHs256 => {
            cbc_check::<Hmac<Sha256>>(cek_mac_half(cek), aad, iv, buf, tag)?;
            cbc_decrypt_in_place::<Aes128>(cek_enc_half(cek), iv, buf)
        }
        ContentAlgorithm::A192CbcHs384 => {
            cbc_check::<Hmac<Sha384>>(cek_mac_half(cek), aad, iv, buf, tag)?;
            cbc_decrypt_in_place::<Aes192>(cek_enc_half(cek), iv, buf)
        }
        ContentAlgorithm::A256CbcHs512 => {
            cbc_check::<Hmac<Sha512>>(cek_mac_half(cek), aad, iv, buf, tag)?;
            cbc_decrypt_in_place::<Aes256>(cek_enc_half(cek), iv, buf)
        }
    }
}

/// RFC 7518 §5.2.2.1: `MAC_KEY` is the first half of the CEK, `ENC_KEY` the second.
fn cek_mac_half(cek: &[u8]) -> &[u8] {
    cek.get(..cek.len() / 2).unwrap_or_default()
}

fn cek_enc_half(cek: &[u8]) -> &[u8] {
    cek.get(cek.len() / 2..).unwrap_or_default()
}

type Gcm<C> = AesGcm<C, U12>;

/// An AES-GCM key schedule made once for a symmetric key (a `dir` key's content key, an
/// `A*GCMKW` key-encryption key) and kept with it; the round keys and GHASH key are wiped on
/// drop (the `zeroize` features of `aes` and `ghash`).
pub(crate) enum GcmKey {
    A128(Box<Gcm<Aes128>>),
    A192(Box<Gcm<Aes192>>),
    A256(Box<Gcm<Aes256>>),
}

impl GcmKey {
    /// The schedule of a 16-, 24- or 32-byte key; `None` for any other length.
    pub(crate) fn new(key: &[u8]) -> Option<GcmKey> {
        match key.len() {
            16 => Gcm::<Aes128>::new_from_slice(key)
                .ok()
                .map(|c| GcmKey::A128(Box::new(c))),
            24 => Gcm::<Aes192>::new_from_slice(key)
                .ok()
                .map(|c| GcmKey::A192(Box::new(c))),
            32 => Gcm::<Aes256>::new_from_slice(key)
                .ok()
                .map(|c| GcmKey::A256(Box::new(c))),
            _ => None,
        }
    }

    /// The content encryption this schedule serves as a `dir` key.
    pub(crate) fn enc(&self) -> ContentAlgorithm {
        match self {
            GcmKey::A128(_) => ContentAlgorithm::A128GCM,
            GcmKey::A192(_) => ContentAlgorithm::A192GCM,
            GcmKey::A256(_) => ContentAlgorithm::A256GCM,
        }
    }

    /// Encrypts `buf` in place; returns the tag.
    pub(crate) fn encrypt_in_place(
        &self,
        iv: &[u8],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; 16]> {
        let nonce = Nonce::<U12>::try_from(iv).map_err(|_| internal("AES-GCM IV length"))?;
        let tag = match self {
            GcmKey::A128(c) => c.encrypt_inout_detached(&nonce, aad, buf.into()),
            GcmKey::A192(c) => c.encrypt_inout_detached(&nonce, aad, buf.into()),
            GcmKey::A256(c) => c.encrypt_inout_detached(&nonce, aad, buf.into()),
        }
        .map_err(|_| Error::invalid_argument("the plaintext is too long for AES-GCM"))?;
        Ok(tag.into())
    }

    /// Checks the tag, then decrypts `buf` in place; on any failure `buf` is left as it was
    /// (the tag is checked before anything is decrypted) and the error is the one
    /// [`decryption_failed`].
    pub(crate) fn decrypt_in_place(
        &self,
        iv: &[u8],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8],
    ) -> Result<()> {
        let nonce = Nonce::<U12>::try_from(iv).map_err(|_| decryption_failed())?;
        let tag = Tag::try_from(tag).map_err(|_| decryption_failed())?;
        match self {
            GcmKey::A128(c) => c.decrypt_inout_detached(&nonce, aad, buf.into(), &tag),
            GcmKey::A192(c) => c.decrypt_inout_detached(&nonce, aad, buf.into(), &tag),
            GcmKey::A256(c) => c.decrypt_inout_detached(&nonce, aad, buf.into(), &tag),
        }
        .map_err(|_| decryption_failed())
    }
}

fn gcm_encrypt<C>(cek: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<(Vec<u8>, Vec<u8>)>
where
    Gcm<C>: KeyInit + AeadInOut<NonceSize = U12>,
{
    let cipher = Gcm::<C>::new_from_slice(cek).map_err(|_| internal("AES-GCM key setup"))?;
    let nonce = Nonce::<U12>::try_from(iv).map_err(|_| internal("AES-GCM IV length"))?;
    let mut buf = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into())
        .map_err(|_| Error::invalid_argument("the plaintext is too long for AES-GCM"))?;
    Ok((buf, tag.to_vec()))
}

fn gcm_decrypt<C>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>>
where
    Gcm<C>: KeyInit + AeadInOut<NonceSize = U12, TagSize = aes_gcm::aead::consts::U16>,
{
    let cipher = Gcm::<C>::new_from_slice(cek).map_err(|_| decryption_failed())?;
    let nonce = Nonce::<U12>::try_from(iv).map_err(|_| decryption_failed())?;
    let tag = Tag::try_from(tag).map_err(|_| decryption_failed())?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag)
        .map_err(|_| decryption_failed())?;
    Ok(buf)
}

fn cbc_encrypt<C>(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>>
where
    cbc::Encryptor<C>: KeyIvInit,
    C: cbc::cipher::BlockCipherEncrypt
        + cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>,
{
    let enc =
        cbc::Encryptor::<C>::new_from_slices(key, iv).map_err(|_| internal("AES-CBC key setup"))?;
    let len = plaintext.len();
    let mut buf = vec![0u8; (len / 16 + 1) * 16];
    buf.get_mut(..len)
        .ok_or_else(|| internal("AES-CBC buffer"))?
        .copy_from_slice(plaintext);
    let ct_len = enc
        .encrypt_padded::<Pkcs7>(&mut buf, len)
        .map_err(|_| internal("AES-CBC padding"))?
        .len();
    buf.truncate(ct_len);
    Ok(buf)
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>>
where
    cbc::Decryptor<C>: KeyIvInit,
    C: cbc::cipher::BlockCipherDecrypt
        + cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>,
{
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cbc_decrypt_in_place::<C>(key, iv, &mut buf)?;
    Ok(buf)
}

fn cbc_decrypt_in_place<C>(key: &[u8], iv: &[u8], buf: &mut Zeroizing<Vec<u8>>) -> Result<()>
where
    cbc::Decryptor<C>: KeyIvInit,
    C: cbc::cipher::BlockCipherDecrypt
        + cbc::cipher::BlockSizeUser<BlockSize = cbc::cipher::consts::U16>,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| decryption_failed())?;
    let len = dec
        .decrypt_padded::<Pkcs7>(buf.as_mut_slice())
        .map_err(|_| decryption_failed())?
        .len();
    buf.truncate(len);
    Ok(())
}

/// `HMAC(MAC_KEY, A ‖ IV ‖ C ‖ AL)`, where `AL` is the bit length of A as a 64-bit big-endian number.
fn cbc_mac<M: Mac + KeyInit>(mac_key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> Result<M> {
    let mut mac =
        <M as KeyInit>::new_from_slice(mac_key).map_err(|_| internal("HMAC key setup"))?;
    let al = u64::try_from(aad.len())
        .ok()
        .and_then(|n| n.checked_mul(8))
        .ok_or_else(|| Error::malformed("the additional authenticated data is too long"))?;
    mac.update(aad);
    mac.update(iv);
    mac.update(ct);
    mac.update(&al.to_be_bytes());
    Ok(mac)
}

fn cbc_tag<M: Mac + KeyInit>(
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ct: &[u8],
    tag_len: usize,
) -> Result<Vec<u8>> {
    let full = cbc_mac::<M>(mac_key, aad, iv, ct)?.finalize().into_bytes();
    full.get(..tag_len)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| internal("HMAC output length"))
}

/// Checks the truncated tag in constant time (`verify_truncated_left`).
fn cbc_check<M: Mac + KeyInit>(
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Result<()> {
    cbc_mac::<M>(mac_key, aad, iv, ct)
        .map_err(|_| decryption_failed())?
        .verify_truncated_left(tag)
        .map_err(|_| decryption_failed())
}
