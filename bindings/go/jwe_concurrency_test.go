package hxjwt_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"hxjwt.dev/hxjwt"
)

// Goroutines share JWE keys and one JWEDecryption, as the C API allows: each checks that what it
// decrypts is what it encrypted, and that its failures carry their own kind (the library's
// message is per OS thread), while the shared keys are also used as lists.
func TestGoroutinesShareJWEKeysAndDecryption(t *testing.T) {
	x := jweKey(t, "X25519")
	xPublic := publicOf(t, x)
	secret := jweKey(t, "oct-16")
	sender := jweKey(t, "P-256")
	recipient := jweKey(t, "P-256")
	d := decryption(t, hxjwt.JWEOptions{
		Algorithms:  []string{"ECDH-ES", "A128KW", "ECDH-1PU+A128KW"},
		Encryptions: []string{"A256GCM", "A128CBC-HS256"},
	})
	workers := 2 * runtime.GOMAXPROCS(0)
	if workers < 4 {
		workers = 4
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				plaintext := []byte(fmt.Sprintf("worker %d round %d", w, i))
				var token string
				var err error
				switch i % 3 {
				case 0:
					token, err = hxjwt.JWEEncrypt(plaintext, xPublic, "ECDH-ES", "A256GCM")
				case 1:
					token, err = hxjwt.JWEEncrypt(plaintext, secret, "A128KW", "A128CBC-HS256")
				default:
					token, err = hxjwt.JWEEncrypt1PU(plaintext, nil, recipient, sender, "ECDH-1PU+A128KW", "A128CBC-HS256")
				}
				if err != nil {
					errs <- err
					return
				}
				var got *hxjwt.JWEDecrypted
				if i%3 == 2 {
					got, err = hxjwt.JWEDecrypt1PU(token, recipient, sender, d)
				} else {
					got, err = hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{secret, x}, d)
				}
				if err != nil || string(got.Plaintext) != string(plaintext) {
					errs <- fmt.Errorf("worker %d round %d: %v %v", w, i, got, err)
					return
				}
				// Failures on every goroutine, each with its own kind.
				if _, err := hxjwt.JWEDecrypt(token[:len(token)-2], hxjwt.JWEKeyList{secret, x}, d); !errors.Is(err, hxjwt.ErrMalformed) && !errors.Is(err, hxjwt.ErrDecryptionFailed) && !errors.Is(err, hxjwt.ErrInvalidArgument) {
					errs <- fmt.Errorf("worker %d: truncated: %v", w, err)
					return
				}
				if _, err := hxjwt.JWEEncrypt(plaintext, secret, "RSA1_5", "A256GCM"); !errors.Is(err, hxjwt.ErrUnsupportedAlgorithm) {
					errs <- fmt.Errorf("worker %d: RSA1_5: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Close racing with uses of a JWE key and a decryption: each use succeeds or returns
// ErrInvalidArgument, never touches freed memory (the race detector and the C library's own
// checks would see it).
func TestJWECloseRacingWithUses(t *testing.T) {
	for round := 0; round < 10; round++ {
		key := must[*hxjwt.JWEKey](t)(hxjwt.GenerateJWEKey("oct-16"))
		d := must[*hxjwt.JWEDecryption](t)(hxjwt.NewJWEDecryption(only("A128KW", "A128GCM")))
		token := must[string](t)(hxjwt.JWEEncrypt([]byte("x"), key, "A128KW", "A128GCM"))
		var wg sync.WaitGroup
		var closedSeen atomic.Int64
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					got, err := hxjwt.JWEDecrypt(token, hxjwt.JWEKeyList{key, key}, d)
					if err != nil {
						if !errors.Is(err, hxjwt.ErrInvalidArgument) {
							t.Errorf("%v", err)
						}
						closedSeen.Add(1)
					} else if string(got.Plaintext) != "x" {
						t.Errorf("%q", got.Plaintext)
					}
				}
			}()
		}
		if round%2 == 0 {
			key.Close()
		} else {
			d.Close()
		}
		wg.Wait()
		if _, err := hxjwt.JWEDecrypt(token, key, d); !errors.Is(err, hxjwt.ErrInvalidArgument) {
			t.Errorf("after Close: %v", err)
		}
		key.Close()
		d.Close()
	}
}
