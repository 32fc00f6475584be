package hxjwt_test

// Issue 17 item 3 ("Keys") through the Go face: a JWK Set mixing HMAC secrets with asymmetric
// keys is refused unless KeySetFromJWKS(json, WithAllowMixed()); two different keys with one kid
// are refused naming it; every skipped key is listed by KeySet.Skipped. Also item 2 at
// configuration time: an empty audience or issuer is refused by NewValidation.

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"hxjwt.dev/hxjwt"
)

func edJWK(kid string) string {
	return `{"kty":"OKP","crv":"Ed25519","kid":"` + kid + `","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`
}

func hsJWK(kid string) string {
	return `{"kty":"oct","kid":"` + kid + `","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}`
}

var mixedJWKS = `{"keys":[` + edJWK("ed") + `,` + hsJWK("hs") + `]}`

func TestAMixedKeySetIsRefusedUnlessAllowed(t *testing.T) {
	_, err := hxjwt.KeySetFromJWKS(mixedJWKS)
	if !errors.Is(err, hxjwt.ErrInvalidKey) ||
		!strings.Contains(err.Error(), "keys[1] is an HMAC secret and keys[0] an asymmetric key") {
		t.Fatalf("a mixed set: %v", err)
	}
	set := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(mixedJWKS, hxjwt.WithAllowMixed()))
	defer set.Close()
	if n := must[int](t)(set.Len()); n != 2 {
		t.Fatalf("%d keys", n)
	}
	if s := must[[]hxjwt.SkippedKey](t)(set.Skipped()); len(s) != 0 {
		t.Fatalf("skipped %v", s)
	}
	secret := must[*hxjwt.Key](t)(hxjwt.KeyFromJWK(hsJWK("hs")))
	defer secret.Close()
	token := must[string](t)(hxjwt.Sign(map[string]any{"sub": "a", "exp": 4000000000}, secret, "HS256"))
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	claims := must[[]byte](t)(hxjwt.Verify(token, set, v))
	if !strings.Contains(string(claims), `"sub":"a"`) {
		t.Fatalf("claims %s", claims)
	}
	// Only secrets, or only public keys: no option needed.
	for _, doc := range []string{`{"keys":[` + hsJWK("a") + `]}`, `{"keys":[` + edJWK("a") + `]}`} {
		s := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(doc))
		s.Close()
	}
	if _, err := hxjwt.KeySetFromJWKS(mixedJWKS, nil); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Fatalf("a nil option: %v", err)
	}
}

func TestTwoDifferentKeysWithOneKidAreRefusedNamingIt(t *testing.T) {
	var jwks []string
	for i := 0; i < 2; i++ {
		k := must[*hxjwt.Key](t)(hxjwt.GenerateKey("EdDSA"))
		named := must[*hxjwt.Key](t)(k.WithKid("dup"))
		jwks = append(jwks, must[string](t)(named.PublicJWK()))
		named.Close()
		k.Close()
	}
	doc := `{"keys":[` + jwks[0] + `,{"kty":"EC","crv":"P-256K"},` + jwks[1] + `]}`
	for _, opts := range [][]hxjwt.KeySetOption{nil, {hxjwt.WithAllowMixed()}} {
		_, err := hxjwt.KeySetFromJWKS(doc, opts...)
		if !errors.Is(err, hxjwt.ErrInvalidKey) ||
			!strings.Contains(err.Error(), `keys[0] and keys[2] are different keys with the same kid "dup"`) {
			t.Fatalf("two keys with one kid (%d options): %v", len(opts), err)
		}
	}
	twice := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(`{"keys":[` + jwks[0] + `,` + jwks[0] + `]}`))
	defer twice.Close()
	if n := must[int](t)(twice.Len()); n != 2 {
		t.Fatalf("the same key twice: %d keys", n)
	}
}

func TestEverySkippedKeyIsListed(t *testing.T) {
	set := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(`{"keys":[
		{"kty":"OKP","crv":"X25519","kid":"hx1","x":"EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs"},
		` + edJWK("ed") + `,
		{"kty":"RSA","use":"enc","kid":"e1","n":"AQAB","e":"AQAB"},
		{"kty":"PQC"},
		{"kty":"oct","kid":"a\u0000b","alg":"A128KW","k":"AAAA"}]}`))
	defer set.Close()
	if n := must[int](t)(set.Len()); n != 1 {
		t.Fatalf("%d keys", n)
	}
	skipped := must[[]hxjwt.SkippedKey](t)(set.Skipped())
	type brief struct {
		Index  int
		Kid    string
		HasKid bool
	}
	var got []brief
	for _, s := range skipped {
		got = append(got, brief{s.Index, s.Kid, s.HasKid})
	}
	want := []brief{{0, "hx1", true}, {2, "e1", true}, {3, "", false}, {4, `a\0b`, true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("skipped %+v, want %+v", got, want)
	}
	for i, part := range []string{"X25519", `its use is "enc"`, `kty "PQC"`, "A128KW"} {
		if !strings.Contains(skipped[i].Reason, part) {
			t.Errorf("skipped[%d].Reason = %q, want it to mention %q", i, skipped[i].Reason, part)
		}
	}
	// Adding a key by hand keeps the list; a set built by hand lists nothing.
	extra := must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256"))
	defer extra.Close()
	if err := set.Add(extra); err != nil {
		t.Fatal(err)
	}
	if again := must[[]hxjwt.SkippedKey](t)(set.Skipped()); !reflect.DeepEqual(again, skipped) {
		t.Fatalf("after Add: %v", again)
	}
	byHand := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet(extra))
	defer byHand.Close()
	if s := must[[]hxjwt.SkippedKey](t)(byHand.Skipped()); len(s) != 0 {
		t.Fatalf("a set by hand skipped %v", s)
	}
	// A remote set does not list skipped keys: it says so instead of answering none.
	remote := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL("https://issuer.example/jwks.json", nil))
	defer remote.Close()
	if _, err := remote.Skipped(); !errors.Is(err, hxjwt.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "remote key set") {
		t.Fatalf("a remote set: %v", err)
	}
	// A closed set is an error, not a crash.
	closed := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(`{"keys":[]}`))
	closed.Close()
	if _, err := closed.Skipped(); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Fatalf("a closed set: %v", err)
	}
}

func TestAnEmptyAudienceOrIssuerIsRefused(t *testing.T) {
	for _, c := range []struct {
		opts hxjwt.ValidationOptions
		word string
	}{
		{hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, Audience: []string{"api", ""}}, "audience"},
		{hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, Issuer: []string{""}}, "issuer"},
	} {
		_, err := hxjwt.NewValidation(c.opts)
		if !errors.Is(err, hxjwt.ErrInvalidArgument) || !strings.Contains(err.Error(), "never a valid "+c.word) {
			t.Errorf("an empty %s: %v", c.word, err)
		}
	}
}

func ExampleKeySet_Skipped() {
	set, err := hxjwt.KeySetFromJWKS(`{"keys":[
		{"kty":"OKP","crv":"Ed25519","kid":"sig","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
		{"kty":"RSA","use":"enc","kid":"enc-1","n":"AQAB","e":"AQAB"}]}`)
	if err != nil {
		panic(err)
	}
	defer set.Close()
	skipped, _ := set.Skipped()
	for _, s := range skipped {
		fmt.Printf("keys[%d] (kid %q) skipped: %s\n", s.Index, s.Kid, s.Reason)
	}
	// Output: keys[1] (kid "enc-1") skipped: its use is "enc", not "sig"
}
