// Package hxjwt is the Go face of hxjwt: standard JSON Web Tokens (JWS: HS256/384/512,
// RS256/384/512, PS256/384/512, ES256/384/512, ES256K, EdDSA, Ed25519), standard encrypted JWTs
// (JWE, RFC 7516/7518: compact and JSON serializations, ECDH-ES, RSA-OAEP, AES key wrap, PBES2,
// dir, ECDH-1PU and nested JWTs; see JWEEncrypt and JWEDecrypt) and HX1, sender-authenticated
// encrypted JWTs between services (Endpoint; also in the ECDH-1PU mode, a standard JWE: see
// WithProtocol). It is a thin cgo layer over the C library libhxjwt
// (include/hxjwt.h): every decision about a token is the library's, so a token accepted or
// refused here is accepted or refused the same way by the Rust crate, the C library, the Python
// module and the CLI.
//
// # Handles
//
// Identity, Directory, Endpoint, Key, KeySet, Validation, ReplayStore, JWEKey and JWEDecryption
// own a handle of the C library. Call Close when done with one (a finalizer frees it if you
// forget, but only when the garbage collector gets to it). Close is idempotent, and any use after Close returns an error whose kind
// is InvalidArgument, never a crash. Messages (Message) and every string or byte slice returned
// are plain Go values: the C memory behind them is freed before the call returns (a decrypted
// JWE plaintext is wiped there too; JWEDecrypted.Wipe zeroes the Go copy).
//
// # Errors
//
// Every failure is an *Error whose Kind is one of the stable kind names of the library
// ("Expired", "InvalidSignature", ...). Each kind has a sentinel, so that
//
//	if errors.Is(err, hxjwt.ErrExpired) { ... }
//
// works; errors.As gives the *Error with its Status, Claim and Message.
//
// # Threads and goroutines
//
// Every type may be used from several goroutines at once, as include/hxjwt.h allows: one Endpoint
// shared by all the goroutines of a service, one Validation and one Key (or KeySet) shared by all
// verifiers. Close must not race with other uses of the same value; if it does, those uses return
// an error (they never touch freed memory).
//
// # Building
//
// The package needs libhxjwt (libhxjwt.so) and its header: cgo finds the header in the
// repository's include/ directory and links with -lhxjwt, so set CGO_LDFLAGS=-L<dir of
// libhxjwt.so> (and LD_LIBRARY_PATH to run), or install the library where the linker looks.
// `make go-test` in the repository does this.
package hxjwt

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -std=c99 -Wall
#cgo LDFLAGS: -lhxjwt
#include "hxgo.h"
*/
import "C"

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Version is the version of the libhxjwt loaded at run time ("0.1.0").
func Version() string {
	return C.GoString(C.hx_version())
}

// handle owns one pointer of the C library: uses hold a read lock (so that Close, which takes
// the write lock, never frees it during a call), and Close sets it to nil, once.
type handle[T any] struct {
	mu   sync.RWMutex
	ptr  *T
	free func(*T)
}

// acquire returns the live pointer under a read lock (release it with release), or an error for
// a nil or closed handle.
func (h *handle[T]) acquire(what string) (*T, error) {
	if h == nil {
		return nil, argumentError(what + " is nil")
	}
	h.mu.RLock()
	if h.ptr == nil {
		h.mu.RUnlock()
		return nil, argumentError(what + " is closed")
	}
	return h.ptr, nil
}

func (h *handle[T]) release() { h.mu.RUnlock() }

// close frees the pointer once; later calls do nothing.
func (h *handle[T]) close() {
	h.mu.Lock()
	p := h.ptr
	h.ptr = nil
	h.mu.Unlock()
	if p != nil {
		h.free(p)
		handlesFreed.Add(1)
	}
}

// handlesFreed counts the handles freed (by Close or a finalizer), for the tests.
var handlesFreed atomic.Int64

// cstring is s as a NUL-terminated C string in Go memory (the library never keeps a pointer to
// its arguments). A string with a NUL byte cannot be passed whole: that is an InvalidArgument
// error naming the argument.
func cstring(s string, what string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, argumentError(what + " contains a NUL byte")
	}
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b, nil
}

// cptr is the C view of a buffer made by cstring (NULL for nil).
func cptr(b []byte) *C.char {
	if b == nil {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// bytesPtr is the C view of a byte slice (NULL when it is empty).
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// wipe overwrites a buffer that held secret material.
func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// takeString copies a string the library returned and frees it with hx_string_free.
func takeString(s *C.char) string {
	if s == nil {
		return ""
	}
	out := C.GoString(s)
	C.hx_string_free(s)
	return out
}

// takeBytes is takeString for a JSON document returned as bytes.
func takeBytes(s *C.char) []byte {
	if s == nil {
		return nil
	}
	n := 0 // strlen, in Go: a cgo call costs more than the loop
	for *(*byte)(unsafe.Add(unsafe.Pointer(s), n)) != 0 {
		n++
	}
	out := copyBytes((*C.uint8_t)(unsafe.Pointer(s)), C.size_t(n))
	C.hx_string_free(s)
	return out
}

// copyBytes copies n bytes of C memory into a new Go slice (never nil).
func copyBytes(p *C.uint8_t, n C.size_t) []byte {
	out := make([]byte, int(n))
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return out
}

// seconds converts a non-negative duration to whole seconds (truncated).
func seconds(d time.Duration, what string) (C.uint64_t, error) {
	if d < 0 {
		return 0, argumentError(what + " is negative")
	}
	return C.uint64_t(d / time.Second), nil
}

// failure turns a status and the message captured with it into an *Error, freeing the copies.
func failure(status C.uint32_t, e *C.hxgo_err) error {
	message, claim := "", ""
	if e.message != nil {
		message = C.GoString(e.message)
	}
	if e.claim != nil {
		claim = C.GoString(e.claim)
	}
	C.hxgo_err_free(e)
	return newError(int(status), claim, message)
}
