package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import (
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// RemoteOptions say how a JWK Set at a URL is fetched and cached (DirectoryFromURL,
// KeySetFromURL). The zero value of every field means the library's default, so a nil
// *RemoteOptions or RemoteOptions{} is the defaults. Times are whole seconds for the cache and
// milliseconds for the two time-outs (truncated).
type RemoteOptions struct {
	// ConnectTimeout is the longest wait to establish a connection (TCP and TLS). Default 5 s.
	ConnectTimeout time.Duration
	// Timeout is the longest a whole request may take. Default 10 s.
	Timeout time.Duration
	// MaxResponseBytes is the largest response body accepted. Default 1 MiB.
	MaxResponseBytes int64
	// DefaultTTL is how long a set is fresh without Cache-Control: max-age. Default 300 s.
	DefaultTTL time.Duration
	// MinTTL and MaxTTL bound max-age. Defaults 60 s and 1 day.
	MinTTL, MaxTTL time.Duration
	// RefreshCooldown is the least time between two fetches triggered by an unknown name or kid
	// or by a failed fetch. Default 30 s.
	RefreshCooldown time.Duration
	// MaxStale is how long the last good set keeps serving past its freshness while fetches
	// fail. Default 1 hour.
	MaxStale time.Duration
	// AllowHTTP accepts http:// URLs (loopback tests, private networks only). Default false.
	// Even so, a redirect from https:// to http:// is refused; at most 3 redirects are
	// followed.
	AllowHTTP bool
	// CAFile is the path of a PEM file of the certificate authorities to trust (an identity
	// provider behind a private CA), replacing the built-in Mozilla roots. It is read and checked
	// by DirectoryFromURL/KeySetFromURL: a missing or unreadable file, bad PEM or no certificate
	// fails there with ErrInvalidArgument naming the path. Default "" (the built-in roots).
	CAFile string
	// Headers are sent with every fetch, in order, as name and value pairs (a User-Agent
	// replaces the default "hxjwt/<version>"). A name that is not an HTTP token or is Host,
	// Content-Length or Transfer-Encoding, a value with CR, LF, NUL or another control
	// character, or a header given twice fails with ErrInvalidArgument naming it (never quoting
	// the value). Default none.
	Headers []Header
	// AllowMixedKeys accepts a JWK Set mixing HMAC secrets with public keys (KeySetFromURL only;
	// refused by default). Default false.
	AllowMixedKeys bool
}

// Header is one request header of RemoteOptions.Headers.
type Header struct {
	Name, Value string
}

// DefaultRemoteOptions returns the library's defaults with their actual values.
func DefaultRemoteOptions() (RemoteOptions, error) {
	var c C.HxRemoteOptions
	var e C.hxgo_err
	if st := C.hxgo_remote_options_default(&c, &e); st != 0 {
		return RemoteOptions{}, failure(st, &e)
	}
	return RemoteOptions{
		ConnectTimeout:   time.Duration(c.connect_timeout_ms) * time.Millisecond,
		Timeout:          time.Duration(c.timeout_ms) * time.Millisecond,
		MaxResponseBytes: int64(c.max_response_bytes),
		DefaultTTL:       time.Duration(c.default_ttl_s) * time.Second,
		MinTTL:           time.Duration(c.min_ttl_s) * time.Second,
		MaxTTL:           time.Duration(c.max_ttl_s) * time.Second,
		RefreshCooldown:  time.Duration(c.refresh_cooldown_s) * time.Second,
		MaxStale:         time.Duration(c.max_stale_s) * time.Second,
		AllowHTTP:        bool(c.allow_http),
		AllowMixedKeys:   bool(c.allow_mixed_keys),
	}, nil
}

// toC converts the options; free releases the C memory it allocated: defer it right away (it is
// set on error too).
func (o *RemoteOptions) toC() (c C.HxRemoteOptions, free func(), err error) {
	var allocated []unsafe.Pointer
	free = func() {
		for _, p := range allocated {
			C.free(p)
		}
		allocated = nil
	}
	if o == nil {
		return c, free, nil
	}
	if o.ConnectTimeout < 0 || o.Timeout < 0 || o.MaxResponseBytes < 0 || o.DefaultTTL < 0 ||
		o.MinTTL < 0 || o.MaxTTL < 0 || o.RefreshCooldown < 0 || o.MaxStale < 0 {
		return c, free, argumentError("a remote option is negative")
	}
	c.connect_timeout_ms = C.uint64_t(o.ConnectTimeout / time.Millisecond)
	c.timeout_ms = C.uint64_t(o.Timeout / time.Millisecond)
	c.max_response_bytes = C.uint64_t(o.MaxResponseBytes)
	c.default_ttl_s = C.uint64_t(o.DefaultTTL / time.Second)
	c.min_ttl_s = C.uint64_t(o.MinTTL / time.Second)
	c.max_ttl_s = C.uint64_t(o.MaxTTL / time.Second)
	c.refresh_cooldown_s = C.uint64_t(o.RefreshCooldown / time.Second)
	c.max_stale_s = C.uint64_t(o.MaxStale / time.Second)
	c.allow_http = C.bool(o.AllowHTTP)
	c.allow_mixed_keys = C.bool(o.AllowMixedKeys)
	if o.CAFile != "" {
		if strings.IndexByte(o.CAFile, 0) >= 0 {
			return c, free, argumentError("CAFile contains a NUL character")
		}
		p := C.CString(o.CAFile)
		allocated = append(allocated, unsafe.Pointer(p))
		c.ca_file = p
	}
	if len(o.Headers) > 0 {
		// C memory for the array of "Name: value" lines: a Go pointer may not hold Go pointers
		// when it is passed to C.
		size := C.size_t(len(o.Headers)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))
		array := C.malloc(size)
		if array == nil {
			return c, free, argumentError("out of memory for the headers")
		}
		allocated = append(allocated, array)
		lines := unsafe.Slice((**C.char)(array), len(o.Headers))
		for i, h := range o.Headers {
			if h.Name == "" || strings.ContainsAny(h.Name, ":\x00") {
				return c, free, argumentError("a header name must be an HTTP token (not empty, no colon)")
			}
			if strings.IndexByte(h.Value, 0) >= 0 {
				return c, free, argumentError("the value of the header " + quoteName(h.Name) + " contains a NUL character")
			}
			p := C.CString(h.Name + ": " + h.Value)
			allocated = append(allocated, unsafe.Pointer(p))
			lines[i] = p
		}
		c.headers = (**C.char)(array)
		c.headers_len = C.size_t(len(o.Headers))
	}
	return c, free, nil
}

// quoteName quotes a header name for a message, bounded.
func quoteName(name string) string {
	if len(name) > 40 {
		name = name[:40]
	}
	return strconv.Quote(name)
}
