package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
)

// Directory resolves service names to machine tokens (public JWKs). It is a set held in memory
// (NewDirectory, DirectoryFromJWKS, grown with Add), a JWK Set fetched from a URL and cached
// (DirectoryFromURL), or a Go function (DirectoryFromFunc). It may be used from several goroutines
// at once, Add included; endpoints made with it share it, so names added later are seen by them.
// Close it when done: endpoints made with it keep working.
type Directory struct {
	h handle[C.HxDirectory]
	// fn is the function of a DirectoryFromFunc directory, whose cgo.Handle is deleted once the
	// directory and every endpoint made with it are closed.
	fn *goResolver
}

func newDirectory(p *C.HxDirectory, fn *goResolver) *Directory {
	d := &Directory{fn: fn}
	d.h.ptr = p
	d.h.free = func(p *C.HxDirectory) {
		C.hx_directory_free(p)
		if fn != nil {
			fn.unref()
		}
	}
	runtime.SetFinalizer(d, (*Directory).Close)
	return d
}

// NewDirectory makes an in-memory directory holding the machine tokens given (none is fine).
func NewDirectory(machineTokens ...string) (*Directory, error) {
	var out *C.HxDirectory
	var e C.hxgo_err
	if st := C.hxgo_directory_new(&out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	d := newDirectory(out, nil)
	for _, t := range machineTokens {
		if err := d.Add(t); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// DirectoryFromJWKS makes an in-memory directory from a JWK Set ({"keys":[...]}) whose kids are
// identity names. Keys that are not X25519 are skipped; a malformed set fails with ErrMalformed,
// a bad X25519 key or a repeated name with ErrInvalidKey.
func DirectoryFromJWKS(jwks string) (*Directory, error) {
	cjwks, err := cstring(jwks, "JWK Set")
	if err != nil {
		return nil, err
	}
	var out *C.HxDirectory
	var e C.hxgo_err
	if st := C.hxgo_directory_from_jwks(cptr(cjwks), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newDirectory(out, nil), nil
}

// DirectoryFromURL makes a directory that resolves names through the JWK Set published at url
// (https://, or http:// with opts.AllowHTTP), fetched on first use and cached as opts say (nil
// for the defaults). A lookup that cannot be answered fails with ErrResolverFailed. A URL that is
// not acceptable fails here with ErrInvalidArgument.
func DirectoryFromURL(url string, opts *RemoteOptions) (*Directory, error) {
	curl, err := cstring(url, "url")
	if err != nil {
		return nil, err
	}
	copts, free, err := opts.toC()
	defer free()
	if err != nil {
		return nil, err
	}
	var out *C.HxDirectory
	var e C.hxgo_err
	if st := C.hxgo_directory_from_url(cptr(curl), &copts, &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newDirectory(out, nil), nil
}

// DirectoryFromFunc makes a directory that asks resolve for each name. resolve returns the
// machine token (public JWK) of name, or "" and a nil error when the name is unknown
// (ErrUnknownIssuer), or an error when it cannot answer: the call that needed the name then fails
// with ErrResolverFailed (a panic in resolve is treated like an error; the library's message then
// says the directory gave no machine token, as the C API has no way to pass the function's own
// error on). resolve is called from the goroutine that creates or validates a token, possibly
// from several at once, while that call holds the endpoint: it must not call the endpoint's
// setters, Close it, or create or validate with it. The library does not cache its answers.
func DirectoryFromFunc(resolve func(name string) (string, error)) (*Directory, error) {
	if resolve == nil {
		return nil, argumentError("resolve is nil")
	}
	r := &goResolver{fn: resolve, refs: 1}
	r.handle = cgo.NewHandle(r)
	var out *C.HxDirectory
	var e C.hxgo_err
	if st := C.hxgo_directory_from_go(C.uintptr_t(r.handle), &out, &e); st != 0 {
		r.unref()
		return nil, failure(st, &e)
	}
	return newDirectory(out, r), nil
}

// Add adds a machine token to an in-memory directory, replacing any with the same name. A JWK
// that is not a public X25519 key fails with ErrInvalidKey; a remote or function directory with
// ErrInvalidArgument.
func (d *Directory) Add(machineToken string) error {
	return d.update(machineToken, func(p *C.HxDirectory, t *C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_directory_add(p, t, e)
	})
}

// RotateIn makes machineToken the newest key of its name in an in-memory directory, keeping the
// name's other keys (at most 4 in all): endpoints then encrypt to the newest key and accept tokens
// signed with any of them (docs/ROTATION.md).
func (d *Directory) RotateIn(machineToken string) error {
	return d.update(machineToken, func(p *C.HxDirectory, t *C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_directory_rotate_in(p, t, e)
	})
}

// Retire removes the one key machineToken from its name in an in-memory directory, and reports
// whether it was there (a key that was not is no error).
func (d *Directory) Retire(machineToken string) (bool, error) {
	var removed C.bool
	err := d.update(machineToken, func(p *C.HxDirectory, t *C.char, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_directory_retire(p, t, &removed, e)
	})
	return bool(removed), err
}

func (d *Directory) update(token string, call func(*C.HxDirectory, *C.char, *C.hxgo_err) C.uint32_t) error {
	ct, err := cstring(token, "machine token")
	if err != nil {
		return err
	}
	p, err := d.acquire()
	if err != nil {
		return err
	}
	defer d.h.release()
	var e C.hxgo_err
	if st := call(p, cptr(ct), &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// Len is the number of names in the directory (for a remote one, in its current set, fetched
// first if needed). A function directory fails with ErrInvalidArgument.
func (d *Directory) Len() (int, error) {
	p, err := d.acquire()
	if err != nil {
		return 0, err
	}
	defer d.h.release()
	var n C.size_t
	var e C.hxgo_err
	if st := C.hxgo_directory_len(p, &n, &e); st != 0 {
		return 0, failure(st, &e)
	}
	return int(n), nil
}

// JWKS writes the directory as a JWK Set ({"keys":[...]}, sorted by name): what a web server
// publishes, and what DirectoryFromJWKS reads. A function directory fails with
// ErrInvalidArgument.
func (d *Directory) JWKS() (string, error) {
	p, err := d.acquire()
	if err != nil {
		return "", err
	}
	defer d.h.release()
	var out *C.char
	var e C.hxgo_err
	if st := C.hxgo_directory_to_jwks(p, &out, &e); st != 0 {
		return "", failure(st, &e)
	}
	return takeString(out), nil
}

// Close frees the directory. It is idempotent; later uses return an ErrInvalidArgument error.
// Endpoints made with it keep working.
func (d *Directory) Close() error {
	if d != nil {
		d.h.close()
		runtime.SetFinalizer(d, nil)
	}
	return nil
}

func (d *Directory) acquire() (*C.HxDirectory, error) {
	if d == nil {
		return nil, argumentError("Directory is nil")
	}
	return d.h.acquire("Directory")
}

// goResolver is the Go side of a DirectoryFromFunc directory. The C directory (and every
// endpoint made with it) holds its cgo.Handle; refs counts the Go owners of those (the Directory
// and its Endpoints), and the handle is deleted when the last one is closed.
type goResolver struct {
	fn     func(name string) (string, error)
	handle cgo.Handle
	mu     sync.Mutex
	refs   int
}

func (r *goResolver) ref() {
	r.mu.Lock()
	r.refs++
	r.mu.Unlock()
}

func (r *goResolver) unref() {
	r.mu.Lock()
	r.refs--
	last := r.refs == 0
	r.mu.Unlock()
	if last {
		r.handle.Delete()
	}
}

// resolverFailure is what the C directory is given when the Go function fails: a string that is
// not a machine token, which the library refuses with HX_ERR_RESOLVER_FAILED (the C API has no
// way for a callback to report an error of its own).
const resolverFailure = "hxjwt-go: the directory function failed"

//export hxgoResolve
func hxgoResolve(h C.uintptr_t, name *C.char) *C.char {
	token, err := resolveHandle(cgo.Handle(h), C.GoString(name))
	switch {
	case err != nil:
		return C.CString(resolverFailure)
	case token == "":
		return nil
	case strings.IndexByte(token, 0) >= 0:
		return C.CString(resolverFailure)
	}
	return C.CString(token) // malloc'ed: the library frees it with free()
}

// resolveHandle calls the function of a goResolver's handle. No panic may unwind into the C
// library: one (an invalid handle included) is returned as an error.
func resolveHandle(h cgo.Handle, name string) (token string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("directory function panicked: %v", p)
		}
	}()
	r, ok := h.Value().(*goResolver)
	if !ok {
		return "", fmt.Errorf("not a directory function")
	}
	return r.fn(name)
}
