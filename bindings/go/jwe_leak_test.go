package hxjwt_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"hxjwt.dev/hxjwt"
)

// TestJWENoLeak runs jweLeakIterations rounds of the JWE family — compact and JSON encryption and
// decryption, failures, headers, key and option handles made and closed, and now and then
// ECDH-ES, ECDH-1PU and a nested JWT — and checks that the process does not grow. Plaintext, aad
// and an extra header member are 2 KiB each, so a leak of any returned buffer (plaintext, aad,
// header, token) costs >= 2 KiB a round: >= 19 MiB over 10 000 rounds, against a bound of 64 bytes
// a round plus 8 MiB of slack for the allocators (the debug library's AES is slow: the buffers
// stay small).
func TestJWENoLeak(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Fatalf("this test reads /proc/self/status: %v", err)
	}
	secret := jweKey(t, "oct-32")
	other := must[*hxjwt.JWEKey](t)(jweKey(t, "oct-32").WithKid(secret.Kid())) // the wrong secret
	defer other.Close()
	x := jweKey(t, "X25519")
	xPublic := publicOf(t, x)
	sender := jweKey(t, "X25519")
	senderPublic := publicOf(t, sender)
	signing := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer signing.Close()
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, NoRequiredClaims: true}))
	defer v.Close()
	d := decryption(t, hxjwt.JWEOptions{
		Algorithms:  []string{"dir", "A256KW", "ECDH-ES", "ECDH-1PU"},
		Encryptions: []string{"A256GCM", "A128GCM"},
	})
	plaintext := []byte(strings.Repeat("p", 2048))
	aad := []byte(strings.Repeat("a", 2048))
	header := map[string]string{"x-pad": strings.Repeat("h", 2048)}
	round := func(i int) {
		token, err := hxjwt.JWEEncryptWithHeader(plaintext, header, secret, "dir", "A256GCM")
		if err != nil {
			t.Fatal(err)
		}
		got, err := hxjwt.JWEDecrypt(token, secret, d)
		if err != nil || len(got.Plaintext) != len(plaintext) || len(got.HeaderJSON) < 2048 {
			t.Fatalf("%v %v", got, err)
		}
		got.Wipe()
		switch i % 10 {
		case 0: // failures: their messages are copied and freed
			if _, err := hxjwt.JWEDecrypt(token, other, d); !errors.Is(err, hxjwt.ErrDecryptionFailed) {
				t.Fatal(err)
			}
			if _, err := hxjwt.JWEDecrypt(token[:len(token)-30], secret, d); err == nil {
				t.Fatal("a truncated token decrypted")
			}
		case 1: // JSON with aad
			json, err := hxjwt.JWEEncryptJSON(plaintext, []hxjwt.JWERecipient{{Key: secret, Alg: "A256KW"}}, "A128GCM", &hxjwt.JWEJSONOptions{AAD: aad, Header: header})
			if err != nil {
				t.Fatal(err)
			}
			got, err := hxjwt.JWEDecryptJSON(json, secret, nil, d)
			if err != nil || len(got.AAD) != len(aad) {
				t.Fatalf("%v %v", got, err)
			}
		case 2:
			if h, err := hxjwt.JWEDecodeHeader(token); err != nil || len(h) < 2048 {
				t.Fatal(err)
			}
		case 3: // handles made and closed
			k, err := hxjwt.JWEKeyFromSecret(plaintext[:32])
			if err != nil {
				t.Fatal(err)
			}
			k2, err := k.WithKid("k2")
			if err != nil {
				t.Fatal(err)
			}
			jwk, err := k2.PrivateJWK()
			if err != nil || jwk == "" {
				t.Fatal(err)
			}
			if tp, err := k2.Thumbprint(); err != nil || len(tp) != 43 {
				t.Fatal(err)
			}
			o, err := hxjwt.NewJWEDecryption(hxjwt.JWEOptions{Algorithms: []string{"A128KW"}, Encryptions: []string{"A128GCM"}, Typ: "x", Critical: []string{"c"}, AllowZip: 1000})
			if err != nil {
				t.Fatal(err)
			}
			o.Close()
			k2.Close()
			k.Close()
		case 4:
			if i%100 != 4 { // the public-key operations, now and then
				break
			}
			es, err := hxjwt.JWEEncrypt(plaintext, xPublic, "ECDH-ES", "A256GCM")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hxjwt.JWEDecrypt(es, x, d); err != nil {
				t.Fatal(err)
			}
			pu, err := hxjwt.JWEEncrypt1PU(plaintext, header, xPublic, sender, "ECDH-1PU", "A256GCM")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hxjwt.JWEDecrypt1PU(pu, x, senderPublic, d); err != nil {
				t.Fatal(err)
			}
			nested, err := hxjwt.JWEEncryptNested(`{"pad":"`+string(plaintext)+`"}`, signing, "HS256", secret, "dir", "A256GCM")
			if err != nil {
				t.Fatal(err)
			}
			if claims, err := hxjwt.JWEDecryptNested(nested, secret, d, signing, v); err != nil || len(claims) < 2048 {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < jweLeakIterations/10; i++ {
		round(i)
	}
	settle()
	before := rss(t)
	for i := 0; i < jweLeakIterations; i++ {
		round(i)
	}
	settle()
	after := rss(t)
	bound := int64(jweLeakIterations)*64 + 8<<20
	t.Logf("%d iterations: RSS %d KiB -> %d KiB (%+d KiB; bound %d KiB)", jweLeakIterations, before>>10, after>>10, (after-before)>>10, bound>>10)
	if after-before > bound {
		t.Errorf("RSS grew by %d KiB over %d iterations (bound %d KiB): a leak", (after-before)>>10, jweLeakIterations, bound>>10)
	}
}
