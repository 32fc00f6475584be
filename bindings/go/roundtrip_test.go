package hxjwt_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// pair makes alice and bob, a directory with both and an endpoint for each.
func pair(t testing.TB, opts ...hxjwt.EndpointOption) (a, b *hxjwt.Endpoint, aliceToken, bobToken string) {
	t.Helper()
	alice := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("alice.service"))
	bob := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	aliceToken = must[string](t)(alice.MachineToken())
	bobToken = must[string](t)(bob.MachineToken())
	dir := must[*hxjwt.Directory](t)(hxjwt.NewDirectory(aliceToken, bobToken))
	a = must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(alice, dir, opts...))
	b = must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(bob, dir, opts...))
	// The endpoints keep their own copies.
	alice.Close()
	bob.Close()
	dir.Close()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b, aliceToken, bobToken
}

func TestHX1RoundTripThroughADirectory(t *testing.T) {
	a, b, _, _ := pair(t)
	token := must[string](t)(a.Create("bob.service", []byte(`{"order":42}`), 5*time.Minute))
	m := must[*hxjwt.Message](t)(b.Validate(token))
	if string(m.Payload) != `{"order":42}` || m.Issuer != "alice.service" || m.Audience != "bob.service" {
		t.Fatalf("%+v", m)
	}
	if got := m.ExpiresAt.Sub(m.IssuedAt); got != 5*time.Minute {
		t.Errorf("lifetime %v", got)
	}
	if !m.NotBefore.IsZero() || m.JTI != "" || m.ContentType != "" {
		t.Errorf("optional members: %+v", m)
	}
	// Not for alice: the token is bob's.
	if _, err := a.Validate(token); !errors.Is(err, hxjwt.ErrWrongAudience) {
		t.Errorf("alice validating bob's token: %v", err)
	}
	// Tampered.
	if _, err := b.Validate(tamper(token)); !errors.Is(err, hxjwt.ErrInvalidSignature) {
		t.Error("a tampered token validated")
	}
	// Unknown recipient.
	if _, err := a.Create("carol.service", nil, time.Minute); !errors.Is(err, hxjwt.ErrUnknownIssuer) {
		t.Errorf("to an unknown name: %v", err)
	}
}

func TestHX1RoundTripWithMachineTokens(t *testing.T) {
	alice := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("alice.service"))
	defer alice.Close()
	bob := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	defer bob.Close()
	a := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(alice, nil))
	defer a.Close()
	b := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(bob, nil))
	defer b.Close()
	payload := []byte{0, 1, 2, 0xff, 0, 'x'} // binary, with NUL bytes
	nbf := time.Now().Add(-time.Minute).Truncate(time.Second)
	token := must[string](t)(a.CreateFor(must[string](t)(bob.MachineToken()), payload, time.Minute,
		hxjwt.WithNotBefore(nbf), hxjwt.WithJTI("id-1"), hxjwt.WithContentType("application/octet-stream")))
	m := must[*hxjwt.Message](t)(b.ValidateFrom(token, must[string](t)(alice.MachineToken())))
	if string(m.Payload) != string(payload) || !m.NotBefore.Equal(nbf) || m.JTI != "id-1" ||
		m.ContentType != "application/octet-stream" {
		t.Fatalf("%+v", m)
	}
	// From someone else.
	if _, err := b.ValidateFrom(token, must[string](t)(bob.MachineToken())); !errors.Is(err, hxjwt.ErrIssuerMismatch) {
		t.Errorf("with the wrong sender: %v", err)
	}
	// Without a directory, names cannot be resolved.
	if _, err := b.Validate(token); err == nil {
		t.Error("validated without a directory")
	}
	// An empty payload.
	token = must[string](t)(a.CreateFor(must[string](t)(bob.MachineToken()), nil, time.Minute))
	if m := must[*hxjwt.Message](t)(b.ValidateFrom(token, must[string](t)(alice.MachineToken()))); m.Payload == nil || len(m.Payload) != 0 {
		t.Errorf("empty payload: %#v", m.Payload)
	}
}

func TestEndpointOptions(t *testing.T) {
	a, b, aliceToken, _ := pair(t, hxjwt.WithReplayProtection(), hxjwt.WithLeeway(10*time.Second),
		hxjwt.WithMaxLifetime(time.Hour), hxjwt.WithAudience("bob.alias"))
	token := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
	must[*hxjwt.Message](t)(b.Validate(token))
	if _, err := b.Validate(token); !errors.Is(err, hxjwt.ErrReplayed) {
		t.Errorf("replayed: %v", err)
	}
	long := must[string](t)(a.Create("bob.service", []byte("x"), 2*time.Hour))
	if _, err := b.Validate(long); !errors.Is(err, hxjwt.ErrLifetimeTooLong) {
		t.Errorf("too long: %v", err)
	}
	// The clock: expired an hour later, valid within the leeway.
	now := time.Now()
	must[struct{}](t)(struct{}{}, a.SetTime(now))
	token = must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
	must[struct{}](t)(struct{}{}, b.SetTime(now.Add(time.Minute+5*time.Second)))
	must[*hxjwt.Message](t)(b.Validate(token))
	token = must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))
	must[struct{}](t)(struct{}{}, b.SetTime(now.Add(time.Hour)))
	if _, err := b.Validate(token); !errors.Is(err, hxjwt.ErrExpired) {
		t.Errorf("an hour later: %v", err)
	}
	must[struct{}](t)(struct{}{}, b.UseSystemClock())
	must[*hxjwt.Message](t)(b.Validate(must[string](t)(a.Create("bob.service", []byte("x"), time.Minute))))
	// A token too long for WithMaxTokenLength.
	small := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service")), nil, hxjwt.WithMaxTokenLength(10)))
	defer small.Close()
	if _, err := small.ValidateFrom(token, aliceToken); !errors.Is(err, hxjwt.ErrMalformed) {
		t.Errorf("over the length: %v", err)
	}
	// A bad option fails NewEndpoint.
	id := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("x"))
	defer id.Close()
	for _, opt := range []hxjwt.EndpointOption{hxjwt.WithMaxTokenLength(0), hxjwt.WithLeeway(-time.Second), hxjwt.WithAudience("")} {
		if ep, err := hxjwt.NewEndpoint(id, nil, opt); !errors.Is(err, hxjwt.ErrInvalidArgument) || ep != nil {
			t.Errorf("a bad option: %v", err)
		}
	}
	// The zero option changes nothing.
	ep := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(id, nil, hxjwt.EndpointOption{}))
	ep.Close()
}

func TestKeyRotation(t *testing.T) {
	a, b, _, _ := pair(t)
	old := must[string](t)(a.Create("bob.service", []byte("before"), time.Minute))
	next := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	defer next.Close()
	must[struct{}](t)(struct{}{}, b.RotateIdentity(next))
	if n := must[int](t)(b.PreviousIdentityCount()); n != 1 {
		t.Errorf("%d previous identities after a rotation", n)
	}
	if string(must[*hxjwt.Message](t)(b.Validate(old)).Payload) != "before" {
		t.Error("a token in flight no longer validates")
	}
	must[struct{}](t)(struct{}{}, b.ClearPreviousIdentities())
	if _, err := b.Validate(old); err == nil {
		t.Error("validated after the rotation window closed")
	}
	if n := must[int](t)(b.PreviousIdentityCount()); n != 0 {
		t.Errorf("%d previous identities after clearing them", n)
	}
	must[struct{}](t)(struct{}{}, b.AddPreviousIdentity(must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))))
	if n := must[int](t)(b.PreviousIdentityCount()); n != 1 {
		t.Errorf("%d previous identities after adding one", n)
	}
}

func TestVersion(t *testing.T) {
	if v := hxjwt.Version(); v == "" || strings.Count(v, ".") != 2 {
		t.Errorf("Version() = %q", v)
	}
}

func TestIdentityAndDirectoryDocuments(t *testing.T) {
	id := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("billing.service"))
	defer id.Close()
	jwk := must[string](t)(id.JWK())
	again := must[*hxjwt.Identity](t)(hxjwt.IdentityFromJWK(jwk))
	defer again.Close()
	if again.Name() != "billing.service" || must[string](t)(again.MachineToken()) != must[string](t)(id.MachineToken()) {
		t.Error("the JWK does not give the same identity back")
	}
	var token map[string]string
	must[struct{}](t)(struct{}{}, json.Unmarshal([]byte(must[string](t)(id.MachineToken())), &token))
	if token["kty"] != "OKP" || token["crv"] != "X25519" || token["kid"] != "billing.service" || token["d"] != "" {
		t.Errorf("machine token %v", token)
	}
	if _, err := hxjwt.IdentityFromJWK(must[string](t)(id.MachineToken())); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("an identity from a public JWK: %v", err)
	}
	dir := must[*hxjwt.Directory](t)(hxjwt.NewDirectory())
	defer dir.Close()
	must[struct{}](t)(struct{}{}, dir.Add(must[string](t)(id.MachineToken())))
	if err := dir.Add(jwk); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("a private JWK added: %v", err)
	}
	jwks := must[string](t)(dir.JWKS())
	copyDir := must[*hxjwt.Directory](t)(hxjwt.DirectoryFromJWKS(jwks))
	defer copyDir.Close()
	if n := must[int](t)(copyDir.Len()); n != 1 {
		t.Errorf("Len %d", n)
	}
	next := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("billing.service"))
	defer next.Close()
	must[struct{}](t)(struct{}{}, dir.RotateIn(must[string](t)(next.MachineToken())))
	if removed := must[bool](t)(dir.Retire(must[string](t)(id.MachineToken()))); !removed {
		t.Error("Retire did not find the key")
	}
	if removed := must[bool](t)(dir.Retire(must[string](t)(id.MachineToken()))); removed {
		t.Error("Retire found the key twice")
	}
	if _, err := hxjwt.DirectoryFromJWKS(`{"keys":`); !errors.Is(err, hxjwt.ErrMalformed) {
		t.Errorf("a malformed JWK Set: %v", err)
	}
}

func TestDirectoryFromFunc(t *testing.T) {
	alice := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("alice.service"))
	defer alice.Close()
	bob := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	defer bob.Close()
	aliceToken := must[string](t)(alice.MachineToken())
	var calls atomic.Int64
	var behaviour atomic.Int64 // 0 answer, 1 unknown, 2 error, 3 panic, 4 wrong key
	dir := must[*hxjwt.Directory](t)(hxjwt.DirectoryFromFunc(func(name string) (string, error) {
		calls.Add(1)
		switch behaviour.Load() {
		case 1:
			return "", nil
		case 2:
			return "", errors.New("down")
		case 3:
			panic("boom")
		case 4:
			return must[string](t)(bob.MachineToken()), nil
		}
		if name != "alice.service" {
			return "", nil
		}
		return aliceToken, nil
	}))
	b := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(bob, dir))
	dir.Close() // the endpoint keeps the function
	defer b.Close()
	a := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(alice, nil))
	defer a.Close()
	token := must[string](t)(a.CreateFor(must[string](t)(bob.MachineToken()), []byte("hi"), time.Minute))
	if m := must[*hxjwt.Message](t)(b.Validate(token)); string(m.Payload) != "hi" {
		t.Errorf("%+v", m)
	}
	for behave, want := range map[int64]*hxjwt.KindError{1: hxjwt.ErrUnknownIssuer, 2: hxjwt.ErrResolverFailed, 3: hxjwt.ErrResolverFailed, 4: hxjwt.ErrResolverFailed} {
		behaviour.Store(behave)
		if _, err := b.Validate(token); !errors.Is(err, want) {
			t.Errorf("behaviour %d: %v, want %v", behave, err, want)
		}
	}
	if calls.Load() < 5 {
		t.Errorf("the function was called %d times", calls.Load())
	}
	if _, err := dir.Len(); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("Len of a closed directory: %v", err)
	}
	if _, err := hxjwt.DirectoryFromFunc(nil); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("a nil function: %v", err)
	}
}

var allAlgorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519"}

func TestSignVerifyEveryAlgorithm(t *testing.T) {
	for _, alg := range allAlgorithms {
		alg := alg
		t.Run(alg, func(t *testing.T) {
			key := must[*hxjwt.Key](t)(hxjwt.GenerateKey(alg))
			defer key.Close()
			if key.Algorithm() != alg || key.Kid() == "" || !key.IsPrivate() {
				t.Fatalf("alg %q kid %q private %v", key.Algorithm(), key.Kid(), key.IsPrivate())
			}
			if tp := must[string](t)(key.Thumbprint()); tp != key.Kid() {
				t.Errorf("thumbprint %q, kid %q", tp, key.Kid())
			}
			exp := time.Now().Add(time.Hour).Unix()
			token := must[string](t)(hxjwt.Sign(map[string]any{"sub": "user-7", "aud": "api", "exp": exp}, key, alg))
			verifier := key
			if !strings.HasPrefix(alg, "HS") {
				verifier = must[*hxjwt.Key](t)(hxjwt.KeyFromJWK(must[string](t)(key.PublicJWK())))
				defer verifier.Close()
				if verifier.IsPrivate() {
					t.Fatal("the public JWK is private")
				}
				if _, err := hxjwt.Sign(`{}`, verifier, alg); !errors.Is(err, hxjwt.ErrInvalidKey) {
					t.Errorf("signing with a public key: %v", err)
				}
			} else if _, err := key.PublicJWK(); !errors.Is(err, hxjwt.ErrInvalidKey) {
				t.Errorf("the public JWK of a secret: %v", err)
			}
			v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"api"}}))
			defer v.Close()
			claims := must[[]byte](t)(hxjwt.Verify(token, verifier, v))
			var got map[string]any
			must[struct{}](t)(struct{}{}, json.Unmarshal(claims, &got))
			if got["sub"] != "user-7" {
				t.Errorf("claims %s", claims)
			}
			// Through a key set, selected by kid.
			set := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet(verifier))
			defer set.Close()
			must[[]byte](t)(hxjwt.Verify(token, set, v))
			// Another audience.
			other := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{alg}, Audience: []string{"web"}}))
			defer other.Close()
			if _, err := hxjwt.Verify(token, verifier, other); !errors.Is(err, hxjwt.ErrWrongAudience) {
				t.Errorf("another audience: %v", err)
			}
		})
	}
}

func TestKeysAndKeySets(t *testing.T) {
	secret := make([]byte, 32)
	secret[5] = 0 // NUL bytes are part of a secret
	key := must[*hxjwt.Key](t)(hxjwt.KeyFromSecret(secret))
	defer key.Close()
	token := must[string](t)(hxjwt.SignWithHeader(`{"n":1}`, map[string]string{"kid": "k1", "cty": "json"}, key, "HS256"))
	header := string(must[[]byte](t)(hxjwt.DecodeHeader(token)))
	if !strings.Contains(header, `"kid":"k1"`) || !strings.Contains(header, `"cty":"json"`) {
		t.Errorf("header %s", header)
	}
	v := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"HS256"}, NoRequiredClaims: true}))
	defer v.Close()
	if c := must[[]byte](t)(hxjwt.Verify(token, key, v)); string(c) != `{"n":1}` {
		t.Errorf("claims %s", c)
	}
	short := must[*hxjwt.Key](t)(hxjwt.KeyFromSecret([]byte("short")))
	defer short.Close()
	if _, err := hxjwt.Sign(`{}`, short, "HS256"); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("a short secret: %v", err)
	}
	allowed := must[*hxjwt.Key](t)(short.AllowShortSecret())
	defer allowed.Close()
	must[string](t)(hxjwt.Sign(`{}`, allowed, "HS256"))

	// PEM and DER keys; kids; key sets from JWK Sets.
	ec := must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256"))
	defer ec.Close()
	named := must[*hxjwt.Key](t)(ec.WithKid("2026-01"))
	defer named.Close()
	if named.Kid() != "2026-01" || ec.Kid() == "2026-01" {
		t.Errorf("WithKid: %q %q", named.Kid(), ec.Kid())
	}
	set := must[*hxjwt.KeySet](t)(hxjwt.NewKeySet(named))
	defer set.Close()
	jwks := must[string](t)(set.PublicJWKS())
	published := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromJWKS(jwks))
	defer published.Close()
	if n := must[int](t)(published.Len()); n != 1 {
		t.Errorf("Len %d", n)
	}
	exp := time.Now().Add(time.Minute).Unix()
	token = must[string](t)(hxjwt.Sign(map[string]any{"exp": exp}, named, "ES256"))
	ves := must[*hxjwt.Validation](t)(hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"ES256"}}))
	defer ves.Close()
	must[[]byte](t)(hxjwt.Verify(token, published, ves))
	unnamed := must[string](t)(hxjwt.Sign(map[string]any{"exp": exp}, must[*hxjwt.Key](t)(hxjwt.GenerateKey("ES256")), "ES256"))
	if _, err := hxjwt.Verify(unnamed, published, ves); !errors.Is(err, hxjwt.ErrKeyNotFound) && !errors.Is(err, hxjwt.ErrInvalidSignature) {
		t.Errorf("a token of another key: %v", err)
	}
	pem := string(must[[]byte](t)(os_ReadFile(t, "keys/ec-P-256.pkcs8.pem")))
	fromPEM := must[*hxjwt.Key](t)(hxjwt.KeyFromPEM(pem))
	defer fromPEM.Close()
	if !fromPEM.IsPrivate() || fromPEM.Kid() != "" {
		t.Errorf("PEM key: private %v kid %q", fromPEM.IsPrivate(), fromPEM.Kid())
	}
	if _, err := hxjwt.KeyFromPEM("-----BEGIN NOTHING-----"); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("bad PEM: %v", err)
	}
	if _, err := hxjwt.KeyFromDER([]byte{0x30, 0x00}); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("bad DER: %v", err)
	}
	if _, err := hxjwt.KeyFromSecret([]byte(pem)); !errors.Is(err, hxjwt.ErrInvalidKey) {
		t.Errorf("PEM text as a secret: %v", err)
	}
	defaults := must[hxjwt.RemoteOptions](t)(hxjwt.DefaultRemoteOptions())
	if defaults.Timeout != 10*time.Second || defaults.MaxResponseBytes != 1<<20 || defaults.AllowHTTP {
		t.Errorf("%+v", defaults)
	}
	if _, err := hxjwt.KeySetFromURL("http://127.0.0.1:1/jwks.json", nil); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("http without AllowHTTP: %v", err)
	}
	if _, err := hxjwt.DirectoryFromURL("ftp://x", &hxjwt.RemoteOptions{AllowHTTP: true}); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("ftp: %v", err)
	}
	if _, err := hxjwt.DirectoryFromURL("https://keys.example/", &hxjwt.RemoteOptions{Timeout: -1}); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("negative option: %v", err)
	}
	remote := must[*hxjwt.KeySet](t)(hxjwt.KeySetFromURL("https://login.example/jwks.json", &hxjwt.RemoteOptions{Timeout: time.Second}))
	if err := remote.Add(named); !errors.Is(err, hxjwt.ErrInvalidArgument) {
		t.Errorf("adding to a remote set: %v", err)
	}
	remote.Close()
}

// tamper changes one character in the middle of the token's signature.
func tamper(token string) string {
	i := len(token) - 8
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}
