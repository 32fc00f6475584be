package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"time"
)

// Endpoint is one identity with its directory, validation policy and caches: it creates tokens
// for peers (HX1, or the ECDH-1PU mode with WithProtocol) and validates tokens from them. Share one Endpoint per identity between all
// the goroutines of a service: any number of them may create and validate at once, and SetTime
// and UseSystemClock may be called at any time. Close it when no goroutine uses it any more.
type Endpoint struct {
	h  handle[C.HxEndpoint]
	fn *goResolver // the directory function it holds, if any
}

// EndpointOption is a setting of NewEndpoint: WithLeeway, WithMaxLifetime, WithAudience,
// WithReplayProtection, WithMaxTokenLength. The zero EndpointOption changes nothing.
type EndpointOption struct {
	apply func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error)
}

func endpointOption(f func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error)) EndpointOption {
	return EndpointOption{apply: f}
}

// WithLeeway tolerates a clock skew of d (whole seconds) on exp, iat and nbf. Default 0.
func WithLeeway(d time.Duration) EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		s, err := seconds(d, "leeway")
		if err != nil {
			return 0, err
		}
		return C.hxgo_endpoint_set_leeway(p, s, e), nil
	})
}

// WithMaxLifetime refuses tokens that live longer (exp - iat) than d (whole seconds) with
// ErrLifetimeTooLong. Default: no limit (also for d = 0).
func WithMaxLifetime(d time.Duration) EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		s, err := seconds(d, "max lifetime")
		if err != nil {
			return 0, err
		}
		return C.hxgo_endpoint_set_max_lifetime(p, s, e), nil
	})
}

// WithAudience also accepts tokens addressed to these names (aliases of the endpoint), besides
// the identity's own name.
func WithAudience(names ...string) EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		for _, name := range names {
			cname, err := cstring(name, "audience")
			if err != nil {
				return 0, err
			}
			if st := C.hxgo_endpoint_add_audience(p, cptr(cname), e); st != 0 {
				return st, nil
			}
		}
		return 0, nil
	})
}

// WithReplayProtection refuses a token accepted once before with ErrReplayed, until it expires
// (kept in memory, bounded). Default off.
func WithReplayProtection() EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		return C.hxgo_endpoint_set_replay_protection(p, true, e), nil
	})
}

// WithMaxTokenLength refuses tokens longer than n bytes (at least 1) with ErrMalformed before any
// other work. Default 65536.
func WithMaxTokenLength(n int) EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		if n < 0 {
			return 0, argumentError("max token length is negative")
		}
		return C.hxgo_endpoint_set_max_token_length(p, C.size_t(n), e), nil
	})
}

// NewEndpoint makes an endpoint for identity, resolving peers' names with directory (nil for
// none: then only CreateFor and ValidateFrom work). The endpoint keeps its own copy of the
// identity and its own reference to the directory: both may be closed right after. Defaults:
// system clock, no leeway, no maximum lifetime, tokens up to 64 KiB, no replay protection.
func NewEndpoint(identity *Identity, directory *Directory, opts ...EndpointOption) (*Endpoint, error) {
	id, err := identity.acquire()
	if err != nil {
		return nil, err
	}
	defer identity.h.release()
	var dir *C.HxDirectory
	var fn *goResolver
	if directory != nil {
		if dir, err = directory.acquire(); err != nil {
			return nil, err
		}
		defer directory.h.release()
		fn = directory.fn
	}
	var out *C.HxEndpoint
	var e C.hxgo_err
	if st := C.hxgo_endpoint_new(id, dir, &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	if fn != nil {
		fn.ref()
	}
	ep := &Endpoint{fn: fn}
	ep.h.ptr = out
	ep.h.free = func(p *C.HxEndpoint) {
		C.hx_endpoint_free(p)
		if fn != nil {
			fn.unref()
		}
	}
	runtime.SetFinalizer(ep, (*Endpoint).Close)
	for _, opt := range opts {
		if opt.apply == nil {
			continue
		}
		st, err := opt.apply(out, &e)
		if err == nil && st != 0 {
			err = failure(st, &e)
		}
		if err != nil {
			ep.Close()
			return nil, err
		}
	}
	return ep, nil
}

// SetTime stops the endpoint's clock at t (whole seconds): tokens it creates are issued then,
// and tokens it validates are checked against it. For tests, known-answer vectors and replaying
// recorded traffic only; UseSystemClock undoes it.
func (ep *Endpoint) SetTime(t time.Time) error {
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_set_time(p, C.int64_t(t.Unix()), e)
	})
}

// UseSystemClock makes the endpoint read the system's wall clock again (the default).
func (ep *Endpoint) UseSystemClock() error {
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_use_system_clock(p, e)
	})
}

// AddPreviousIdentity keeps the key pair of previous for receiving, besides the endpoint's own,
// during a key rotation (docs/ROTATION.md); at most 2 are kept.
func (ep *Endpoint) AddPreviousIdentity(previous *Identity) error {
	id, err := previous.acquire()
	if err != nil {
		return err
	}
	defer previous.h.release()
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_add_previous_identity(p, id, e)
	})
}

// RotateIdentity makes next the endpoint's identity (tokens are created with it from now on) and
// keeps the current one for receiving, so that tokens in flight keep validating.
func (ep *Endpoint) RotateIdentity(next *Identity) error {
	id, err := next.acquire()
	if err != nil {
		return err
	}
	defer next.h.release()
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_rotate_identity(p, id, e)
	})
}

// ClearPreviousIdentities closes the rotation window: tokens sealed to previous keys no longer
// validate.
func (ep *Endpoint) ClearPreviousIdentities() error {
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_clear_previous_identities(p, e)
	})
}

// PreviousIdentityCount is the number of previous identities the endpoint keeps for receiving
// (0 to 2).
func (ep *Endpoint) PreviousIdentityCount() (int, error) {
	var n C.size_t
	err := ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_previous_identity_count(p, &n, e)
	})
	return int(n), err
}

func (ep *Endpoint) set(call func(*C.HxEndpoint, *C.hxgo_err) C.uint32_t) error {
	p, err := ep.acquire()
	if err != nil {
		return err
	}
	defer ep.h.release()
	var e C.hxgo_err
	if st := call(p, &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// CreateOption is an optional header member of a token made by Create or CreateFor, or its mode
// (WithProtocol).
type CreateOption func(*createOptions) error

type createOptions struct {
	nbf      *C.int64_t
	jti, cty []byte
	protocol Protocol
}

// Protocol is the mode of an endpoint's token (docs/PROTOCOL.md): ProtocolHX1 or ProtocolECDH1PU.
type Protocol string

const (
	// ProtocolHX1 is the HX1 token (PROTOCOL.md sections 3 and 4): the default of Create and
	// CreateFor.
	ProtocolHX1 Protocol = "HX1"
	// ProtocolECDH1PU is the ECDH-1PU mode (PROTOCOL.md section 8): a standard compact JWE (alg
	// "ECDH-1PU", enc "A256GCM", five segments) that joserfc or any ECDH-1PU stack reads with the
	// two machine tokens, and whose past tokens stay sealed if the sender's identity key is
	// stolen later (SECURITY.md).
	ProtocolECDH1PU Protocol = "ECDH-1PU"
)

// WithProtocol makes the token in the mode p: ProtocolHX1 (the default) or ProtocolECDH1PU, with
// the same arguments, header members and errors. Validate and ValidateFrom take both modes
// (Message.Protocol says which). Another value fails with ErrInvalidArgument.
func WithProtocol(p Protocol) CreateOption {
	return func(o *createOptions) error {
		if p != ProtocolHX1 && p != ProtocolECDH1PU {
			return argumentError(fmt.Sprintf("unknown protocol %q (HX1 or ECDH-1PU)", string(p)))
		}
		o.protocol = p
		return nil
	}
}

// WithNotBefore sets the token's nbf: it is not valid before t (whole seconds).
func WithNotBefore(t time.Time) CreateOption {
	return func(o *createOptions) error {
		v := C.int64_t(t.Unix())
		o.nbf = &v
		return nil
	}
}

// WithJTI sets the token's jti, a unique token id of at most 128 bytes.
func WithJTI(jti string) CreateOption {
	return func(o *createOptions) (err error) {
		o.jti, err = cstring(jti, "jti")
		return err
	}
}

// WithContentType sets the token's cty, the media type of the payload ("json", ...).
func WithContentType(cty string) CreateOption {
	return func(o *createOptions) (err error) {
		o.cty, err = cstring(cty, "content type")
		return err
	}
}

// Create makes an HX1 token (an ECDH-1PU one with WithProtocol(ProtocolECDH1PU)) from the
// endpoint's identity to the service named to (resolved by the endpoint's directory; an unknown
// name fails with ErrUnknownIssuer), carrying payload (encrypted; nil or empty is fine), issued
// now and valid for ttl (whole seconds, at least one).
func (ep *Endpoint) Create(to string, payload []byte, ttl time.Duration, opts ...CreateOption) (string, error) {
	cto, err := cstring(to, "recipient name")
	if err != nil {
		return "", err
	}
	return ep.create(cto, nil, payload, ttl, opts)
}

// CreateFor is Create for the recipient whose machine token (public JWK) is given, without a
// directory.
func (ep *Endpoint) CreateFor(recipientToken string, payload []byte, ttl time.Duration, opts ...CreateOption) (string, error) {
	ctok, err := cstring(recipientToken, "recipient machine token")
	if err != nil {
		return "", err
	}
	return ep.create(nil, ctok, payload, ttl, opts)
}

func (ep *Endpoint) create(name, token, payload []byte, ttl time.Duration, opts []CreateOption) (string, error) {
	s, err := seconds(ttl, "ttl")
	if err != nil {
		return "", err
	}
	var o createOptions
	for _, opt := range opts {
		if opt != nil {
			if err := opt(&o); err != nil {
				return "", err
			}
		}
	}
	p, err := ep.acquire()
	if err != nil {
		return "", err
	}
	defer ep.h.release()
	// nbf is passed by pointer: it must be C memory or a Go pointer to pointer-free memory (it
	// is), and the library only reads it during the call.
	var out *C.char
	var e C.hxgo_err
	var st C.uint32_t
	if o.protocol == ProtocolECDH1PU {
		st = C.hxgo_create_jwt_1pu(p, cptr(name), cptr(token), bytesPtr(payload), C.size_t(len(payload)),
			s, o.nbf, cptr(o.jti), cptr(o.cty), &out, &e)
	} else {
		st = C.hxgo_create_jwt_ex(p, cptr(name), cptr(token), bytesPtr(payload), C.size_t(len(payload)),
			s, o.nbf, cptr(o.jti), cptr(o.cty), &out, &e)
	}
	if st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// Message is a validated token (HX1 or ECDH-1PU mode): who sent it, to whom, when, and the
// decrypted payload. It is
// a plain Go value (the library's message is freed before Validate returns).
type Message struct {
	// Issuer is the sender's name (iss), authenticated.
	Issuer string
	// Audience is the recipient's name (aud): the endpoint's own name or one of its audiences.
	Audience string
	// IssuedAt is when the token was issued (iat).
	IssuedAt time.Time
	// ExpiresAt is when the token expires (exp).
	ExpiresAt time.Time
	// NotBefore is the token's nbf, or the zero time.Time when it had none.
	NotBefore time.Time
	// JTI is the token's unique id (jti), "" when it had none.
	JTI string
	// ContentType is the media type of the payload (cty), "" when it had none.
	ContentType string
	// Protocol is the mode of the token: ProtocolHX1 or ProtocolECDH1PU (WithProtocol).
	Protocol Protocol
	// Payload is the decrypted payload (never nil, possibly empty).
	Payload []byte
}

// Validate validates a token addressed to this endpoint, of either mode (HX1 or ECDH-1PU:
// Message.Protocol says which), resolving the sender by the token's iss through the endpoint's
// directory. It returns the first check that failed (PROTOCOL.md §4 and §8) as an *Error:
// ErrMalformed, ErrWrongAudience, ErrUnknownIssuer, ErrInvalidSignature, ErrExpired,
// ErrReplayed, ...
func (ep *Endpoint) Validate(token string) (*Message, error) {
	return ep.validate(token, "")
}

// ValidateFrom validates a token that must come from the sender whose machine token (public JWK)
// is given, without a directory; a token from anyone else fails with ErrIssuerMismatch.
func (ep *Endpoint) ValidateFrom(token, senderToken string) (*Message, error) {
	if senderToken == "" {
		return nil, argumentError("sender machine token is empty")
	}
	return ep.validate(token, senderToken)
}

func (ep *Endpoint) validate(token, sender string) (*Message, error) {
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
	var msg *C.HxMessage
	var m C.hxgo_msg
	var e C.hxgo_err
	if st := C.hxgo_validate_jwt(p, cptr(ctoken), cptr(csender), &msg, &m, &e); st != 0 {
		return nil, failure(st, &e)
	}
	out := &Message{
		Issuer:    C.GoString(m.issuer),
		Audience:  C.GoString(m.audience),
		IssuedAt:  time.Unix(int64(m.issued_at), 0),
		ExpiresAt: time.Unix(int64(m.expires_at), 0),
		Payload:   copyBytes(m.payload, m.payload_len),
	}
	if m.protocol != nil {
		out.Protocol = Protocol(C.GoString(m.protocol))
	}
	if m.has_not_before {
		out.NotBefore = time.Unix(int64(m.not_before), 0)
	}
	if m.jti != nil {
		out.JTI = C.GoString(m.jti)
	}
	if m.content_type != nil {
		out.ContentType = C.GoString(m.content_type)
	}
	C.hx_message_free(msg)
	return out, nil
}

// Close frees the endpoint. It is idempotent; later uses return an ErrInvalidArgument error.
func (ep *Endpoint) Close() error {
	if ep != nil {
		ep.h.close()
		runtime.SetFinalizer(ep, nil)
	}
	return nil
}

func (ep *Endpoint) acquire() (*C.HxEndpoint, error) {
	if ep == nil {
		return nil, argumentError("Endpoint is nil")
	}
	return ep.h.acquire("Endpoint")
}
