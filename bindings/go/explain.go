package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
)

// ExplainCheck is one check of an ExplainReport.
type ExplainCheck struct {
	// Check is the check's stable name: "format", "algorithm", "crit", "header", "typ",
	// "payload", "key", "signature", "claims", "required", "exp", "nbf", "iat", "max_age", "aud",
	// "iss", "sub", "jti", "replay"; for HX1 also "issuer", "lifetime", "decryption".
	Check string `json:"check"`
	// Outcome is "passed", "failed" or "not_checked" (an earlier failure made the check
	// impossible, it is not configured, or Explain never runs it: the replay store).
	Outcome string `json:"outcome"`
	// Kind is the kind of the *Error Verify or Validate returns for this failure ("Expired",
	// ...; the Kind of that *Error), "" unless the check failed.
	Kind string `json:"kind"`
	// Code is that error's status (HX_ERR_*), 0 unless the check failed.
	Code int `json:"code"`
	// Message is for people; never key material.
	Message string `json:"message"`
}

// ExplainReport is every check of one token, in the order Verify or Validate applies them: the
// first failed one is the error they return.
type ExplainReport struct {
	// Passed is true when no check failed. It is NOT an acceptance: call Verify or Validate.
	Passed bool `json:"passed"`
	// Checks lists every check.
	Checks []ExplainCheck `json:"checks"`
	// Header is the token's header as sent (authentic only if the signature check passed),
	// or JSON null.
	Header json.RawMessage `json:"header"`
	// Claims are the claims of a standard JWT whose signature verified, else JSON null (always
	// null for HX1).
	Claims json.RawMessage `json:"claims"`
	// PayloadLen is the length of an HX1 payload that decrypted (the payload is never shown).
	PayloadLen *int `json:"payload_len,omitempty"`
}

// Failures returns the failed checks, in order.
func (r *ExplainReport) Failures() []ExplainCheck {
	var out []ExplainCheck
	for _, c := range r.Checks {
		if c.Outcome == "failed" {
			out = append(out, c)
		}
	}
	return out
}

// Explain runs every check Verify applies to token with the same key and validation, without
// stopping at the first failure: a diagnostic, NEVER an acceptance (no replay store is consulted
// or written; the claims appear only when the signature verified). A malformed token is a report,
// not an error; the error is for unusable arguments only.
func Explain(token string, key VerificationKey, v *Validation) (*ExplainReport, error) {
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
	var text []byte
	err = key.verifyWith(func(k *C.HxKey, s *C.HxKeySet) error {
		// The message of a failure is per OS thread: read it on the thread of the call.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var out *C.char
		if st := C.hx_jwt_explain(k, s, cptr(ctoken), vp, &out); st != C.HX_OK {
			return lastFailure(st)
		}
		text = takeBytes(out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return parseReport(text)
}

// Explain runs every check Validate applies to an HX1 (or ECDH-1PU mode) token, without
// stopping at the first failure: a diagnostic, NEVER an acceptance (the replay store is neither
// consulted nor written; the payload is never in the report). The endpoint is locked as by its
// setters while it runs: not for every request.
func (ep *Endpoint) Explain(token string) (*ExplainReport, error) {
	return ep.explain(token, "")
}

// ExplainFrom is Explain for ValidateFrom: the sender's machine token given.
func (ep *Endpoint) ExplainFrom(token, senderToken string) (*ExplainReport, error) {
	if senderToken == "" {
		return nil, argumentError("sender machine token is empty")
	}
	return ep.explain(token, senderToken)
}

func (ep *Endpoint) explain(token, sender string) (*ExplainReport, error) {
	ctoken, err := cstring(token, "token")
	if err != nil {
		return nil, err
	}
	var csender []byte
	if sender != "" {
		if csender, err = cstring(sender, "sender machine token"); err != nil {
			return nil, err
		}
	}
	p, err := ep.acquire()
	if err != nil {
		return nil, err
	}
	defer ep.h.release()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out *C.char
	if st := C.hx_explain_jwt(p, cptr(ctoken), cptr(csender), &out); st != C.HX_OK {
		return nil, lastFailure(st)
	}
	return parseReport(takeBytes(out))
}

// lastFailure is the *Error of a failed call, from this thread's last-error message (the caller
// holds the OS thread since the call).
func lastFailure(status uint32) error {
	message := C.GoString(C.hx_last_error_message())
	claim := ""
	if c := C.hx_last_error_claim(); c != nil {
		claim = C.GoString(c)
	}
	return newError(int(status), claim, message)
}

func parseReport(text []byte) (*ExplainReport, error) {
	var r ExplainReport
	if err := json.Unmarshal(text, &r); err != nil {
		return nil, newError(int(C.HX_ERR_INTERNAL), "", "the library's explain report does not parse: "+err.Error())
	}
	return &r, nil
}
