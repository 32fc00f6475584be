package hxjwt_test

import (
	"errors"
	"testing"

	"hxjwt.dev/hxjwt"
)

// FuzzJWEDecrypt: whatever the input, JWEDecrypt, JWEDecryptJSON and JWEDecodeHeader give a
// result or an *hxjwt.Error, never a panic or a crash; a compact token is accepted only when it is
// the one made, and a JSON one only with the plaintext made (JSON may be re-spaced).
// `go test -run '^$' -fuzz FuzzJWEDecrypt` explores further.
func FuzzJWEDecrypt(f *testing.F) {
	key, err := hxjwt.GenerateJWEKey("oct-16")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { key.Close() })
	d, err := hxjwt.NewJWEDecryption(hxjwt.JWEOptions{Algorithms: []string{"A128KW", "dir"}, Encryptions: []string{"A128GCM"}, AllowZip: 1000})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { d.Close() })
	token, err := hxjwt.JWEEncrypt([]byte("payload"), key, "A128KW", "A128GCM")
	if err != nil {
		f.Fatal(err)
	}
	zipped, err := hxjwt.JWEEncryptWithHeader([]byte("payload"), `{"zip":"DEF"}`, key, "A128KW", "A128GCM")
	if err != nil {
		f.Fatal(err)
	}
	json, err := hxjwt.JWEEncryptJSON([]byte("payload"), []hxjwt.JWERecipient{{Key: key, Alg: "A128KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{AAD: []byte("aad")})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{token, zipped, json, tamper(token), token + "\x00x", "\xff\xfe.\xc3\x28.\x80..", "", "....", "{}", `{"recipients":[]}`, json[:len(json)/2], token[:len(token)/2]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		check := func(what string, got *hxjwt.JWEDecrypted, err error, ok func() bool) {
			if err == nil {
				if got == nil || string(got.Plaintext) != "payload" || !ok() {
					t.Fatalf("%s accepted %q: %+v", what, input, got)
				}
				return
			}
			var e *hxjwt.Error
			if !errors.As(err, &e) || e.Kind == "" || e.Kind == "Internal" || e.Kind == "Unknown" || got != nil {
				t.Fatalf("%s(%q): %#v", what, input, err)
			}
		}
		got, err := hxjwt.JWEDecrypt(input, key, d)
		check("JWEDecrypt", got, err, func() bool { return input == token || input == zipped })
		got, err = hxjwt.JWEDecryptJSON(input, key, nil, d)
		check("JWEDecryptJSON", got, err, func() bool { return string(got.AAD) == "aad" })
		if _, err := hxjwt.JWEDecodeHeader(input); err != nil {
			var e *hxjwt.Error
			if !errors.As(err, &e) || e.Kind == "Internal" {
				t.Fatalf("JWEDecodeHeader(%q): %#v", input, err)
			}
		}
	})
}
