package hxjwt_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// Hostile input: nil values, closed handles, invalid UTF-8, embedded NUL bytes and huge inputs
// give an error value (mostly ErrInvalidArgument or ErrMalformed), never a panic or a crash.

func wantKind(t *testing.T, what string, err error, kinds ...*hxjwt.KindError) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	var e *hxjwt.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %T is not an *hxjwt.Error: %v", what, err, err)
		return
	}
	for _, k := range kinds {
		if errors.Is(err, k) {
			return
		}
	}
	t.Errorf("%s: %v, want one of %v", what, err, kinds)
}

func TestNilValues(t *testing.T) {
	var id *hxjwt.Identity
	var dir *hxjwt.Directory
	var ep *hxjwt.Endpoint
	var key *hxjwt.Key
	var set *hxjwt.KeySet
	var v *hxjwt.Validation
	inv := hxjwt.ErrInvalidArgument
	_, err := id.MachineToken()
	wantKind(t, "nil Identity", err, inv)
	_, err = id.JWK()
	wantKind(t, "nil Identity JWK", err, inv)
	if id.Name() != "" || id.Close() != nil {
		t.Error("nil Identity Name/Close")
	}
	wantKind(t, "nil Directory Add", dir.Add("{}"), inv)
	_, err = dir.Len()
	wantKind(t, "nil Directory Len", err, inv)
	_, err = hxjwt.NewEndpoint(nil, nil)
	wantKind(t, "NewEndpoint(nil)", err, inv)
	_, err = ep.Create("x", nil, time.Minute)
	wantKind(t, "nil Endpoint Create", err, inv)
	_, err = ep.Validate("a.b.c")
	wantKind(t, "nil Endpoint Validate", err, inv)
	wantKind(t, "nil Endpoint SetTime", ep.SetTime(time.Now()), inv)
	wantKind(t, "nil Endpoint RotateIdentity", ep.RotateIdentity(nil), inv)
	_, err = key.Public()
	wantKind(t, "nil Key Public", err, inv)
	_, err = key.Thumbprint()
	wantKind(t, "nil Key Thumbprint", err, inv)
	if key.Kid() != "" || key.Algorithm() != "" || key.IsPrivate() || key.Close() != nil {
		t.Error("nil Key accessors")
	}
	_, err = hxjwt.Sign(`{}`, nil, "HS256")
	wantKind(t, "Sign with a nil key", err, inv)
	_, err = set.Len()
	wantKind(t, "nil KeySet Len", err, inv)
	wantKind(t, "KeySet Add(nil)", must[*hxjwt.KeySet](t)(hxjwt.NewKeySet()).Add(nil), inv)
	_, err = hxjwt.NewKeySet(nil)
	wantKind(t, "NewKeySet(nil)", err, inv)
	wantKind(t, "nil Validation SetTime", v.SetTime(time.Now()), inv)
	good := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer good.Close()
	_, err = hxjwt.Verify("a.b.c", good, nil)
	wantKind(t, "Verify with a nil validation", err, inv)
	val := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer val.Close()
	_, err = hxjwt.Verify("a.b.c", nil, val)
	wantKind(t, "Verify with a nil key", err, inv)
	_, err = hxjwt.Verify("a.b.c", key, val) // a typed nil *Key
	wantKind(t, "Verify with a typed nil *Key", err, inv)
	_, err = hxjwt.Verify("a.b.c", set, val)
	wantKind(t, "Verify with a typed nil *KeySet", err, inv)
	_, err = hxjwt.Sign(nil, good, "HS256")
	wantKind(t, "Sign(nil claims)", err, inv)
	_, err = hxjwt.Sign(make(chan int), good, "HS256")
	wantKind(t, "Sign(a channel)", err, inv)
	_, err = hxjwt.Sign([]int{1}, good, "HS256")
	wantKind(t, "Sign(an array)", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{})
	wantKind(t, "NewValidation without algorithms", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"none"}})
	wantKind(t, "NewValidation(none)", err, hxjwt.ErrUnsupportedAlgorithm)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, RequiredClaims: []string{"exp"}, NoRequiredClaims: true})
	wantKind(t, "NewValidation, contradictory", err, inv)
	_, err = hxjwt.DirectoryFromFunc(nil)
	wantKind(t, "DirectoryFromFunc(nil)", err, inv)
}

func TestUseAfterClose(t *testing.T) {
	a, b, aliceToken, _ := pair(t)
	token := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
	for i := 0; i < 2; i++ { // Close is idempotent
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.Validate(token)
	wantKind(t, "Validate after Close", err, hxjwt.ErrInvalidArgument)
	if err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("the message does not say closed: %v", err)
	}
	_, err = b.ValidateFrom(token, aliceToken)
	wantKind(t, "ValidateFrom after Close", err, hxjwt.ErrInvalidArgument)
	wantKind(t, "UseSystemClock after Close", b.UseSystemClock(), hxjwt.ErrInvalidArgument)

	id := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("x"))
	id.Close()
	id.Close()
	_, err = id.MachineToken()
	wantKind(t, "MachineToken after Close", err, hxjwt.ErrInvalidArgument)
	_, err = hxjwt.NewEndpoint(id, nil)
	wantKind(t, "NewEndpoint with a closed identity", err, hxjwt.ErrInvalidArgument)
	if id.Name() != "x" {
		t.Errorf("Name after Close: %q", id.Name())
	}

	dir := must[*hxjwt.Directory](t)(hxjwt.NewDirectory())
	dir.Close()
	wantKind(t, "Add after Close", dir.Add(aliceToken), hxjwt.ErrInvalidArgument)
	_, err = dir.JWKS()
	wantKind(t, "JWKS after Close", err, hxjwt.ErrInvalidArgument)

	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("EdDSA"))
	kid := key.Kid()
	key.Close()
	_, err = hxjwt.Sign(`{}`, key, "EdDSA")
	wantKind(t, "Sign after Close", err, hxjwt.ErrInvalidArgument)
	_, err = key.PublicJWK()
	wantKind(t, "PublicJWK after Close", err, hxjwt.ErrInvalidArgument)
	if key.Kid() != kid {
		t.Error("Kid changed after Close")
	}
	set := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet())
	wantKind(t, "KeySet Add of a closed key", set.Add(key), hxjwt.ErrInvalidArgument)
	set.Close()
	_, err = set.PublicJWKS()
	wantKind(t, "PublicJWKS after Close", err, hxjwt.ErrInvalidArgument)
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"EdDSA"}}))
	v.Close()
	_, err = hxjwt.Verify("a.b.c", must[*hxjwt.Key](t)(hxjwt.GenerateKey("EdDSA")), v)
	wantKind(t, "Verify with a closed validation", err, hxjwt.ErrInvalidArgument)
}

func TestNULBytesInvalidUTF8AndBadValues(t *testing.T) {
	inv := hxjwt.ErrInvalidArgument
	_, err := hxjwt.GenerateIdentity("alice\x00.service")
	wantKind(t, "a name with NUL", err, inv)
	_, err = hxjwt.GenerateIdentity("alice\xff\xfe")
	wantKind(t, "a name of invalid UTF-8", err, inv)
	_, err = hxjwt.GenerateIdentity("")
	wantKind(t, "an empty name", err, inv)
	_, err = hxjwt.GenerateIdentity("a\nb")
	wantKind(t, "a name with a newline", err, inv)
	_, err = hxjwt.IdentityFromJWK("{\x00}")
	wantKind(t, "a JWK with NUL", err, inv)
	_, err = hxjwt.IdentityFromJWK("not json \xff")
	wantKind(t, "a JWK of invalid UTF-8", err, inv, hxjwt.ErrInvalidKey)

	a, b, aliceToken, bobToken := pair(t)
	token := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
	_, err = b.Validate(token + "\x00")
	wantKind(t, "a token with NUL", err, inv)
	_, err = b.Validate(token[:10] + "\xff" + token[11:])
	wantKind(t, "a token of invalid UTF-8", err, inv, hxjwt.ErrMalformed)
	_, err = b.Validate("")
	wantKind(t, "an empty token", err, hxjwt.ErrMalformed)
	_, err = b.ValidateFrom(token, "")
	wantKind(t, "an empty sender token", err, inv)
	_, err = b.ValidateFrom(token, aliceToken+"\x00")
	wantKind(t, "a sender token with NUL", err, inv)
	_, err = a.Create("bob.service\x00evil", nil, time.Minute)
	wantKind(t, "a recipient with NUL", err, inv)
	_, err = a.CreateFor(bobToken[:20], nil, time.Minute)
	wantKind(t, "half a machine token", err, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = a.Create("bob.service", nil, 0)
	wantKind(t, "a zero TTL", err, inv)
	_, err = a.Create("bob.service", nil, -time.Hour)
	wantKind(t, "a negative TTL", err, inv)
	_, err = a.Create("bob.service", nil, time.Millisecond)
	wantKind(t, "a TTL under a second", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, hxjwt.WithJTI("a\x00b"))
	wantKind(t, "a jti with NUL", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, hxjwt.WithJTI(strings.Repeat("j", 129)))
	wantKind(t, "a jti over 128 bytes", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, hxjwt.WithContentType("\xff"))
	wantKind(t, "a cty of invalid UTF-8", err, inv)

	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer key.Close()
	_, err = hxjwt.Sign("{\"a\":\"\x00\"}", key, "HS256")
	wantKind(t, "claims with NUL", err, inv)
	_, err = hxjwt.Sign([]byte("{\"a\":\"\xff\"}"), key, "HS256")
	wantKind(t, "claims of invalid UTF-8", err, inv)
	_, err = hxjwt.Sign(`{"a":1,"a":2}`, key, "HS256")
	wantKind(t, "duplicate members", err, inv)
	_, err = hxjwt.Sign(`{}`, key, "HS256\x00")
	wantKind(t, "an alg with NUL", err, inv)
	_, err = hxjwt.SignWithHeader(`{}`, `{"alg":"none"}`, key, "HS256")
	wantKind(t, "a header setting alg", err, inv)
	_, err = hxjwt.DecodeHeader("\x00")
	wantKind(t, "DecodeHeader(NUL)", err, inv)
	_, err = hxjwt.DecodeHeader("\xff.\xff.\xff")
	wantKind(t, "DecodeHeader(invalid UTF-8)", err, inv, hxjwt.ErrMalformed)
	_, err = hxjwt.KeyFromJWK(`{"kty":"oct","k":"` + "\x00" + `"}`)
	wantKind(t, "a JWK with NUL", err, inv)
	_, err = hxjwt.KeyFromSecret(nil)
	wantKind(t, "an empty secret", err, inv, hxjwt.ErrInvalidKey)
	_, err = hxjwt.KeyFromDER(nil)
	wantKind(t, "empty DER", err, inv, hxjwt.ErrInvalidKey)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, Audience: []string{"a\x00"}})
	wantKind(t, "an audience with NUL", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256\x00"}})
	wantKind(t, "an algorithm with NUL", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, Leeway: -time.Second})
	wantKind(t, "a negative leeway", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, MaxTokenLength: -1})
	wantKind(t, "a negative max token length", err, inv)
	_, err = hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, RequiredClaims: []string{"\xff"}})
	wantKind(t, "a required claim of invalid UTF-8", err, inv)
}

func TestHugeInputs(t *testing.T) {
	huge := strings.Repeat("A", 16<<20) // 16 MiB
	a, b, _, _ := pair(t)
	_, err := b.Validate(huge)
	wantKind(t, "a 16 MiB token", err, hxjwt.ErrMalformed)
	_, err = b.Validate(huge + "." + huge + "." + huge)
	wantKind(t, "a 48 MiB token", err, hxjwt.ErrMalformed)
	_, err = hxjwt.GenerateIdentity(huge)
	wantKind(t, "a 16 MiB name", err, hxjwt.ErrInvalidArgument)
	_, err = hxjwt.IdentityFromJWK(huge)
	wantKind(t, "a 16 MiB JWK", err, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = hxjwt.DirectoryFromJWKS(`{"keys":[` + strings.Repeat("[", 100000) + `]}`)
	wantKind(t, "a deeply nested JWK Set", err, hxjwt.ErrMalformed, hxjwt.ErrInvalidKey)
	_, err = hxjwt.KeySetFromJWKS(huge)
	wantKind(t, "a 16 MiB JWK Set", err, hxjwt.ErrMalformed)
	_, err = a.Create(huge, nil, time.Minute)
	wantKind(t, "a 16 MiB recipient name", err, hxjwt.ErrInvalidArgument, hxjwt.ErrUnknownIssuer)
	_, err = hxjwt.DecodeHeader(huge)
	wantKind(t, "DecodeHeader of 16 MiB", err, hxjwt.ErrMalformed)
	key := must[*hxjwt.Key](t)(hxjwt.GenerateKey("HS256"))
	defer key.Close()
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}}))
	defer v.Close()
	_, err = hxjwt.Verify(huge, key, v)
	wantKind(t, "Verify of 16 MiB", err, hxjwt.ErrMalformed)
	// A 1 MiB payload would make a token over the default 64 KiB limit, which its recipient
	// refuses: it is not made.
	big := make([]byte, 1<<20)
	_, err = a.Create("bob.service", big, time.Minute)
	wantKind(t, "a token over 64 KiB", err, hxjwt.ErrInvalidArgument)
	// Claims of 1 MiB sign, and are refused by the default size limit when verified.
	signed, err := hxjwt.Sign(`{"x":"`+strings.Repeat("y", 1<<20)+`"}`, key, "HS256")
	if err != nil {
		t.Fatalf("1 MiB of claims: %v", err)
	}
	_, err = hxjwt.Verify(signed, key, v)
	wantKind(t, "Verify of 1 MiB claims", err, hxjwt.ErrMalformed)
}
