package hxjwt_test

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"hxjwt.dev/hxjwt"
)

// Fuzz targets: `go test` runs their seeds (these, and any under testdata/fuzz); `go test -fuzz
// FuzzValidate` explores further. Whatever the input, the answer is a message or an *hxjwt.Error,
// never a panic or a crash, and a token is accepted only once it is the one that was made.

func FuzzValidate(f *testing.F) {
	a, b, aliceToken, _ := pair(f)
	token, err := a.Create("bob.service", []byte("payload"), time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	// A token of the ECDH-1PU mode (five segments) is accepted too.
	pu, err := a.Create("bob.service", []byte("payload"), time.Hour, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{token, tamper(token), token + "\x00x", "\xff\xfe.\xc3\x28.\x80", "", "a.b.c", "..", token[:len(token)/2],
		pu, tamper(pu), pu[:len(pu)/2], "a.b.c.d.e", "...."} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, input string, shared bool) {
		var m *hxjwt.Message
		var err error
		if shared {
			m, err = b.ValidateFrom(input, aliceToken)
		} else {
			m, err = b.Validate(input)
		}
		if err == nil {
			if (input != token && input != pu) || string(m.Payload) != "payload" {
				t.Fatalf("accepted %q: %+v", input, m)
			}
			return
		}
		var e *hxjwt.Error
		if !errors.As(err, &e) || e.Kind == "" || e.Kind == "Internal" || e.Kind == "Unknown" {
			t.Fatalf("%q: %#v", input, err)
		}
		if !utf8.ValidString(input) && !errors.Is(err, hxjwt.ErrInvalidArgument) && !errors.Is(err, hxjwt.ErrMalformed) {
			t.Fatalf("invalid UTF-8 %q: %v", input, err)
		}
	})
}

func FuzzVerify(f *testing.F) {
	key, err := hxjwt.GenerateKey("HS256")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { key.Close() })
	v, err := hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { v.Close() })
	token, err := hxjwt.Sign(`{"exp":4000000000}`, key, "HS256")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{token, tamper(token), token + "\x00", "eyJhbGciOiJub25lIn0.e30.", "\xff", "", "a.b.c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		claims, err := hxjwt.Verify(input, key, v)
		if err == nil {
			if input != token || string(claims) != `{"exp":4000000000}` {
				t.Fatalf("accepted %q: %s", input, claims)
			}
			return
		}
		var e *hxjwt.Error
		if !errors.As(err, &e) || e.Kind == "" || e.Kind == "Internal" || e.Kind == "Unknown" || claims != nil {
			t.Fatalf("%q: %#v", input, err)
		}
		if _, err := hxjwt.DecodeHeader(input); err != nil && !errors.As(err, &e) {
			t.Fatalf("DecodeHeader(%q): %#v", input, err)
		}
	})
}
