package hxjwt

/*
#include "hxgo.h"
*/
import "C"

import "time"

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
	AllowHTTP bool
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
	}, nil
}

func (o *RemoteOptions) toC() (C.HxRemoteOptions, error) {
	var c C.HxRemoteOptions
	if o == nil {
		return c, nil
	}
	if o.ConnectTimeout < 0 || o.Timeout < 0 || o.MaxResponseBytes < 0 || o.DefaultTTL < 0 ||
		o.MinTTL < 0 || o.MaxTTL < 0 || o.RefreshCooldown < 0 || o.MaxStale < 0 {
		return c, argumentError("a remote option is negative")
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
	return c, nil
}
