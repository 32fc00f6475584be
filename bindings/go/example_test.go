package hxjwt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"hxjwt.dev/hxjwt"
)

// Two services exchange an encrypted, sender-authenticated token (HX1) through a directory of
// their machine tokens.
func Example() {
	alice, err := hxjwt.GenerateIdentity("alice.service")
	if err != nil {
		log.Fatal(err)
	}
	defer alice.Close()
	bob, err := hxjwt.GenerateIdentity("bob.service")
	if err != nil {
		log.Fatal(err)
	}
	defer bob.Close()
	aliceToken, _ := alice.MachineToken()
	bobToken, _ := bob.MachineToken()
	directory, err := hxjwt.NewDirectory(aliceToken, bobToken)
	if err != nil {
		log.Fatal(err)
	}
	defer directory.Close()

	a, err := hxjwt.NewEndpoint(alice, directory)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := hxjwt.NewEndpoint(bob, directory, hxjwt.WithReplayProtection())
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	token, err := a.Create("bob.service", []byte(`{"order":42}`), 5*time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	message, err := b.Validate(token)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s -> %s: %s\n", message.Issuer, message.Audience, message.Payload)

	// The same token again is refused.
	_, err = b.Validate(token)
	fmt.Println(errors.Is(err, hxjwt.ErrReplayed))
	// Output:
	// alice.service -> bob.service: {"order":42}
	// true
}

// A login service signs standard JWTs; an API verifies them with the public key, the
// algorithms and the audience it chose.
func ExampleVerify() {
	signing, err := hxjwt.GenerateKey("ES256")
	if err != nil {
		log.Fatal(err)
	}
	defer signing.Close()
	exp := time.Now().Add(time.Hour).Unix()
	token, err := hxjwt.Sign(map[string]any{"sub": "user-7", "aud": "api", "exp": exp}, signing, "ES256")
	if err != nil {
		log.Fatal(err)
	}

	publicJWK, _ := signing.PublicJWK() // what the issuer publishes
	verifying, err := hxjwt.KeyFromJWK(publicJWK)
	if err != nil {
		log.Fatal(err)
	}
	defer verifying.Close()
	validation, err := hxjwt.NewValidation(hxjwt.ValidationOptions{
		Algorithms: []string{"ES256"},
		Audience:   []string{"api"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer validation.Close()
	if _, err := hxjwt.Verify(token, verifying, validation); err != nil {
		log.Fatal(err)
	}
	fmt.Println("verified")

	// Two hours later the token has expired; the error names the claim.
	validation.SetTime(time.Now().Add(2 * time.Hour))
	_, err = hxjwt.Verify(token, verifying, validation)
	var e *hxjwt.Error
	if errors.As(err, &e) && errors.Is(err, hxjwt.ErrExpired) {
		fmt.Println(e.Kind, e.Claim)
	}
	// Output:
	// verified
	// Expired exp
}

// The ECDH-1PU mode: the endpoint makes a standard compact JWE (five segments) that any
// ECDH-1PU implementation reads with the two machine tokens; Validate takes both modes.
func ExampleWithProtocol() {
	alice, err := hxjwt.GenerateIdentity("alice.service")
	if err != nil {
		log.Fatal(err)
	}
	defer alice.Close()
	bob, err := hxjwt.GenerateIdentity("bob.service")
	if err != nil {
		log.Fatal(err)
	}
	defer bob.Close()
	aliceToken, _ := alice.MachineToken()
	bobToken, _ := bob.MachineToken()
	a, err := hxjwt.NewEndpoint(alice, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := hxjwt.NewEndpoint(bob, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	token, err := a.CreateFor(bobToken, []byte(`{"order":42}`), time.Minute,
		hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU), hxjwt.WithJTI("order-42"))
	if err != nil {
		log.Fatal(err)
	}
	header, _ := hxjwt.JWEDecodeHeader(token) // unverified: only to show what it is
	var h struct{ Alg, Enc string }
	_ = json.Unmarshal(header, &h)
	fmt.Println(strings.Count(token, ".")+1, "segments,", h.Alg, h.Enc)

	message, err := b.ValidateFrom(token, aliceToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s from %s (%s): %s\n", message.Protocol, message.Issuer, message.JTI, message.Payload)
	// Output:
	// 5 segments, ECDH-1PU A256GCM
	// ECDH-1PU from alice.service (order-42): {"order":42}
}
