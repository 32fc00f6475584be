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

// ReplayStore remembers which tokens were accepted until they expire, so that each is accepted
// once: in memory for one process (NewMemoryReplayStore), or in Redis for every process
// connected to the same server, a whole fleet (NewRedisReplayStore). Attach it to endpoints
// (WithReplayStore, Endpoint.SetReplayStore) and validations (ValidationOptions.ReplayStore);
// they keep their own reference, so the store may be closed right after. It may be shared by
// any number of goroutines. When a Redis server cannot answer, validations fail with
// ErrStoreUnavailable: the token is refused, never accepted unchecked.
type ReplayStore struct {
	h handle[C.HxReplayStore]
}

func newReplayStore(p *C.HxReplayStore) *ReplayStore {
	s := &ReplayStore{}
	s.h.ptr = p
	s.h.free = func(p *C.HxReplayStore) { C.hxgo_replay_store_free(p) }
	runtime.SetFinalizer(s, (*ReplayStore).Close)
	return s
}

// NewMemoryReplayStore makes an in-memory replay store remembering at most capacity unexpired
// tokens (0: the default, 1 000 000); when full it refuses new tokens with ErrReplayed rather
// than forgetting any.
func NewMemoryReplayStore(capacity int) (*ReplayStore, error) {
	if capacity < 0 {
		return nil, argumentError("capacity is negative")
	}
	var out *C.HxReplayStore
	var e C.hxgo_err
	if st := C.hxgo_replay_store_memory_new(C.size_t(capacity), &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newReplayStore(out), nil
}

// RedisOptions say how NewRedisReplayStore connects. The zero value of every field is the
// library's default; settings in the URL's query (?prefix=…&timeout=…&connect_timeout=…
// &max_connections=…) override these.
type RedisOptions struct {
	// ConnectTimeout is the longest wait to open a connection (TCP, TLS, AUTH, SELECT).
	// Default 1 s (whole milliseconds).
	ConnectTimeout time.Duration
	// CommandTimeout is the longest wait for a reply. Default 500 ms (whole milliseconds).
	CommandTimeout time.Duration
	// MaxConnections is the most connections open at once. Default 16.
	MaxConnections int
	// KeyPrefix is put before every key. Default "hxjwt:".
	KeyPrefix string
	// CAFile is a PEM file of the certificate authorities trusted for rediss:// instead of the
	// Web PKI roots (a private CA). Default: the Web PKI roots.
	CAFile string
}

// DefaultRedisOptions returns the library's defaults with their actual values.
func DefaultRedisOptions() (RedisOptions, error) {
	var c C.HxRedisOptions
	var e C.hxgo_err
	if st := C.hxgo_redis_options_default(&c, &e); st != 0 {
		return RedisOptions{}, failure(st, &e)
	}
	o := RedisOptions{
		ConnectTimeout: time.Duration(c.connect_timeout_ms) * time.Millisecond,
		CommandTimeout: time.Duration(c.command_timeout_ms) * time.Millisecond,
		MaxConnections: int(c.max_connections),
	}
	if c.key_prefix != nil {
		o.KeyPrefix = C.GoString(c.key_prefix)
	}
	if c.ca_file != nil {
		o.CAFile = C.GoString(c.ca_file)
	}
	return o, nil
}

// NewRedisReplayStore makes a replay store on the Redis server at url
// (redis://[user[:password]@]host[:port][/db], rediss://… for TLS, unix:///path.sock), so that
// every endpoint and validation of every process using that server accepts each token once.
// opts may be nil (the defaults). No connection is opened yet: a server that is down now is no
// error here (call Ping to check at start-up). A URL or option that is not usable fails with
// ErrInvalidArgument; the message never contains the password.
func NewRedisReplayStore(url string, opts *RedisOptions) (*ReplayStore, error) {
	curl, err := cstring(url, "url")
	if err != nil {
		return nil, err
	}
	defer wipe(curl) // it may hold a password
	var copts *C.HxRedisOptions
	if opts != nil {
		if opts.ConnectTimeout < 0 || opts.CommandTimeout < 0 || opts.MaxConnections < 0 {
			return nil, argumentError("a Redis option is negative")
		}
		// A C struct in C memory: it points to the two strings, which Go memory passed to C
		// may not do.
		copts = (*C.HxRedisOptions)(C.calloc(1, C.size_t(unsafe.Sizeof(C.HxRedisOptions{}))))
		defer C.free(unsafe.Pointer(copts))
		copts.connect_timeout_ms = C.uint64_t(opts.ConnectTimeout / time.Millisecond)
		copts.command_timeout_ms = C.uint64_t(opts.CommandTimeout / time.Millisecond)
		copts.max_connections = C.uint64_t(opts.MaxConnections)
		for _, f := range []struct {
			value string
			field **C.char
			what  string
		}{{opts.KeyPrefix, &copts.key_prefix, "key prefix"}, {opts.CAFile, &copts.ca_file, "CA file"}} {
			if f.value == "" {
				continue
			}
			if _, err := cstring(f.value, f.what); err != nil {
				return nil, err
			}
			*f.field = C.CString(f.value)
			defer C.free(unsafe.Pointer(*f.field))
		}
	}
	var out *C.HxReplayStore
	var e C.hxgo_err
	if st := C.hxgo_replay_store_redis_new(cptr(curl), copts, &out, &e); st != 0 {
		return nil, failure(st, &e)
	}
	return newReplayStore(out), nil
}

// Ping checks that the store can answer: nil for a memory store, and for a Redis store whose
// server answers PING within the time-outs; an ErrStoreUnavailable error otherwise.
func (s *ReplayStore) Ping() error {
	p, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.h.release()
	var e C.hxgo_err
	if st := C.hxgo_replay_store_ping(p, &e); st != 0 {
		return failure(st, &e)
	}
	return nil
}

// Close frees the store handle; endpoints and validations it was attached to keep using the
// store. It is idempotent; later uses return an ErrInvalidArgument error.
func (s *ReplayStore) Close() error {
	if s != nil {
		s.h.close()
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

func (s *ReplayStore) acquire() (*C.HxReplayStore, error) {
	if s == nil {
		return nil, argumentError("ReplayStore is nil")
	}
	return s.h.acquire("ReplayStore")
}

// WithReplayStore makes the endpoint record each token it accepts in store, so that a token is
// accepted once by every endpoint sharing the store (across processes, for a Redis store): a
// token seen before fails with ErrReplayed, one that cannot be checked with ErrStoreUnavailable.
// It replaces WithReplayProtection.
func WithReplayStore(store *ReplayStore) EndpointOption {
	return endpointOption(func(p *C.HxEndpoint, e *C.hxgo_err) (C.uint32_t, error) {
		sp, err := store.acquire()
		if err != nil {
			return 0, err
		}
		defer store.h.release()
		return C.hxgo_endpoint_set_replay_store(p, sp, e), nil
	})
}

// SetReplayStore attaches store to the endpoint as WithReplayStore does, at any time; nil turns
// replay protection off.
func (ep *Endpoint) SetReplayStore(store *ReplayStore) error {
	var sp *C.HxReplayStore
	if store != nil {
		var err error
		if sp, err = store.acquire(); err != nil {
			return err
		}
		defer store.h.release()
	}
	return ep.set(func(p *C.HxEndpoint, e *C.hxgo_err) C.uint32_t {
		return C.hxgo_endpoint_set_replay_store(p, sp, e)
	})
}
