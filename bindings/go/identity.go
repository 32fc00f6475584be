package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import "runtime"

// Identity is a service's HX1 identity: its name and its X25519 key pair, private key included.
// Its public half, the machine token, is what peers and directories need. An Identity is
// immutable and may be used from several goroutines at once; Close it when done (the private
// key is wiped). Endpoints made from it keep their own copy.
type Identity struct {
	h    handle[C.HxIdentity]
	name string
}

func newIdentity(p *C.HxIdentity) *Identity {
	id := &Identity{name: C.GoString(C.hx_identity_name(p))}
	id.h.ptr = p
	id.h.free = func(p *C.HxIdentity) { C.hx_identity_free(p) }
	runtime.SetFinalizer(id, (*Identity).Close)
	return id
}

// GenerateIdentity makes a new identity named name (1 to 255 bytes of UTF-8, no control
// characters) with a fresh key pair from the operating system's random generator.
func GenerateIdentity(name string) (*Identity, error) {
	cname, err := cstring(name, "name")
	if err != nil {
		return nil, err
	}
	var out *C.HxIdentity
	var e C.hxgo_err
	if st := C.hxgo_identity_generate(cptr(cname), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newIdentity(out), nil
}

// IdentityFromJWK reads an identity from its private OKP X25519 JWK
// ({"kty":"OKP","crv":"X25519","kid":NAME,"x":...,"d":...}, as JWK writes it). A JWK that is not
// such a key fails with ErrInvalidKey.
func IdentityFromJWK(privateJWK string) (*Identity, error) {
	cjwk, err := cstring(privateJWK, "private JWK")
	if err != nil {
		return nil, err
	}
	defer wipe(cjwk)
	var out *C.HxIdentity
	var e C.hxgo_err
	if st := C.hxgo_identity_from_jwk(cptr(cjwk), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newIdentity(out), nil
}

// Name is the identity's name (also after Close). It is "" for a nil Identity.
func (id *Identity) Name() string {
	if id == nil {
		return ""
	}
	return id.name
}

// MachineToken is the identity's public JWK
// ({"kty":"OKP","crv":"X25519","kid":NAME,"use":"enc","x":...}): give it to peers, or put it in a
// directory.
func (id *Identity) MachineToken() (string, error) {
	p, err := id.acquire()
	if err != nil {
		return "", err
	}
	defer id.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_identity_machine_token(p, &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// JWK is the identity's private JWK, including the private key d: store it like a password, and
// read it again with IdentityFromJWK.
func (id *Identity) JWK() (string, error) {
	p, err := id.acquire()
	if err != nil {
		return "", err
	}
	defer id.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_identity_to_jwk(p, &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// Close frees the identity and wipes its private key. It is idempotent; later uses return an
// ErrInvalidArgument error. Endpoints made from it keep working.
func (id *Identity) Close() error {
	if id != nil {
		id.h.close()
		runtime.SetFinalizer(id, nil)
	}
	return nil
}

func (id *Identity) acquire() (*C.HxIdentity, error) {
	if id == nil {
		return nil, argumentError("Identity is nil")
	}
	return id.h.acquire("Identity")
}
