package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
)

// VerificationKey is what Verify checks a signature with: a *Key (the issuer's public key, or
// the HMAC secret) or a *KeySet (the issuer's keys, selected by the token's kid).
type VerificationKey interface {
	verifyWith(call func(key *C.HxKey, set *C.HxKeySet) error) error
}

// jsonObject converts claims or header members to the JSON text the library signs: []byte,
// json.RawMessage and string are taken as they are (they must be one JSON object, which the
// library checks), anything else is encoded with encoding/json.
func jsonObject(v any, what string) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, argumentError(what + " is nil")
	case []byte:
		return cstring(string(x), what)
	case json.RawMessage:
		return cstring(string(x), what)
	case string:
		return cstring(x, what)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, argumentError(fmt.Sprintf("%s cannot be encoded as JSON: %v", what, err))
		}
		return cstring(string(b), what)
	}
}

// Sign signs a standard JWT (compact JWS) with key and the algorithm alg ("HS256" ... "ES256K",
// "EdDSA", "Ed25519", exactly; passed to the library as given; key.Algorithm() gives a generated
// key's). claims is the payload: JSON text as []byte,
// json.RawMessage or string (signed exactly as given), or a value such as a map or a struct,
// encoded with encoding/json; it must be one JSON object. The header is
// {"alg":alg,"typ":"JWT"}, plus the key's kid if it has one.
//
// It fails with ErrUnsupportedAlgorithm for an unknown alg ("none" included), ErrInvalidKey when
// the key does not fit the algorithm or cannot sign, and ErrInvalidArgument when claims is not
// one strict JSON object.
func Sign(claims any, key *Key, alg string) (string, error) {
	return SignWithHeader(claims, nil, key, alg)
}

// SignWithHeader is Sign with extra header members: header is nil, or a JSON object in any of
// the forms claims takes (such as map[string]any{"kid": "2026-01", "cty": "json"}); its typ, kid
// and cty replace the defaults; alg, crit and b64 cannot be set.
func SignWithHeader(claims, header any, key *Key, alg string) (string, error) {
	cclaims, err := jsonObject(claims, "claims")
	if err != nil {
		return "", err
	}
	var cheader []byte
	if header != nil {
		if cheader, err = jsonObject(header, "header"); err != nil {
			return "", err
		}
	}
	calg, err := cstring(alg, "alg")
	if err != nil {
		return "", err
	}
	p, err := key.acquire()
	if err != nil {
		return "", err
	}
	defer key.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_jwt_encode(p, cptr(calg), cptr(cheader), cptr(cclaims), &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// Verify verifies a standard JWT with key (a *Key or a *KeySet) and checks its claims against v;
// it returns the claims, a JSON object exactly as the issuer signed it (decode it with
// encoding/json). The first failed check is returned: ErrMalformed, ErrUnsupportedAlgorithm,
// ErrUnknownHeader, ErrKeyNotFound, ErrInvalidKey, ErrInvalidSignature, then the claims:
// ErrMissingClaim, ErrExpired, ErrNotYetValid, ErrWrongAudience, ErrIssuerMismatch,
// ErrInvalidClaim (Error.Claim names the claim).
func Verify(token string, key VerificationKey, v *Validation) ([]byte, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, argumentError("key is nil")
	}
	vp, err := v.acquire()
	if err != nil {
		return nil, err
	}
	defer v.h.release()
	var claims []byte
	err = key.verifyWith(func(k *C.HxKey, s *C.HxKeySet) error {
		var out *C.char
		var e C.hxgo_err
		if st := C.hxgo_jwt_decode(k, s, cptr(ctoken), vp, &out, &e); st != 0 {
			return failure(st, &e)
		}
		claims = takeBytes(out)
		return nil
	})
	return claims, err
}

// DecodeHeader returns the header of a compact JWS as JSON, decoded strictly but WITHOUT
// VERIFYING ANYTHING: use it only to choose a key (by kid) before Verify, never trust what it
// says. It fails with ErrMalformed when there is no such header.
func DecodeHeader(token string) ([]byte, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_jwt_decode_header(cptr(ctoken), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return takeBytes(out), nil
}
