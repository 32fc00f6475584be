package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// ValidationOptions are the checks Verify applies to a standard JWT. The zero value of every
// field but Algorithms is the library's default: no leeway; exp, nbf, iat and aud checked; exp
// required; no audience (a token with an aud is then refused), issuer, subject, typ or maximum
// age required; tokens up to 64 KiB; the system clock.
type ValidationOptions struct {
	// Algorithms are the accepted alg names ("HS256" ... "ES256K", "EdDSA", "Ed25519", exactly;
	// passed to the library as given): there is no default, so a token's header never chooses.
	// Required.
	Algorithms []string
	// Leeway is the clock skew tolerated on exp, nbf, iat and the maximum age (whole seconds).
	Leeway time.Duration
	// Audience lists the accepted audiences: a token's aud (string or array) must contain one,
	// and a token without aud fails with ErrMissingClaim. Empty: a token with an aud fails with
	// ErrWrongAudience.
	Audience []string
	// Issuer lists the accepted issuers; empty: any iss is accepted.
	Issuer []string
	// Subject is the required sub ("" for none).
	Subject string
	// RequiredClaims replaces the claims a token must have (nil keeps the default, exp alone).
	RequiredClaims []string
	// NoRequiredClaims requires no claim at all, not even exp (RequiredClaims must then be
	// empty).
	NoRequiredClaims bool
	// Typ is the required header typ, compared case-insensitively ("at+jwt"); "" for none.
	Typ string
	// MaxAge refuses tokens issued longer ago (by iat, then required) with ErrExpired; 0 for no
	// limit.
	MaxAge time.Duration
	// MaxTokenLength is the longest token accepted, in bytes; 0 keeps the default, 65536.
	MaxTokenLength int
	// SkipExp, SkipNbf, SkipIat and SkipAud turn one check off (an exp in the past, an nbf or iat
	// in the future, an aud not among Audience). SkipExp does not make exp optional: see
	// RequiredClaims.
	SkipExp, SkipNbf, SkipIat, SkipAud bool
	// ReplayStore makes Verify accept each token once: a token must then carry a jti (else
	// ErrMissingClaim) and an exp, and a second token with the same jti, verified by the same
	// key, fails with ErrReplayed in every process sharing the store (ErrStoreUnavailable when
	// the store cannot answer). nil: off.
	ReplayStore *ReplayStore
	// Now fixes the validation's clock at that instant (whole seconds): for tests, known-answer
	// vectors and replaying recorded tokens only. The zero time is the system clock.
	Now time.Time
}

// Validation is a set of checks for Verify, made once by NewValidation and shared by any number
// of goroutines. Close it when no goroutine uses it any more.
type Validation struct {
	h handle[C.HxValidation]
}

// cstrings makes a C array of C strings (C memory, freed by the returned function).
func cstrings(list []string, what string) (**C.char, func(), error) {
	for _, s := range list {
		if _, err := cstring(s, what); err != nil {
			return nil, nil, err
		}
	}
	if len(list) == 0 {
		return nil, func() {}, nil
	}
	arr := (**C.char)(C.calloc(C.size_t(len(list)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	items := unsafe.Slice(arr, len(list))
	for i, s := range list {
		items[i] = C.CString(s)
	}
	return arr, func() {
		for _, p := range items {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(arr))
	}, nil
}

// NewValidation makes a validation from opts. An empty Algorithms fails with ErrInvalidArgument,
// an unknown algorithm name with ErrUnsupportedAlgorithm.
func NewValidation(opts ValidationOptions) (*Validation, error) {
	algs, freeAlgs, err := cstrings(opts.Algorithms, "algorithm")
	if err != nil {
		return nil, err
	}
	var out *C.HxValidation
	var e C.hxgo_err
	st := C.hxgo_validation_new(algs, C.size_t(len(opts.Algorithms)), &out, &e)
	freeAlgs()
	if st != 0 {
		return nil, failure(st, &e)
	}
	v := &Validation{}
	v.h.ptr = out
	v.h.free = func(p *C.HxValidation) { C.hx_validation_free(p) }
	runtime.SetFinalizer(v, (*Validation).Close)
	if err := v.configure(out, &opts); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// configure applies every option but Algorithms, stopping at the first failure.
func (v *Validation) configure(p *C.HxValidation, o *ValidationOptions) error {
	var e C.hxgo_err
	steps := []func() (C.uint32_t, error){
		func() (C.uint32_t, error) {
			s, err := seconds(o.Leeway, "leeway")
			if err != nil || s == 0 {
				return 0, err
			}
			return C.hxgo_validation_set_leeway(p, s, &e), nil
		},
		func() (C.uint32_t, error) {
			for _, a := range o.Audience {
				c, err := cstring(a, "audience")
				if err != nil {
					return 0, err
				}
				if st := C.hxgo_validation_add_audience(p, cptr(c), &e); st != 0 {
					return st, nil
				}
			}
			return 0, nil
		},
		func() (C.uint32_t, error) {
			for _, i := range o.Issuer {
				c, err := cstring(i, "issuer")
				if err != nil {
					return 0, err
				}
				if st := C.hxgo_validation_add_issuer(p, cptr(c), &e); st != 0 {
					return st, nil
				}
			}
			return 0, nil
		},
		func() (C.uint32_t, error) {
			if o.Subject == "" {
				return 0, nil
			}
			c, err := cstring(o.Subject, "subject")
			if err != nil {
				return 0, err
			}
			return C.hxgo_validation_set_subject(p, cptr(c), &e), nil
		},
		func() (C.uint32_t, error) {
			if o.NoRequiredClaims && len(o.RequiredClaims) > 0 {
				return 0, argumentError("NoRequiredClaims with RequiredClaims")
			}
			if o.RequiredClaims == nil && !o.NoRequiredClaims {
				return 0, nil
			}
			list, free, err := cstrings(o.RequiredClaims, "required claim")
			if err != nil {
				return 0, err
			}
			defer free()
			return C.hxgo_validation_set_required_claims(p, list, C.size_t(len(o.RequiredClaims)), &e), nil
		},
		func() (C.uint32_t, error) {
			if o.Typ == "" {
				return 0, nil
			}
			c, err := cstring(o.Typ, "typ")
			if err != nil {
				return 0, err
			}
			return C.hxgo_validation_set_typ(p, cptr(c), &e), nil
		},
		func() (C.uint32_t, error) {
			s, err := seconds(o.MaxAge, "max age")
			if err != nil || s == 0 {
				return 0, err
			}
			return C.hxgo_validation_set_max_age(p, s, &e), nil
		},
		func() (C.uint32_t, error) {
			if o.MaxTokenLength < 0 {
				return 0, argumentError("max token length is negative")
			}
			if o.MaxTokenLength == 0 {
				return 0, nil
			}
			return C.hxgo_validation_set_max_token_length(p, C.size_t(o.MaxTokenLength), &e), nil
		},
		func() (C.uint32_t, error) {
			if !o.SkipExp {
				return 0, nil
			}
			return C.hxgo_validation_set_verify_exp(p, false, &e), nil
		},
		func() (C.uint32_t, error) {
			if !o.SkipNbf {
				return 0, nil
			}
			return C.hxgo_validation_set_verify_nbf(p, false, &e), nil
		},
		func() (C.uint32_t, error) {
			if !o.SkipIat {
				return 0, nil
			}
			return C.hxgo_validation_set_verify_iat(p, false, &e), nil
		},
		func() (C.uint32_t, error) {
			if !o.SkipAud {
				return 0, nil
			}
			return C.hxgo_validation_set_verify_aud(p, false, &e), nil
		},
		func() (C.uint32_t, error) {
			if o.ReplayStore == nil {
				return 0, nil
			}
			sp, err := o.ReplayStore.acquire()
			if err != nil {
				return 0, err
			}
			defer o.ReplayStore.h.release()
			return C.hxgo_validation_set_replay_store(p, sp, &e), nil
		},
		func() (C.uint32_t, error) {
			if o.Now.IsZero() {
				return 0, nil
			}
			return C.hxgo_validation_set_time(p, C.int64_t(o.Now.Unix()), &e), nil
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

// SetTime stops the validation's clock at t (whole seconds): for tests, known-answer vectors and
// replaying recorded tokens only. UseSystemClock undoes it. It may be called while other
// goroutines verify: each verification sees the clock before or after the change.
func (v *Validation) SetTime(t time.Time) error {
	p, err := v.acquire()
	if err != nil {
		return err
	}
	defer v.h.release()
	var e C.hxgo_err
	if st := C.hxgo_validation_set_time(p, C.int64_t(t.Unix()), &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// UseSystemClock makes the validation read the system's wall clock again (the default).
func (v *Validation) UseSystemClock() error {
	p, err := v.acquire()
	if err != nil {
		return err
	}
	defer v.h.release()
	var e C.hxgo_err
	if st := C.hxgo_validation_use_system_clock(p, &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// Close frees the validation. It is idempotent; later uses return an ErrInvalidArgument error.
func (v *Validation) Close() error {
	if v != nil {
		v.h.close()
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

func (v *Validation) acquire() (*C.HxValidation, error) {
	if v == nil {
		return nil, argumentError("Validation is nil")
	}
	return v.h.acquire("Validation")
}
