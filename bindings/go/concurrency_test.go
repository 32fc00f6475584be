package hxjwt_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// Goroutines share one Endpoint (and one directory), as the C API allows: each checks that what
// it validates is what it made, so a message crossing goroutines or a last-error message read on
// the wrong thread would fail.
func TestGoroutinesShareOneEndpoint(t *testing.T) {
	a, b, _, bobToken := pair(t, hxjwt.WithReplayProtection())
	workers := 2 * runtime.GOMAXPROCS(0)
	if workers < 4 {
		workers = 4
	}
	const rounds = 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				payload := []byte(fmt.Sprintf("worker %d round %d", w, i))
				// Odd rounds in the ECDH-1PU mode.
				protocol := hxjwt.ProtocolHX1
				if i%2 == 1 {
					protocol = hxjwt.ProtocolECDH1PU
				}
				token, err := a.Create("bob.service", payload, time.Minute, hxjwt.WithProtocol(protocol))
				if err != nil {
					errs <- err
					return
				}
				m, err := b.Validate(token)
				if err != nil || string(m.Payload) != string(payload) || m.Protocol != protocol {
					errs <- fmt.Errorf("worker %d: %v %v", w, m, err)
					return
				}
				// Failures on every goroutine: each gets its own kind and message.
				if _, err := b.Validate(token); !errors.Is(err, hxjwt.ErrReplayed) {
					errs <- fmt.Errorf("worker %d: replay: %v", w, err)
					return
				}
				if _, err := a.Validate(token); !errors.Is(err, hxjwt.ErrWrongAudience) {
					errs <- fmt.Errorf("worker %d: wrong audience: %v", w, err)
					return
				}
				if _, err := a.CreateFor(bobToken[:10], nil, time.Minute); !errors.Is(err, hxjwt.ErrInvalidKey) {
					errs <- fmt.Errorf("worker %d: bad token: %v", w, err)
					return
				}
			}
		}()
	}
	// Meanwhile, the setters of the shared endpoints are called.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			if err := b.UseSystemClock(); err != nil {
				errs <- err
				return
			}
			runtime.Gosched()
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestGoroutinesShareOneKeyAndValidation(t *testing.T) {
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256"))
	defer key.Close()
	public := must[*hxjwt.Key](t)(key.Public())
	defer public.Close()
	set := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet(public))
	defer set.Close()
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"ES256"}, Audience: []string{"api"}}))
	defer v.Close()
	exp := time.Now().Add(time.Hour).Unix()
	var wg sync.WaitGroup
	var failures atomic.Int64
	for w := 0; w < 4; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				sub := fmt.Sprintf("user-%d-%d", w, i)
				token, err := hxjwt.Sign(map[string]any{"sub": sub, "aud": "api", "exp": exp}, key, "ES256")
				if err != nil {
					t.Error(err)
					return
				}
				var verifier hxjwt.VerificationKey = public
				if i%2 == 1 {
					verifier = set
				}
				claims, err := hxjwt.Verify(token, verifier, v)
				if err != nil || !jsonHas(claims, sub) {
					failures.Add(1)
				}
				if _, err := hxjwt.Verify(token+"x", verifier, v); err == nil {
					failures.Add(1)
				}
			}
		}()
	}
	// A key added to the set while others verify with it.
	other := must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256"))
	defer other.Close()
	must[struct{}](t)(struct{}{}, set.Add(other))
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d failures", failures.Load())
	}
}

func jsonHas(claims []byte, s string) bool {
	return strings.Contains(string(claims), `"`+s+`"`)
}

// Close racing with uses: the uses return an error or succeed, never touch freed memory.
func TestCloseRacingWithUses(t *testing.T) {
	for round := 0; round < 20; round++ {
		a, b, _, _ := pair(t)
		token := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
		var wg sync.WaitGroup
		var closedSeen atomic.Int64
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					if _, err := b.Validate(token); err != nil {
						if !errors.Is(err, hxjwt.ErrInvalidArgument) {
							t.Errorf("%v", err)
						}
						closedSeen.Add(1)
					}
				}
			}()
		}
		b.Close()
		wg.Wait()
		if _, err := b.Validate(token); !errors.Is(err, hxjwt.ErrInvalidArgument) {
			t.Errorf("after Close: %v", err)
		}
	}
}
