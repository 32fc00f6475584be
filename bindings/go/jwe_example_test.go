package hxjwt_test

import (
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"hxjwt.dev/hxjwt"
)

// The README's JWE example: a recipient publishes its public JWK; a sender encrypts to it; the
// recipient decrypts, naming the algorithms it accepts.
func ExampleJWEDecrypt() {
	recipient, err := hxjwt.GenerateJWEKey("X25519")
	if err != nil {
		log.Fatal(err)
	}
	defer recipient.Close()
	publicJWK, _ := recipient.PublicJWK() // what senders get
	public, err := hxjwt.JWEKeyFromJWK(publicJWK)
	if err != nil {
		log.Fatal(err)
	}
	defer public.Close()
	token, err := hxjwt.JWEEncrypt([]byte("secret"), public, "ECDH-ES+A256KW", "A256GCM")
	if err != nil {
		log.Fatal(err)
	}

	d, err := hxjwt.NewJWEDecryption(hxjwt.JWEOptions{
		Algorithms:  []string{"ECDH-ES+A256KW"},
		Encryptions: []string{"A256GCM"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	got, err := hxjwt.JWEDecrypt(token, recipient, d)
	if err != nil {
		log.Fatal(err)
	}
	defer got.Wipe()
	fmt.Printf("%s %s %s kid=%v\n", got.Plaintext, got.Alg, got.Enc, got.Header["kid"] == recipient.Kid())

	// One character of the ciphertext changed: the one DecryptionFailed.
	parts := strings.Split(token, ".")
	parts[3] = strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, parts[3][:1]) + parts[3][1:]
	_, err = hxjwt.JWEDecrypt(strings.Join(parts, "."), recipient, d)
	fmt.Println(errors.Is(err, hxjwt.ErrDecryptionFailed))
	// Output:
	// secret ECDH-ES+A256KW A256GCM kid=true
	// true
}

// A nested JWT: an issuer signs claims (ES256) and encrypts the signed token for an API
// (RSA-OAEP-256); the API decrypts, verifies and checks the claims in one call.
func ExampleJWEDecryptNested() {
	signing, _ := hxjwt.GenerateKey("ES256")
	defer signing.Close()
	verifying, _ := signing.Public()
	defer verifying.Close()
	apiKey, _ := hxjwt.GenerateJWEKey("RSA")
	defer apiKey.Close()
	apiPublic, _ := apiKey.Public()
	defer apiPublic.Close()

	exp := time.Now().Add(time.Hour).Unix()
	token, err := hxjwt.JWEEncryptNested(map[string]any{"sub": "user-7", "aud": "api", "exp": exp},
		signing, "ES256", apiPublic, "RSA-OAEP-256", "A256GCM")
	if err != nil {
		log.Fatal(err)
	}

	d, _ := hxjwt.NewJWEDecryption(hxjwt.JWEOptions{Algorithms: []string{"RSA-OAEP-256"}, Encryptions: []string{"A256GCM"}})
	defer d.Close()
	v, _ := hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"ES256"}, Audience: []string{"api"}})
	defer v.Close()
	claims, err := hxjwt.JWEDecryptNested(token, apiKey, d, verifying, v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(string(claims), `"sub":"user-7"`))
	// Output:
	// true
}
