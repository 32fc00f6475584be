package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
)

// JWEKey is a key for encrypting or decrypting standard JWE tokens (RFC 7516/7518): a symmetric
// secret (dir, A128KW ... A256KW, A128GCMKW ... A256GCMKW) or a PBES2 password, an RSA key
// (RSA-OAEP, RSA-OAEP-256; 2048 to 8192 bits), an EC key on P-256, P-384 or P-521 or an X25519
// key (ECDH-ES, ECDH-ES+A*KW, ECDH-1PU), private or public. A key serves only the algorithms of
// its type, and its JWK alg, use and key_ops are honoured. Keys are immutable and may be used
// from several goroutines at once; Close one when done (its private material is wiped).
type JWEKey struct {
	h                  handle[C.HxJweKey]
	kid, kty, crv, alg string
	isPrivate          bool
}

func newJWEKey(p *C.HxJweKey) *JWEKey {
	var kid, kty, crv, alg *C.char
	var private C.bool
	C.hxgo_jwe_key_describe(p, &kid, &private, &kty, &crv, &alg)
	k := &JWEKey{isPrivate: bool(private)}
	// Borrowed (kid, crv, alg) or static (kty) strings: copied while the key is alive.
	for _, f := range []struct {
		dst *string
		src *C.char
	}{{&k.kid, kid}, {&k.kty, kty}, {&k.crv, crv}, {&k.alg, alg}} {
		if f.src != nil {
			*f.dst = C.GoString(f.src)
		}
	}
	k.h.ptr = p
	k.h.free = func(p *C.HxJweKey) { C.hx_jwe_key_free(p) }
	runtime.SetFinalizer(k, (*JWEKey).Close)
	return k
}

// jweKeyFrom runs a constructor that writes an HxJweKey.
func jweKeyFrom(call func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t) (*JWEKey, error) {
	var out *C.HxJweKey
	var e C.hxgo_err
	if st := call(&out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newJWEKey(out), nil
}

// JWEKeyFromJWK reads a JWE key from a JWK (RFC 7517/7518/8037), private or public: kty "oct" (a
// secret or PBES2 password), "RSA" (2048 to 8192 bits), "EC" (crv P-256, P-384, P-521) or "OKP"
// (crv X25519). Its kid, alg, use and key_ops are kept and honoured: a JWK whose use is not
// "enc", or whose alg is not a JWE algorithm, fails with ErrInvalidKey, as does a point off its
// curve or a low-order X25519 key.
func JWEKeyFromJWK(jwk string) (*JWEKey, error) {
	c, err := cstring(jwk, "JWK")
	if err != nil {
		return nil, err
	}
	defer wipe(c)
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_from_jwk(cptr(c), out, e)
	})
}

// JWEKeyFromPEM reads an RSA or EC JWE key from PEM text (PKCS#8, SPKI, PKCS#1 or SEC1). The key
// has no kid (see WithKid). Anything else fails with ErrInvalidKey.
func JWEKeyFromPEM(pem string) (*JWEKey, error) {
	c, err := cstring(pem, "PEM")
	if err != nil {
		return nil, err
	}
	defer wipe(c)
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_from_pem(cptr(c), out, e)
	})
}

// JWEKeyFromSecret makes a symmetric JWE key from raw bytes (NUL bytes included): the content
// key of dir (as long as the enc needs: 16 to 64 bytes) or the key-wrap key of A*KW and A*GCMKW
// (16, 24 or 32 bytes). An empty secret fails with ErrInvalidKey. The library keeps its own copy:
// secret may be wiped once this returns.
func JWEKeyFromSecret(secret []byte) (*JWEKey, error) {
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_from_secret(bytesPtr(secret), C.size_t(len(secret)), out, e)
	})
}

// JWEKeyFromPassword makes a PBES2 password key (PBES2-HS256+A128KW ...). Decrypting with it also
// needs the PBES2 algorithm in JWEOptions.Algorithms, and the token's p2c within
// JWEOptions.MaxP2C. The library keeps its own copy: password may be wiped once this returns.
func JWEKeyFromPassword(password []byte) (*JWEKey, error) {
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_from_password(bytesPtr(password), C.size_t(len(password)), out, e)
	})
}

// GenerateJWEKey makes a new private JWE key from the operating system's random generator.
// kind is "X25519", "P-256", "P-384" or "P-521" (ECDH-ES, ECDH-1PU), "RSA" (2048 bits),
// "RSA-3072" or "RSA-4096" (RSA-OAEP), or "oct-16" ... "oct-64" (a random secret of that many
// bytes). Its kid is its RFC 7638 thumbprint; give senders PublicJWK. Another kind fails with
// ErrInvalidArgument.
func GenerateJWEKey(kind string) (*JWEKey, error) {
	c, err := cstring(kind, "kind")
	if err != nil {
		return nil, err
	}
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_generate(cptr(c), out, e)
	})
}

// derive runs a function that makes a new key from k.
func (k *JWEKey) derive(call func(p *C.HxJweKey, out **C.HxJweKey, e *C.hxgo_err) C.uint32_t) (*JWEKey, error) {
	p, err := k.acquire()
	if err != nil {
		return nil, err
	}
	defer k.h.release()
	return jweKeyFrom(func(out **C.HxJweKey, e *C.hxgo_err) C.uint32_t { return call(p, out, e) })
}

// WithKid returns a copy of k whose kid is kid; k is unchanged. The kid is written into the
// headers of the tokens encrypted for the copy, and selects it among several decryption keys.
func (k *JWEKey) WithKid(kid string) (*JWEKey, error) {
	c, err := cstring(kid, "kid")
	if err != nil {
		return nil, err
	}
	return k.derive(func(p *C.HxJweKey, out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_with_kid(p, cptr(c), out, e)
	})
}

// Public returns the public half of k (same kid, alg and use): what senders encrypt to. A
// symmetric secret has none (ErrInvalidKey).
func (k *JWEKey) Public() (*JWEKey, error) {
	return k.derive(func(p *C.HxJweKey, out **C.HxJweKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_to_public(p, out, e)
	})
}

// text runs a function that writes a string about k.
func (k *JWEKey) text(call func(p *C.HxJweKey, out **C.char, e *C.hxgo_err) C.uint32_t) (string, error) {
	p, err := k.acquire()
	if err != nil {
		return "", err
	}
	defer k.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := call(p, &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// PublicJWK is the public JWK of k (no private member): what a recipient publishes. A symmetric
// secret must never be published (ErrInvalidKey).
func (k *JWEKey) PublicJWK() (string, error) {
	return k.text(func(p *C.HxJweKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_to_public_jwk(p, out, e)
	})
}

// PrivateJWK is the full JWK of k, private members included (d and the RSA CRT numbers, or the
// secret k): store it like a password, and read it again with JWEKeyFromJWK. For a public key
// it is the public JWK.
func (k *JWEKey) PrivateJWK() (string, error) {
	return k.text(func(p *C.HxJweKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_to_private_jwk(p, out, e)
	})
}

// Kid is the key's kid, "" when it has none (or k is nil).
func (k *JWEKey) Kid() string {
	if k == nil {
		return ""
	}
	return k.kid
}

// Kty is the key's JWK kty: "oct" (a secret or a password), "RSA", "EC" or "OKP" (X25519); ""
// when k is nil.
func (k *JWEKey) Kty() string {
	if k == nil {
		return ""
	}
	return k.kty
}

// Curve is the curve of an EC or X25519 key ("P-256", "P-384", "P-521", "X25519"); "" for a
// secret, a password or an RSA key (or when k is nil).
func (k *JWEKey) Curve() string {
	if k == nil {
		return ""
	}
	return k.crv
}

// Algorithm is the one key management algorithm the key is restricted to (its JWK alg, e.g.
// "ECDH-ES+A256KW"); "" when it serves every algorithm of its kind (or k is nil).
func (k *JWEKey) Algorithm() string {
	if k == nil {
		return ""
	}
	return k.alg
}

// Thumbprint is the RFC 7638 JWK thumbprint of k (base64url SHA-256 of its required public
// members), the same for a private key and its public half, whatever its kid. For a secret or a
// password the required member is k itself: treat that thumbprint as sensitive.
func (k *JWEKey) Thumbprint() (string, error) {
	return k.text(func(p *C.HxJweKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_jwe_key_thumbprint(p, out, e)
	})
}

// IsPrivate reports whether the key can decrypt: a secret, a password or a private key.
func (k *JWEKey) IsPrivate() bool {
	return k != nil && k.isPrivate
}

// Close frees the key and wipes its private material. It is idempotent; later uses return an
// ErrInvalidArgument error.
func (k *JWEKey) Close() error {
	if k != nil {
		k.h.close()
		runtime.SetFinalizer(k, nil)
	}
	return nil
}

func (k *JWEKey) acquire() (*C.HxJweKey, error) {
	if k == nil {
		return nil, argumentError("JWEKey is nil")
	}
	return k.h.acquire("JWEKey")
}

// JWEKeys is what decrypts a token (or, for ECDH-1PU, the senders accepted): a *JWEKey, or a
// JWEKeyList of several, among which the token's kid (skid for senders) selects; keys without a
// kid that fit the token's alg are tried when none matches, at most 16.
type JWEKeys interface {
	jweKeys() []*JWEKey
}

// JWEKeyList is several JWE keys, as one JWEKeys argument.
type JWEKeyList []*JWEKey

func (k *JWEKey) jweKeys() []*JWEKey    { return []*JWEKey{k} }
func (l JWEKeyList) jweKeys() []*JWEKey { return l }

// keyList is the keys of a JWEKeys argument; nil is an empty list when optional, else an error.
func keyList(keys JWEKeys, what string, optional bool) ([]*JWEKey, error) {
	if keys == nil {
		if optional {
			return nil, nil
		}
		return nil, argumentError(what + " is nil")
	}
	list := keys.jweKeys()
	for _, k := range list {
		if k == nil {
			return nil, argumentError(what + " holds a nil JWEKey")
		}
	}
	return list, nil
}

// heldKeys is the C pointers of JWE keys whose handles are held (read-locked) for one call.
type heldKeys struct {
	held []*JWEKey
}

// hold read-locks each distinct key of lists once (a key given twice is locked once: a second
// read lock could wait for a Close queued behind the first) and returns their C pointers in
// lists' order. On error nothing stays held.
func (h *heldKeys) hold(lists ...[]*JWEKey) ([][]*C.HxJweKey, error) {
	out := make([][]*C.HxJweKey, len(lists))
	ptrs := map[*JWEKey]*C.HxJweKey{}
	for i, list := range lists {
		for _, k := range list {
			p, ok := ptrs[k]
			if !ok {
				var err error
				if p, err = k.acquire(); err != nil {
					h.release()
					return nil, err
				}
				h.held = append(h.held, k)
				ptrs[k] = p
			}
			out[i] = append(out[i], p)
		}
	}
	return out, nil
}

func (h *heldKeys) release() {
	for _, k := range h.held {
		k.h.release()
	}
	h.held = nil
}

// keysPtr is the C view of a list of key pointers (NULL when empty). The slice is Go memory
// holding C pointers only, which cgo allows passing.
func keysPtr(list []*C.HxJweKey) **C.HxJweKey {
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}

// JWEOptions are what a decryption accepts. Algorithms and Encryptions are required; the zero
// value of every other field is the library's default: tokens up to JWEDefaultMaxTokenLength
// (256 KiB), PBES2 p2c up to JWEDefaultMaxP2C (200000), zip refused, no crit name understood, no
// typ required.
type JWEOptions struct {
	// Algorithms are the accepted key management algorithms ("dir", "A128KW", "ECDH-ES",
	// "ECDH-ES+A256KW", "ECDH-1PU", "RSA-OAEP-256", "PBES2-HS256+A128KW", ...; exact names).
	// There is no default, so a token's header never chooses: empty fails with
	// ErrInvalidArgument, an unknown name, and "RSA1_5" (never accepted), with
	// ErrUnsupportedAlgorithm.
	Algorithms []string
	// Encryptions are the accepted content encryptions ("A256GCM", "A128CBC-HS256", ...), as
	// required as Algorithms.
	Encryptions []string
	// MaxTokenLength is the longest token accepted, in bytes (compact or JSON); a longer one
	// fails with ErrMalformed before anything is decoded. 0 keeps the default,
	// JWEDefaultMaxTokenLength (256 KiB).
	MaxTokenLength int
	// MaxP2C is the largest PBES2 p2c (iteration count) accepted; a larger one fails with
	// ErrMalformed before any PBKDF2 work. 0 keeps the default, JWEDefaultMaxP2C (200000). To
	// accept no PBES2 token at all, leave the PBES2 algorithms out of Algorithms.
	MaxP2C int
	// AllowZip accepts zip "DEF", inflating to at most that many bytes (a larger plaintext fails
	// with ErrMalformed as soon as it passes the limit). 0: zip is refused with ErrUnknownHeader.
	// JWEDefaultMaxInflatedLength is a sensible value.
	AllowZip int
	// Critical are the crit header names the caller understands (and checks itself in
	// JWEDecrypted.Header). Empty: a token with crit fails with ErrUnknownHeader.
	Critical []string
	// Typ is the required header typ, compared case-insensitively; a token without it, or with
	// another, fails with ErrInvalidClaim. "" for none.
	Typ string
}

// The library's JWE bounds, taken from include/hxjwt.h when the package is built (a test checks
// them against the header's text too).
const (
	// JWEDefaultMaxTokenLength is the longest token a decryption accepts by default, in bytes:
	// 262144 (256 KiB), equal to HX_JWE_DEFAULT_MAX_TOKEN_LENGTH (JWEOptions.MaxTokenLength 0).
	JWEDefaultMaxTokenLength = C.HX_JWE_DEFAULT_MAX_TOKEN_LENGTH
	// JWEDefaultMaxP2C is the largest PBES2 p2c a decryption accepts by default: 200000, equal to
	// HX_JWE_DEFAULT_MAX_P2C (JWEOptions.MaxP2C 0).
	JWEDefaultMaxP2C = C.HX_JWE_DEFAULT_MAX_P2C
	// JWEDefaultMaxInflatedLength is a sensible JWEOptions.AllowZip, in bytes: 250000 (a
	// compression bomb costs no more), equal to HX_JWE_DEFAULT_MAX_INFLATED_LENGTH.
	JWEDefaultMaxInflatedLength = C.HX_JWE_DEFAULT_MAX_INFLATED_LENGTH
)

// JWESensibleMaxInflated is JWEDefaultMaxInflatedLength (250000 bytes), its earlier name, kept
// for the programs that use it.
const JWESensibleMaxInflated = JWEDefaultMaxInflatedLength

// JWEDecryption is a set of JWEOptions made once by NewJWEDecryption, for JWEDecrypt and the
// other JWEDecrypt* functions, and shared by any number of goroutines. Close it when no goroutine
// uses it any more.
type JWEDecryption struct {
	h handle[C.HxJweOptions]
}

// NewJWEDecryption makes a decryption from opts. An empty Algorithms or Encryptions fails with
// ErrInvalidArgument, an unknown name with ErrUnsupportedAlgorithm.
func NewJWEDecryption(opts JWEOptions) (*JWEDecryption, error) {
	algs, freeAlgs, err := cstrings(opts.Algorithms, "algorithm")
	if err != nil {
		return nil, err
	}
	defer freeAlgs()
	encs, freeEncs, err := cstrings(opts.Encryptions, "encryption")
	if err != nil {
		return nil, err
	}
	defer freeEncs()
	var out *C.HxJweOptions
	var e C.hxgo_err
	st := C.hxgo_jwe_options_new(algs, C.size_t(len(opts.Algorithms)), encs, C.size_t(len(opts.Encryptions)), &out, &e)
	if st != 0 {
		return nil, failure(st, &e)
	}
	d := &JWEDecryption{}
	d.h.ptr = out
	d.h.free = func(p *C.HxJweOptions) { C.hx_jwe_options_free(p) }
	runtime.SetFinalizer(d, (*JWEDecryption).Close)
	if err := configureJWE(out, &opts); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// configureJWE applies every option but the allow-lists, stopping at the first failure.
func configureJWE(p *C.HxJweOptions, o *JWEOptions) error {
	var e C.hxgo_err
	steps := []func() (C.uint32_t, error){
		func() (C.uint32_t, error) {
			if o.MaxTokenLength < 0 {
				return 0, argumentError("max token length is negative")
			}
			if o.MaxTokenLength == 0 {
				return 0, nil
			}
			return C.hxgo_jwe_options_set_max_token_length(p, C.size_t(o.MaxTokenLength), &e), nil
		},
		func() (C.uint32_t, error) {
			if o.MaxP2C < 0 || uint64(o.MaxP2C) > math.MaxUint32 {
				return 0, argumentError("max p2c is negative or over 4294967295")
			}
			if o.MaxP2C == 0 {
				return 0, nil
			}
			return C.hxgo_jwe_options_set_max_p2c(p, C.uint32_t(o.MaxP2C), &e), nil
		},
		func() (C.uint32_t, error) {
			if o.AllowZip < 0 {
				return 0, argumentError("allow zip is negative")
			}
			if o.AllowZip == 0 {
				return 0, nil
			}
			return C.hxgo_jwe_options_allow_zip(p, C.size_t(o.AllowZip), &e), nil
		},
		func() (C.uint32_t, error) {
			if len(o.Critical) == 0 {
				return 0, nil
			}
			list, free, err := cstrings(o.Critical, "critical name")
			if err != nil {
				return 0, err
			}
			defer free()
			return C.hxgo_jwe_options_set_critical(p, list, C.size_t(len(o.Critical)), &e), nil
		},
		func() (C.uint32_t, error) {
			if o.Typ == "" {
				return 0, nil
			}
			c, err := cstring(o.Typ, "typ")
			if err != nil {
				return 0, err
			}
			return C.hxgo_jwe_options_set_typ(p, cptr(c), &e), nil
		},
	}
	for _, step := range steps {
		st, err := step()
		if err != nil {
			return err
		}
		if st != 0 {
			return failure(st, &e)
		}
	}
	return nil
}

// Close frees the decryption. It is idempotent; later uses return an ErrInvalidArgument error.
func (d *JWEDecryption) Close() error {
	if d != nil {
		d.h.close()
		runtime.SetFinalizer(d, nil)
	}
	return nil
}

func (d *JWEDecryption) acquire() (*C.HxJweOptions, error) {
	if d == nil {
		return nil, argumentError("JWEDecryption is nil")
	}
	return d.h.acquire("JWEDecryption")
}

// JWEDecrypted is a decrypted JWE: plain Go values, the C memory behind them already freed (the
// library's copy of the plaintext wiped).
type JWEDecrypted struct {
	// Header is the protected header (for the JSON serialization, the protected, shared and
	// recipient members merged), numbers as json.Number.
	Header map[string]any
	// HeaderJSON is Header as the JSON text the library wrote.
	HeaderJSON []byte
	// Alg is the key management algorithm that decrypted it (the header's alg).
	Alg string
	// Enc is the content encryption (the header's enc).
	Enc string
	// Plaintext is the decrypted plaintext (inflated when zip was used). Wipe zeroes it.
	Plaintext []byte
	// AAD is the JSON serialization's aad member, decoded; nil when the token has none.
	AAD []byte
}

// Wipe overwrites the plaintext with zeros, once it is no longer needed.
func (d *JWEDecrypted) Wipe() {
	if d != nil {
		wipe(d.Plaintext)
	}
}

// decrypted builds the result from what the library wrote, freeing it (the plaintext and the aad
// with hx_bytes_free, which wipes them; the header with hx_string_free).
func decrypted(pt *C.uint8_t, n C.size_t, header *C.char, aad *C.uint8_t, aadLen C.size_t) (*JWEDecrypted, error) {
	d := &JWEDecrypted{Plaintext: copyBytes(pt, n)}
	C.hx_bytes_free(pt, n)
	if aad != nil {
		d.AAD = copyBytes(aad, aadLen)
		C.hx_bytes_free(aad, aadLen)
	}
	d.HeaderJSON = takeBytes(header)
	dec := json.NewDecoder(bytes.NewReader(d.HeaderJSON))
	dec.UseNumber()
	if err := dec.Decode(&d.Header); err != nil {
		d.Wipe()
		return nil, &Error{Kind: "Internal", Status: int(C.HX_ERR_INTERNAL), Message: "the library's header is not a JSON object: " + err.Error()}
	}
	d.Alg, _ = d.Header["alg"].(string)
	d.Enc, _ = d.Header["enc"].(string)
	return d, nil
}

// JWEEncrypt encrypts plaintext for key (the recipient's public key, or the shared secret or
// password) as a compact JWE with the key management algorithm alg and the content encryption
// enc (exact names: "ECDH-ES+A256KW", "A256GCM"). The protected header is {"alg","enc"}, the
// key's kid if it has one, and the members the algorithm needs (epk, iv/tag, p2s/p2c).
//
// It fails with ErrUnsupportedAlgorithm for an unknown or refused name ("RSA1_5"),
// ErrInvalidKey when the key does not fit the algorithm (an RSA key for A128KW, a 16-byte
// secret for A256KW), and ErrInvalidArgument for an ECDH-1PU algorithm (see JWEEncrypt1PU).
func JWEEncrypt(plaintext []byte, key *JWEKey, alg, enc string) (string, error) {
	return JWEEncryptWithHeader(plaintext, nil, key, alg, enc)
}

// JWEEncryptWithHeader is JWEEncrypt with header members: header is nil, or a JSON object as
// JSON text ([]byte, json.RawMessage, string) or a value encoding/json encodes (a map, a
// struct), whose typ, cty, kid (strings), apu, apv (base64url strings), p2c (an integer) and zip
// ("DEF": compress) are used as such, and whose other members are copied into the protected
// header. alg, enc, epk, crit and the other members hxjwt writes itself are refused with
// ErrInvalidArgument.
func JWEEncryptWithHeader(plaintext []byte, header any, key *JWEKey, alg, enc string) (string, error) {
	return encryptCompact(plaintext, header, key, nil, alg, enc)
}

// JWEEncrypt1PU encrypts plaintext with ECDH-1PU ("ECDH-1PU", "ECDH-1PU+A128KW" ...; the
// key-wrapped forms only with an A*CBC-HS* enc): recipient is the recipient's public key and
// sender the sender's private key on the same curve (X25519, P-256, P-384, P-521). The sender
// key's kid (or the skid of header) is written as skid, so that the recipient can select the
// sender's public key. header is nil or as for JWEEncryptWithHeader. It fails as
// JWEEncryptWithHeader does, and with ErrInvalidKey when the sender key is public or on another
// curve.
func JWEEncrypt1PU(plaintext []byte, header any, recipient, sender *JWEKey, alg, enc string) (string, error) {
	if sender == nil {
		return "", argumentError("sender is nil")
	}
	return encryptCompact(plaintext, header, recipient, sender, alg, enc)
}

func encryptCompact(plaintext []byte, header any, key, sender *JWEKey, alg, enc string) (string, error) {
	var cheader []byte
	var err error
	if header != nil {
		if cheader, err = jsonObject(header, "header"); err != nil {
			return "", err
		}
	}
	calg, err := cstring(alg, "alg")
	if err != nil {
		return "", err
	}
	cenc, err := cstring(enc, "enc")
	if err != nil {
		return "", err
	}
	if key == nil {
		return "", argumentError("key is nil")
	}
	lists := [][]*JWEKey{{key}}
	if sender != nil {
		lists = append(lists, []*JWEKey{sender})
	}
	var h heldKeys
	ptrs, err := h.hold(lists...)
	if err != nil {
		return "", err
	}
	defer h.release()
	var out *C.char
	var e C.hxgo_err
	var st C.uint32_t
	if sender == nil {
		st = C.hxgo_jwe_encrypt(ptrs[0][0], cptr(calg), cptr(cenc), cptr(cheader),
			bytesPtr(plaintext), C.size_t(len(plaintext)), &out, &e)
	} else {
		st = C.hxgo_jwe_encrypt_1pu(ptrs[0][0], ptrs[1][0], cptr(calg), cptr(cenc), cptr(cheader),
			bytesPtr(plaintext), C.size_t(len(plaintext)), &out, &e)
	}
	if st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// JWERecipient is one recipient of JWEEncryptJSON: its key (its public key, or the shared
// secret) and the key management algorithm that reaches it. Its kid is the key's (WithKid).
type JWERecipient struct {
	Key *JWEKey
	Alg string
}

// JWEJSONOptions are the optional parts of JWEEncryptJSON; the zero value (or nil) is none.
type JWEJSONOptions struct {
	// Header is nil or protected header members shared by every recipient, as for
	// JWEEncryptWithHeader (its kid is not used: each recipient has its key's).
	Header any
	// AAD is written as the aad member and authenticated (not encrypted); nil for none.
	AAD []byte
	// Sender is the sender's private key, for ECDH-1PU recipients; nil otherwise.
	Sender *JWEKey
	// Flattened writes the flattened form (one recipient only); false writes the general form.
	Flattened bool
}

// JWEEncryptJSON encrypts plaintext for every recipient in the JSON serialization (RFC 7516
// section 7.2), all sharing the content encryption enc: the general form (one to 16 recipients),
// or the flattened one with opts.Flattened and one recipient. It returns the JSON text, and fails
// as JWEEncryptWithHeader does.
func JWEEncryptJSON(plaintext []byte, recipients []JWERecipient, enc string, opts *JWEJSONOptions) (string, error) {
	if opts == nil {
		opts = &JWEJSONOptions{}
	}
	var cheader []byte
	var err error
	if opts.Header != nil {
		if cheader, err = jsonObject(opts.Header, "header"); err != nil {
			return "", err
		}
	}
	cenc, err := cstring(enc, "enc")
	if err != nil {
		return "", err
	}
	keys := make([]*JWEKey, len(recipients))
	names := make([]string, len(recipients))
	for i, r := range recipients {
		if r.Key == nil {
			return "", argumentError("a recipient's key is nil")
		}
		keys[i], names[i] = r.Key, r.Alg
	}
	algs, freeAlgs, err := cstrings(names, "alg")
	if err != nil {
		return "", err
	}
	defer freeAlgs()
	lists := [][]*JWEKey{keys}
	if opts.Sender != nil {
		lists = append(lists, []*JWEKey{opts.Sender})
	}
	var h heldKeys
	ptrs, err := h.hold(lists...)
	if err != nil {
		return "", err
	}
	defer h.release()
	var sender *C.HxJweKey
	if opts.Sender != nil {
		sender = ptrs[1][0]
	}
	var out *C.char
	var e C.hxgo_err
	st := C.hxgo_jwe_encrypt_json(keysPtr(ptrs[0]), algs, C.size_t(len(recipients)), sender, cptr(cenc),
		cptr(cheader), bytesPtr(plaintext), C.size_t(len(plaintext)), bytesPtr(opts.AAD),
		C.size_t(len(opts.AAD)), C.bool(!opts.Flattened), &out, &e)
	if st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// JWEDecrypt decrypts a compact JWE with keys (a *JWEKey or a JWEKeyList: private keys, secrets
// or passwords), accepting only what d allows. The checks, in order, the first failure returned:
// size and structure, exactly 5 segments (ErrMalformed: a JWS or a JSON-serialized token is
// refused here); alg and enc among d's (ErrUnsupportedAlgorithm), crit and zip
// (ErrUnknownHeader), the required typ (ErrInvalidClaim); the lengths of the encrypted key, IV
// and tag (ErrMalformed); a key for the token (ErrKeyNotFound; ErrInvalidKey for a key of
// another type or whose JWK alg/use/key_ops forbid it); the key management parameters
// (ErrInvalidKey for an epk off its curve or of low order; ErrMalformed for a p2c over the
// maximum); then the cryptography, whose every failure is ErrDecryptionFailed. ECDH-1PU tokens
// need JWEDecrypt1PU.
func JWEDecrypt(token string, keys JWEKeys, d *JWEDecryption) (*JWEDecrypted, error) {
	return decryptCompact(token, keys, nil, d)
}

// JWEDecrypt1PU is JWEDecrypt for ECDH-1PU tokens: senders holds the public keys of the senders
// accepted (a *JWEKey or a JWEKeyList; the token's skid selects one: a sender key that does not
// match fails with ErrKeyNotFound, a wrong one with ErrDecryptionFailed). Only the ECDH-1PU
// algorithms of d are accepted here.
func JWEDecrypt1PU(token string, keys, senders JWEKeys, d *JWEDecryption) (*JWEDecrypted, error) {
	if senders == nil {
		return nil, argumentError("senders is nil")
	}
	return decryptCompact(token, keys, senders, d)
}

func decryptCompact(token string, keys, senders JWEKeys, d *JWEDecryption) (*JWEDecrypted, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	klist, err := keyList(keys, "keys", false)
	if err != nil {
		return nil, err
	}
	slist, err := keyList(senders, "senders", true)
	if err != nil {
		return nil, err
	}
	dp, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	var h heldKeys
	ptrs, err := h.hold(klist, slist)
	if err != nil {
		return nil, err
	}
	defer h.release()
	var pt *C.uint8_t
	var n C.size_t
	var header *C.char
	var e C.hxgo_err
	var st C.uint32_t
	if senders == nil {
		st = C.hxgo_jwe_decrypt(keysPtr(ptrs[0]), C.size_t(len(ptrs[0])), cptr(ctoken), dp, &pt, &n, &header, &e)
	} else {
		st = C.hxgo_jwe_decrypt_1pu(keysPtr(ptrs[0]), C.size_t(len(ptrs[0])), keysPtr(ptrs[1]),
			C.size_t(len(ptrs[1])), cptr(ctoken), dp, &pt, &n, &header, &e)
	}
	if st != 0 {
		return nil, failure(st, &e)
	}
	return decrypted(pt, n, header, nil, 0)
}

// JWEDecryptJSON decrypts a JWE in the JSON serialization (general or flattened) as JWEDecrypt
// does a compact one: each recipient whose alg and enc d accepts is tried with the keys its kid
// selects. senders is nil, or the senders' public keys for ECDH-1PU recipients. The result's
// Header merges the protected, shared and recipient members, and AAD is the aad member. A compact
// token fails with ErrMalformed.
func JWEDecryptJSON(token string, keys, senders JWEKeys, d *JWEDecryption) (*JWEDecrypted, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	klist, err := keyList(keys, "keys", false)
	if err != nil {
		return nil, err
	}
	slist, err := keyList(senders, "senders", true)
	if err != nil {
		return nil, err
	}
	dp, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	var h heldKeys
	ptrs, err := h.hold(klist, slist)
	if err != nil {
		return nil, err
	}
	defer h.release()
	var pt, aad *C.uint8_t
	var n, aadLen C.size_t
	var header *C.char
	var e C.hxgo_err
	st := C.hxgo_jwe_decrypt_json(keysPtr(ptrs[0]), C.size_t(len(ptrs[0])), keysPtr(ptrs[1]),
		C.size_t(len(ptrs[1])), cptr(ctoken), dp, &pt, &n, &header, &aad, &aadLen, &e)
	if st != 0 {
		return nil, failure(st, &e)
	}
	return decrypted(pt, n, header, aad, aadLen)
}

// JWEEncryptNested makes a nested JWT (RFC 7519 section 5.2): it signs claims as Sign does, with
// signingKey and the JWS algorithm jwsAlg ("ES256" ...; header {"alg","typ":"JWT"} and the
// signing key's kid), then encrypts that token for encryptionKey with alg and enc as JWEEncrypt
// does, with cty "JWT". claims takes the forms Sign takes. It fails as Sign and JWEEncrypt do.
func JWEEncryptNested(claims any, signingKey *Key, jwsAlg string, encryptionKey *JWEKey, alg, enc string) (string, error) {
	cclaims, err := jsonObject(claims, "claims")
	if err != nil {
		return "", err
	}
	defer wipe(cclaims)
	cjws, err := cstring(jwsAlg, "jws alg")
	if err != nil {
		return "", err
	}
	calg, err := cstring(alg, "alg")
	if err != nil {
		return "", err
	}
	cenc, err := cstring(enc, "enc")
	if err != nil {
		return "", err
	}
	sp, err := signingKey.acquire()
	if err != nil {
		return "", err
	}
	defer signingKey.h.release()
	ep, err := encryptionKey.acquire()
	if err != nil {
		return "", err
	}
	defer encryptionKey.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_jwe_encrypt_nested(sp, cptr(cjws), ep, cptr(calg), cptr(cenc), cptr(cclaims), &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// JWEDecryptNested decrypts a nested JWT with keys under d (as JWEDecrypt), then verifies the
// signed token inside with verifying (a *Key or a *KeySet) and checks its claims under v (as
// Verify); it returns the claims, a JSON object exactly as the issuer signed it. A nested token
// is never returned unverified. The JWE must say cty "JWT" (else ErrInvalidClaim, claim "cty");
// every failure of either step is that step's error.
func JWEDecryptNested(token string, keys JWEKeys, d *JWEDecryption, verifying VerificationKey, v *Validation) ([]byte, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	klist, err := keyList(keys, "keys", false)
	if err != nil {
		return nil, err
	}
	if verifying == nil {
		return nil, argumentError("verifying key is nil")
	}
	dp, err := d.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	vp, err := v.acquire()
	if err != nil {
		return nil, err
	}
	defer v.h.release()
	var h heldKeys
	ptrs, err := h.hold(klist)
	if err != nil {
		return nil, err
	}
	defer h.release()
	var claims []byte
	err = verifying.verifyWith(func(k *C.HxKey, s *C.HxKeySet) error {
		var out *C.char
		var e C.hxgo_err
		if st := C.hxgo_jwe_decrypt_nested(keysPtr(ptrs[0]), C.size_t(len(ptrs[0])), cptr(ctoken), dp, k, s, vp, &out, &e); st != 0 {
			return failure(st, &e)
		}
		claims = takeBytes(out)
		return nil
	})
	return claims, err
}

// JWEDecodeHeader returns the protected header of a compact JWE as JSON, decoded strictly but
// WITHOUT DECRYPTING OR CHECKING ANYTHING: use it only to choose a key (by kid) before
// JWEDecrypt, never trust what it says. It fails with ErrMalformed when there is no such header.
func JWEDecodeHeader(token string) ([]byte, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_jwe_decode_header(cptr(ctoken), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return takeBytes(out), nil
}
