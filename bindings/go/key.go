package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import "runtime"

// Key is a key for signing or verifying standard JWTs: an HMAC secret, or an RSA (2048 to 8192
// bits), EC (P-256, P-384, P-521) or Ed25519 key, private or public. A key serves only the
// algorithms of its type (an RSA key never serves HS256), and only its own algorithm when it has
// one. Keys are immutable and may be used from several goroutines at once; Close one when done
// (its private material is wiped). Key sets it was added to keep their own copy.
type Key struct {
	h         handle[C.HxKey]
	kid, alg  string
	isPrivate bool
}

func newKey(p *C.HxKey) *Key {
	var kid, alg *C.char
	var private C.bool
	C.hxgo_key_describe(p, &kid, &alg, &private)
	k := &Key{isPrivate: bool(private)}
	if kid != nil {
		k.kid = C.GoString(kid)
	}
	if alg != nil {
		k.alg = C.GoString(alg)
	}
	k.h.ptr = p
	k.h.free = func(p *C.HxKey) { C.hx_key_free(p) }
	runtime.SetFinalizer(k, (*Key).Close)
	return k
}

// keyFrom runs a constructor that writes an HxKey.
func keyFrom(call func(out **C.HxKey, e *C.hxgo_err) C.uint32_t) (*Key, error) {
	var out *C.HxKey
	var e C.hxgo_err
	if st := call(&out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newKey(out), nil
}

// KeyFromJWK reads a key from a JWK (RFC 7517/7518/8037), private or public: kty "oct" (an HMAC
// secret), "RSA", "EC" or "OKP" (Ed25519). Its kid, alg, use and key_ops are kept and honoured.
// Anything else fails with ErrInvalidKey.
func KeyFromJWK(jwk string) (*Key, error) {
	c, err := cstring(jwk, "JWK")
	if err != nil {
		return nil, err
	}
	defer wipe(c)
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_from_jwk(cptr(c), out, e)
	})
}

// KeyFromPEM reads a key from PEM text: PRIVATE KEY (PKCS#8), PUBLIC KEY (SPKI), RSA PRIVATE KEY
// or RSA PUBLIC KEY (PKCS#1), EC PRIVATE KEY (SEC1). The key has no kid (see WithKid).
func KeyFromPEM(pem string) (*Key, error) {
	c, err := cstring(pem, "PEM")
	if err != nil {
		return nil, err
	}
	defer wipe(c)
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_from_pem(cptr(c), out, e)
	})
}

// KeyFromDER reads a key from DER bytes: a PKCS#8 private key or an SPKI public key.
func KeyFromDER(der []byte) (*Key, error) {
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_from_der(bytesPtr(der), C.size_t(len(der)), out, e)
	})
}

// KeyFromSecret makes an HMAC key (HS256, HS384, HS512) from raw bytes (NUL bytes included). A
// secret shorter than the hash output (32, 48, 64 bytes) is refused with ErrInvalidKey when the
// key is used, unless AllowShortSecret made the key; an empty secret, or bytes that look like a
// PEM or SSH key, are refused here.
func KeyFromSecret(secret []byte) (*Key, error) {
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_from_secret(bytesPtr(secret), C.size_t(len(secret)), out, e)
	})
}

// GenerateKey makes a new key for the algorithm alg ("HS256" ... "ES256K", "EdDSA", "Ed25519",
// exactly; passed to the library as given), restricted to alg, whose kid is its RFC 7638 thumbprint. An unknown name ("none" included) fails with
// ErrUnsupportedAlgorithm.
func GenerateKey(alg string) (*Key, error) {
	c, err := cstring(alg, "alg")
	if err != nil {
		return nil, err
	}
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_generate(cptr(c), out, e)
	})
}

// derive runs a function that makes a new key from k.
func (k *Key) derive(call func(p *C.HxKey, out **C.HxKey, e *C.hxgo_err) C.uint32_t) (*Key, error) {
	p, err := k.acquire()
	if err != nil {
		return nil, err
	}
	defer k.h.release()
	return keyFrom(func(out **C.HxKey, e *C.hxgo_err) C.uint32_t { return call(p, out, e) })
}

// Public returns the public half of k (same kid, alg and use): what verifiers get. An HMAC
// secret has none (ErrInvalidKey).
func (k *Key) Public() (*Key, error) {
	return k.derive(func(p *C.HxKey, out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_to_public(p, out, e)
	})
}

// WithKid returns a copy of k whose kid is kid; k is unchanged.
func (k *Key) WithKid(kid string) (*Key, error) {
	c, err := cstring(kid, "kid")
	if err != nil {
		return nil, err
	}
	return k.derive(func(p *C.HxKey, out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_with_kid(p, cptr(c), out, e)
	})
}

// AllowShortSecret returns a copy of the HMAC key k that accepts a secret shorter than the hash
// output. RFC 7518 §3.2 forbids such secrets: only to interoperate with systems that issue them.
func (k *Key) AllowShortSecret() (*Key, error) {
	return k.derive(func(p *C.HxKey, out **C.HxKey, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_allow_short_secret(p, out, e)
	})
}

// text runs a function that writes a string about k.
func (k *Key) text(call func(p *C.HxKey, out **C.char, e *C.hxgo_err) C.uint32_t) (string, error) {
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

// PublicJWK is the public JWK of k (no private member): what a key set publishes. An HMAC secret
// must never be published (ErrInvalidKey).
func (k *Key) PublicJWK() (string, error) {
	return k.text(func(p *C.HxKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_to_public_jwk(p, out, e)
	})
}

// PrivateJWK is the full JWK of k, private members included (d, the RSA CRT numbers, or the HMAC
// secret k): store it like a password. For a public key it is the public JWK.
func (k *Key) PrivateJWK() (string, error) {
	return k.text(func(p *C.HxKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_to_private_jwk(p, out, e)
	})
}

// Thumbprint is the RFC 7638 thumbprint of k (base64url SHA-256), the same for a private key and
// its public half. For an HMAC secret it is computed over the secret: treat it as sensitive.
func (k *Key) Thumbprint() (string, error) {
	return k.text(func(p *C.HxKey, out **C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_key_thumbprint(p, out, e)
	})
}

// Kid is the key's kid, "" when it has none (or k is nil).
func (k *Key) Kid() string {
	if k == nil {
		return ""
	}
	return k.kid
}

// Algorithm is the one algorithm the key is restricted to ("ES256"), "" when it serves every
// algorithm of its type (or k is nil).
func (k *Key) Algorithm() string {
	if k == nil {
		return ""
	}
	return k.alg
}

// IsPrivate reports whether the key can sign: an HMAC secret or a private key.
func (k *Key) IsPrivate() bool {
	return k != nil && k.isPrivate
}

// Close frees the key and wipes its private material. It is idempotent; later uses return an
// ErrInvalidArgument error.
func (k *Key) Close() error {
	if k != nil {
		k.h.close()
		runtime.SetFinalizer(k, nil)
	}
	return nil
}

func (k *Key) acquire() (*C.HxKey, error) {
	if k == nil {
		return nil, argumentError("Key is nil")
	}
	return k.h.acquire("Key")
}

// verifyWith implements VerificationKey.
func (k *Key) verifyWith(call func(key *C.HxKey, set *C.HxKeySet) error) error {
	p, err := k.acquire()
	if err != nil {
		return err
	}
	defer k.h.release()
	return call(p, nil)
}

// KeySet is a set of keys for verifying tokens from an issuer that rotates its keys (a JWK Set):
// held in memory (NewKeySet, KeySetFromJWKS, grown with Add) or fetched and cached from the
// issuer's jwks_uri (KeySetFromURL). Verify picks the keys whose kid is the token's. It may be
// used from several goroutines at once, Add included; Close it when no goroutine uses it.
type KeySet struct {
	h handle[C.HxKeySet]
}

func newKeySet(p *C.HxKeySet) *KeySet {
	s := &KeySet{}
	s.h.ptr = p
	s.h.free = func(p *C.HxKeySet) { C.hx_keyset_free(p) }
	runtime.SetFinalizer(s, (*KeySet).Close)
	return s
}

// NewKeySet makes a key set holding copies of keys (give them distinct kids).
func NewKeySet(keys ...*Key) (*KeySet, error) {
	var out *C.HxKeySet
	var e C.hxgo_err
	if st := C.hxgo_keyset_new(&out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	s := newKeySet(out)
	for _, k := range keys {
		if err := s.Add(k); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// KeySetOption is an option of KeySetFromJWKS.
type KeySetOption func(*keySetOptions)

type keySetOptions struct {
	allowMixed bool
}

// WithAllowMixed lets KeySetFromJWKS accept a JWK Set holding both HMAC secrets (kty "oct") and
// asymmetric keys, refused by default (ErrInvalidKey): such a set lets a token choose, by its
// alg and kid, which kind of key checks it. Use it only for an issuer that really uses both
// (moving from HS256 to RS256, say); every other check stays.
func WithAllowMixed() KeySetOption {
	return func(o *keySetOptions) { o.allowMixed = true }
}

// KeySetFromJWKS makes a key set from a JWK Set document ({"keys":[...]}), as an issuer publishes
// it. Keys hxjwt cannot use for signatures (another kty or curve, use "enc", an encryption alg)
// are skipped and listed by Skipped. A document that is not a JWK Set fails with ErrMalformed; a
// malformed key of a supported type, two different keys with the same kid (the message names
// it), or a set mixing HMAC secrets with asymmetric keys (unless WithAllowMixed) fail with
// ErrInvalidKey.
func KeySetFromJWKS(jwks string, opts ...KeySetOption) (*KeySet, error) {
	var o keySetOptions
	for _, opt := range opts {
		if opt == nil {
			return nil, argumentError("a KeySetOption is nil")
		}
		opt(&o)
	}
	c, err := cstring(jwks, "JWK Set")
	if err != nil {
		return nil, err
	}
	defer wipe(c)
	var out *C.HxKeySet
	var e C.hxgo_err
	var st C.uint32_t
	if o.allowMixed {
		st = C.hxgo_keyset_from_jwks_mixed(cptr(c), &out, &e)
	} else {
		st = C.hxgo_keyset_from_jwks(cptr(c), &out, &e)
	}
	if st != 0 {
		return nil, failure(st, &e)
	}
	return newKeySet(out), nil
}

// SkippedKey is a key of a JWK Set that KeySetFromJWKS left out, and why: RFC 7517 asks a reader
// to ignore keys it cannot use, and hxjwt reports each one instead of dropping it silently.
type SkippedKey struct {
	// Index is the key's position in the JWK Set's "keys" array.
	Index int
	// Kid is the key's kid ("" when it has none; a NUL character in it is written as \0).
	Kid string
	// HasKid says whether the key has a string kid.
	HasKid bool
	// Reason says why hxjwt does not use the key (its kty, curve, use or alg).
	Reason string
}

// Skipped lists the keys of the JWK Set this set was read from that were skipped, in document
// order (none for a set made by NewKeySet; Add does not change the list). A set from
// KeySetFromURL returns ErrInvalidArgument: its keys change with each fetch.
func (s *KeySet) Skipped() ([]SkippedKey, error) {
	p, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer s.h.release()
	var n C.size_t
	var e C.hxgo_err
	if st := C.hxgo_keyset_skipped_count(p, &n, &e); st != 0 {
		return nil, failure(st, &e)
	}
	list := make([]SkippedKey, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		var index C.size_t
		var kid, reason *C.char
		if st := C.hxgo_keyset_skipped(p, i, &index, &kid, &reason, &e); st != 0 {
			return nil, failure(st, &e)
		}
		k := SkippedKey{Index: int(index), Reason: C.GoString(reason)}
		if kid != nil {
			k.Kid, k.HasKid = C.GoString(kid), true
		}
		list = append(list, k)
	}
	return list, nil
}

// KeySetFromURL makes a key set fetched from the JWK Set an issuer publishes at url (https://, or
// http:// with opts.AllowHTTP), fetched on first use and cached as opts say (nil for the
// defaults). A decode whose keys cannot be fetched fails with ErrResolverFailed.
func KeySetFromURL(url string, opts *RemoteOptions) (*KeySet, error) {
	curl, err := cstring(url, "url")
	if err != nil {
		return nil, err
	}
	copts, free, err := opts.toC()
	defer free()
	if err != nil {
		return nil, err
	}
	var out *C.HxKeySet
	var e C.hxgo_err
	if st := C.hxgo_keyset_from_url(cptr(curl), &copts, &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newKeySet(out), nil
}

// Add adds a copy of key to the set. A remote key set is read-only (ErrInvalidArgument).
func (s *KeySet) Add(key *Key) error {
	kp, err := key.acquire()
	if err != nil {
		return err
	}
	defer key.h.release()
	p, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.h.release()
	var e C.hxgo_err
	if st := C.hxgo_keyset_add(p, kp, &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// Len is the number of keys in the set (for a remote set, of its current set, fetched first if
// needed).
func (s *KeySet) Len() (int, error) {
	p, err := s.acquire()
	if err != nil {
		return 0, err
	}
	defer s.h.release()
	var n C.size_t
	var e C.hxgo_err
	if st := C.hxgo_keyset_len(p, &n, &e); st != 0 {
		return 0, failure(st, &e)
	}
	return int(n), nil
}

// PublicJWKS is the public JWK Set of the set's keys ({"keys":[...]}, HMAC secrets left out):
// what an issuer publishes.
func (s *KeySet) PublicJWKS() (string, error) {
	p, err := s.acquire()
	if err != nil {
		return "", err
	}
	defer s.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_keyset_to_public_jwks(p, &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// Close frees the key set. It is idempotent; later uses return an ErrInvalidArgument error.
func (s *KeySet) Close() error {
	if s != nil {
		s.h.close()
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

func (s *KeySet) acquire() (*C.HxKeySet, error) {
	if s == nil {
		return nil, argumentError("KeySet is nil")
	}
	return s.h.acquire("KeySet")
}

// verifyWith implements VerificationKey.
func (s *KeySet) verifyWith(call func(key *C.HxKey, set *C.HxKeySet) error) error {
	p, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.h.release()
	return call(nil, p)
}
