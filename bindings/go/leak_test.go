package hxjwt_test

import (
	"bufio"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// rss is the resident set size of this process, from /proc/self/status, in bytes.
func rss(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) >= 2 && fields[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

// TestNoLeak makes and validates leakIterations tokens (plus failures, JWS sign/verify and
// handles made and closed), and checks that the process does not grow: every token, message,
// error message and handle is freed. A leak of only the token strings (~400 bytes each) would
// grow it by ~40 MB over 100 000 calls; the bound is 64 bytes per iteration plus 8 MiB of slack
// for the allocators.
func TestNoLeak(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Fatalf("this test reads /proc/self/status: %v", err)
	}
	a, b, aliceToken, bobToken := pair(t)
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer key.Close()
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	payload := []byte(`{"order":42,"items":["a","b","c"]}`)
	exp := time.Now().Add(time.Hour).Unix()
	round := func(i int) {
		token, err := a.Create("bob.service", payload, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		m, err := b.Validate(token)
		if err != nil || len(m.Payload) != len(payload) {
			t.Fatalf("%v %v", m, err)
		}
		switch i % 10 {
		case 0: // a failure: its message is copied and freed
			if _, err := a.Validate(token); !errors.Is(err, hxjwt.ErrWrongAudience) {
				t.Fatal(err)
			}
		case 1:
			if _, err := b.ValidateFrom(token, bobToken); !errors.Is(err, hxjwt.ErrIssuerMismatch) {
				t.Fatal(err)
			}
		case 2:
			if _, err := b.ValidateFrom(token, aliceToken); err != nil {
				t.Fatal(err)
			}
		case 3:
			jwt, err := hxjwt.Sign(map[string]any{"exp": exp}, key, "HS256")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hxjwt.Verify(jwt, key, v); err != nil {
				t.Fatal(err)
			}
			if _, err := hxjwt.Verify(jwt[:len(jwt)-4], key, v); err == nil {
				t.Fatal("a truncated token verified")
			}
		case 4: // handles made and closed
			id, err := hxjwt.GenerateIdentity("leak.service")
			if err != nil {
				t.Fatal(err)
			}
			ep, err := hxjwt.NewEndpoint(id, nil)
			if err != nil {
				t.Fatal(err)
			}
			ep.Close()
			id.Close()
		case 5: // the ECDH-1PU mode, now and then (two X25519 agreements each way)
			if i%50 != 5 {
				break
			}
			pu, err := a.CreateFor(bobToken, payload, time.Minute, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU), hxjwt.WithJTI("j"))
			if err != nil {
				t.Fatal(err)
			}
			if m, err := b.ValidateFrom(pu, aliceToken); err != nil || m.Protocol != hxjwt.ProtocolECDH1PU {
				t.Fatalf("%v %v", m, err)
			}
			if _, err := b.Validate(pu[:len(pu)-4]); err == nil {
				t.Fatal("a truncated ECDH-1PU token validated")
			}
		}
	}
	warmup := leakIterations / 10
	for i := 0; i < warmup; i++ {
		round(i)
	}
	settle()
	before := rss(t)
	for i := 0; i < leakIterations; i++ {
		round(i)
	}
	settle()
	after := rss(t)
	bound := int64(leakIterations)*64 + 8<<20
	t.Logf("%d iterations: RSS %d KiB -> %d KiB (%+d KiB; bound %d KiB)", leakIterations, before>>10, after>>10, (after-before)>>10, bound>>10)
	if after-before > bound {
		t.Errorf("RSS grew by %d KiB over %d iterations (bound %d KiB): a leak", (after-before)>>10, leakIterations, bound>>10)
	}
}
