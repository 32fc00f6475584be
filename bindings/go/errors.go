package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"errors"
	"math"
	"strings"
	"sync"
)

// Error is a failure reported by libhxjwt (or, for arguments that cannot be passed to it such as
// a string with a NUL byte or a closed handle, by this package, with the kind InvalidArgument).
type Error struct {
	// Kind is the stable name of the error kind: "Malformed", "Expired", "InvalidSignature", ...
	// (the names of tests/vectors and of the other faces). Compare with errors.Is and the Err*
	// sentinels.
	Kind string
	// Status is the library's HxStatus value (HX_ERR_EXPIRED is 108, ...).
	Status int
	// Claim names the claim (or header member, such as "typ") a standard-JWT failure is about:
	// "exp" for an expired token, the missing claim for MissingClaim, ...; "" when the failure is
	// about no claim.
	Claim string
	// Message says what went wrong, without the leading kind ("the token expired at ...").
	// It never contains key material.
	Message string
}

// Error returns "<Kind>: <Message>", as the library and the command-line tool write it.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Kind
	}
	return e.Kind + ": " + e.Message
}

// Is reports whether target is the sentinel of e's kind (ErrExpired for an expired token, ...),
// so that errors.Is(err, hxjwt.ErrExpired) works.
func (e *Error) Is(target error) bool {
	k, ok := target.(*KindError)
	return ok && k != nil && k.Kind == e.Kind
}

// KindError is the type of the sentinels ErrMalformed, ErrExpired, ...: one per error kind.
// Failures are never a *KindError themselves; they are *Error values that match the sentinel of
// their kind with errors.Is.
type KindError struct {
	// Kind is the stable kind name ("Expired").
	Kind string
}

// Error returns "hxjwt: <Kind>".
func (k *KindError) Error() string { return "hxjwt: " + k.Kind }

// The sentinels, one per error kind of the library. errors.Is(err, ErrX) is true when err is an
// *Error of kind X.
var (
	// ErrInvalidArgument: an argument is unusable (nil, a closed handle, invalid UTF-8, a NUL
	// byte in a string, an empty or over-long name, a zero TTL, ...).
	ErrInvalidArgument = &KindError{Kind: "InvalidArgument"}
	// ErrMalformed: not three canonical base64url segments, not the JSON expected, or over a
	// size or depth limit.
	ErrMalformed = &KindError{Kind: "Malformed"}
	// ErrUnsupportedAlgorithm: the alg (or the HX1 channel security context) is not accepted.
	ErrUnsupportedAlgorithm = &KindError{Kind: "UnsupportedAlgorithm"}
	// ErrUnknownHeader: a header member this version does not know, crit or b64.
	ErrUnknownHeader = &KindError{Kind: "UnknownHeader"}
	// ErrWrongAudience: the token is addressed to someone else.
	ErrWrongAudience = &KindError{Kind: "WrongAudience"}
	// ErrUnknownIssuer: the directory has no machine token for the sender (or recipient).
	ErrUnknownIssuer = &KindError{Kind: "UnknownIssuer"}
	// ErrIssuerMismatch: the token is not from the sender given (or not from an accepted issuer).
	ErrIssuerMismatch = &KindError{Kind: "IssuerMismatch"}
	// ErrInvalidKey: a key is malformed, of the wrong type or size, or does not fit the algorithm.
	ErrInvalidKey = &KindError{Kind: "InvalidKey"}
	// ErrInvalidSignature: a forged, tampered or misaddressed token, or the wrong key.
	ErrInvalidSignature = &KindError{Kind: "InvalidSignature"}
	// ErrExpired: exp has passed (beyond the leeway), or the token is older than the maximum age.
	ErrExpired = &KindError{Kind: "Expired"}
	// ErrNotYetValid: iat or nbf is in the future (beyond the leeway).
	ErrNotYetValid = &KindError{Kind: "NotYetValid"}
	// ErrLifetimeTooLong: exp - iat exceeds the endpoint's maximum lifetime.
	ErrLifetimeTooLong = &KindError{Kind: "LifetimeTooLong"}
	// ErrDecryptionFailed: the payload did not decrypt although the signature was valid.
	ErrDecryptionFailed = &KindError{Kind: "DecryptionFailed"}
	// ErrReplayed: the token was already accepted once and replay protection is on.
	ErrReplayed = &KindError{Kind: "Replayed"}
	// ErrResolverFailed: the directory (or a remote key set) could not answer.
	ErrResolverFailed = &KindError{Kind: "ResolverFailed"}
	// ErrMissingClaim: a claim the validation requires is absent (Error.Claim names it).
	ErrMissingClaim = &KindError{Kind: "MissingClaim"}
	// ErrInvalidClaim: a claim has the wrong type or a value that is not accepted.
	ErrInvalidClaim = &KindError{Kind: "InvalidClaim"}
	// ErrKeyNotFound: no key of the key set matches the token's kid and algorithm.
	ErrKeyNotFound = &KindError{Kind: "KeyNotFound"}
	// ErrRevoked: the token was revoked.
	ErrRevoked = &KindError{Kind: "Revoked"}
	// ErrStoreUnavailable: a shared replay or revocation store (such as Redis) could not be
	// reached; the token is refused.
	ErrStoreUnavailable = &KindError{Kind: "StoreUnavailable"}
	// ErrInternal: a bug in hxjwt. Never expected; please report it.
	ErrInternal = &KindError{Kind: "Internal"}
)

// Sentinels lists the sentinel of every error kind, ErrInvalidArgument to ErrInternal.
func Sentinels() []*KindError {
	return []*KindError{
		ErrInvalidArgument, ErrMalformed, ErrUnsupportedAlgorithm, ErrUnknownHeader,
		ErrWrongAudience, ErrUnknownIssuer, ErrIssuerMismatch, ErrInvalidKey,
		ErrInvalidSignature, ErrExpired, ErrNotYetValid, ErrLifetimeTooLong,
		ErrDecryptionFailed, ErrReplayed, ErrResolverFailed, ErrMissingClaim, ErrInvalidClaim,
		ErrKeyNotFound, ErrRevoked, ErrStoreUnavailable, ErrInternal,
	}
}

// statusStoreUnavailable is HX_ERR_STORE_UNAVAILABLE, named by hand until every library that may
// be loaded has it (an older one calls it HX_ERR_UNKNOWN).
const statusStoreUnavailable = 118

var kindCache sync.Map // int -> string

// KindOfStatus is the kind name of a status of the library: "Expired" for HX_ERR_EXPIRED (108),
// the CamelCase of the name hx_status_name gives without its HX_ERR_ prefix; "" for HX_OK and
// "Unknown" for a value that is no status of the library loaded.
func KindOfStatus(status int) string {
	if status == 0 {
		return ""
	}
	if k, ok := kindCache.Load(status); ok {
		return k.(string)
	}
	kind := "Unknown"
	if status > 0 && uint64(status) <= math.MaxUint32 {
		name := C.GoString(C.hx_status_name(C.uint32_t(status)))
		if strings.HasPrefix(name, "HX_ERR_") && name != "HX_ERR_UNKNOWN" {
			kind = camel(strings.TrimPrefix(name, "HX_ERR_"))
		}
	}
	if kind == "Unknown" && status == statusStoreUnavailable {
		kind = "StoreUnavailable"
	}
	kindCache.Store(status, kind)
	return kind
}

// camel turns "INVALID_ARGUMENT" into "InvalidArgument".
func camel(s string) string {
	var b strings.Builder
	for _, word := range strings.Split(s, "_") {
		if word == "" {
			continue
		}
		b.WriteString(word[:1])
		b.WriteString(strings.ToLower(word[1:]))
	}
	return b.String()
}

// newError builds the *Error of a status and the library's message ("Kind: detail").
func newError(status int, claim, message string) *Error {
	kind := KindOfStatus(status)
	message = strings.TrimPrefix(message, kind+": ")
	return &Error{Kind: kind, Status: status, Claim: claim, Message: message}
}

// argumentError is an InvalidArgument found by this package before calling the library.
func argumentError(message string) *Error {
	return &Error{Kind: "InvalidArgument", Status: int(C.HX_ERR_INVALID_ARGUMENT), Message: message}
}

// KindOf returns the kind name of err if it is (or wraps) an *Error, and "" otherwise.
func KindOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
