package hxjwt_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// tests/vectors/hx1-kat.json, hx1.json and jws.json (format in tests/vectors/README.md), mirroring
// tests/python/test_vectors.py and test_jws_vectors.py. The positive HX1 vectors are validated
// (not re-created byte for byte: the C API cannot fix M and the IV).

type kat struct {
	Sender    map[string]any  `json:"sender"`
	Recipient json.RawMessage `json:"recipient"`
	Vectors   []struct {
		Token     string `json:"token"`
		Plaintext string `json:"plaintext_b64url"`
		Iat       int64  `json:"iat"`
		Exp       int64  `json:"exp"`
	} `json:"vectors"`
}

type hx1Vectors struct {
	Identities map[string]json.RawMessage `json:"identities"`
	Directory  json.RawMessage            `json:"directory"`
	Positive   []struct {
		Name        string  `json:"name"`
		Sender      string  `json:"sender"`
		Recipient   string  `json:"recipient"`
		Plaintext   string  `json:"plaintext_b64url"`
		Iat         int64   `json:"iat"`
		Exp         int64   `json:"exp"`
		Nbf         *int64  `json:"nbf"`
		JTI         *string `json:"jti"`
		Cty         *string `json:"cty"`
		MaxTokenLen *int    `json:"max_token_len"`
		Token       string  `json:"token"`
	} `json:"positive"`
	Negative []struct {
		Name      string          `json:"name"`
		Recipient string          `json:"recipient"`
		Token     string          `json:"token"`
		Now       int64           `json:"now"`
		Error     string          `json:"error"`
		Mode      string          `json:"mode"`
		SenderJWK json.RawMessage `json:"sender_jwk"`
		Policy    *struct {
			Leeway      *int64   `json:"leeway"`
			MaxLifetime *int64   `json:"max_lifetime"`
			Audiences   []string `json:"audiences"`
			MaxTokenLen *int     `json:"max_token_len"`
		} `json:"policy"`
		Replay         bool `json:"replay"`
		DirectoryFails bool `json:"directory_fails"`
	} `json:"negative"`
}

// sentinel is the sentinel of a kind name.
func sentinel(t testing.TB, kind string) *hxjwt.KindError {
	t.Helper()
	for _, s := range hxjwt.Sentinels() {
		if s.Kind == kind {
			return s
		}
	}
	t.Fatalf("no sentinel for the kind %q", kind)
	return nil
}

func TestKATValidatesAsRecipient(t *testing.T) {
	var k kat
	loadVectors(t, "hx1-kat.json", &k)
	if len(k.Vectors) < 3 {
		t.Fatalf("hx1-kat.json has %d vectors", len(k.Vectors))
	}
	public := map[string]any{}
	for name, v := range k.Sender {
		if name != "d" {
			public[name] = v
		}
	}
	senderToken := string(must[[]byte](t)(json.Marshal(public)))
	recipient := must[*hxjwt.Identity](t)(hxjwt.IdentityFromJWK(string(k.Recipient)))
	defer recipient.Close()
	dir := must[*hxjwt.Directory](t)(hxjwt.NewDirectory(senderToken))
	defer dir.Close()
	for _, v := range k.Vectors {
		for _, mode := range []string{"shared", "directory"} {
			var d *hxjwt.Directory
			if mode == "directory" {
				d = dir
			}
			ep := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(recipient, d))
			must[struct{}](t)(struct{}{}, ep.SetTime(time.Unix(v.Iat, 0)))
			var m *hxjwt.Message
			var err error
			if mode == "shared" {
				m, err = ep.ValidateFrom(v.Token, senderToken)
			} else {
				m, err = ep.Validate(v.Token)
			}
			if err != nil {
				t.Fatalf("KAT iat %d, %s mode: %v", v.Iat, mode, err)
			}
			if string(m.Payload) != string(b64url(t, v.Plaintext)) || m.Audience != recipient.Name() ||
				m.IssuedAt.Unix() != v.Iat || m.ExpiresAt.Unix() != v.Exp {
				t.Errorf("KAT iat %d, %s mode: got %+v", v.Iat, mode, m)
			}
			ep.Close()
		}
	}
}

func loadHX1(t *testing.T) (*hx1Vectors, map[string]*hxjwt.Identity, *hxjwt.Directory) {
	var vs hx1Vectors
	loadVectors(t, "hx1.json", &vs)
	ids := map[string]*hxjwt.Identity{}
	for name, jwk := range vs.Identities {
		id := must[*hxjwt.Identity](t)(hxjwt.IdentityFromJWK(string(jwk)))
		if id.Name() != name {
			t.Fatalf("identity %s is named %s", name, id.Name())
		}
		ids[name] = id
		t.Cleanup(func() { id.Close() })
	}
	dir := must[*hxjwt.Directory](t)(hxjwt.DirectoryFromJWKS(string(vs.Directory)))
	t.Cleanup(func() { dir.Close() })
	if n := must[int](t)(dir.Len()); n != 3 {
		t.Fatalf("the vectors' directory has %d names, not 3", n)
	}
	if len(vs.Positive) < 5 || len(vs.Negative) < 30 {
		t.Fatalf("hx1.json has %d positive and %d negative vectors", len(vs.Positive), len(vs.Negative))
	}
	return &vs, ids, dir
}

func TestHX1PositiveVectors(t *testing.T) {
	vs, ids, dir := loadHX1(t)
	for _, v := range vs.Positive {
		v := v
		for _, mode := range []string{"directory", "shared"} {
			t.Run(v.Name+"/"+mode, func(t *testing.T) {
				var opts []hxjwt.EndpointOption
				if v.MaxTokenLen != nil {
					opts = append(opts, hxjwt.WithMaxTokenLength(*v.MaxTokenLen))
				}
				d := dir
				if mode == "shared" {
					d = nil
				}
				ep := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(ids[v.Recipient], d, opts...))
				defer ep.Close()
				must[struct{}](t)(struct{}{}, ep.SetTime(time.Unix(v.Iat, 0)))
				var m *hxjwt.Message
				var err error
				if mode == "directory" {
					m, err = ep.Validate(v.Token)
				} else {
					m, err = ep.ValidateFrom(v.Token, must[string](t)(ids[v.Sender].MachineToken()))
				}
				if err != nil {
					t.Fatal(err)
				}
				if got, want := m.Payload, b64url(t, v.Plaintext); string(got) != string(want) {
					t.Errorf("payload %q, want %q", got, want)
				}
				if m.Issuer != v.Sender || m.Audience != v.Recipient {
					t.Errorf("iss %q aud %q", m.Issuer, m.Audience)
				}
				if m.IssuedAt.Unix() != v.Iat || m.ExpiresAt.Unix() != v.Exp {
					t.Errorf("iat %v exp %v", m.IssuedAt, m.ExpiresAt)
				}
				if (v.Nbf == nil) != m.NotBefore.IsZero() || (v.Nbf != nil && m.NotBefore.Unix() != *v.Nbf) {
					t.Errorf("nbf %v, want %v", m.NotBefore, v.Nbf)
				}
				if want := deref(v.JTI); m.JTI != want {
					t.Errorf("jti %q, want %q", m.JTI, want)
				}
				if want := deref(v.Cty); m.ContentType != want {
					t.Errorf("cty %q, want %q", m.ContentType, want)
				}
			})
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// failingLookup is a directory function whose every lookup fails.
func failingLookup(name string) (string, error) {
	return "", errors.New("directory unreachable while looking up " + name)
}

func TestHX1NegativeVectors(t *testing.T) {
	vs, ids, dir := loadHX1(t)
	secrets := []string{}
	for _, jwk := range vs.Identities {
		var m map[string]string
		must[struct{}](t)(struct{}{}, json.Unmarshal(jwk, &m))
		secrets = append(secrets, m["d"])
	}
	ran, seen := map[string]bool{}, map[string]bool{}
	for _, v := range vs.Negative {
		v := v
		t.Run(v.Name, func(t *testing.T) {
			ran[v.Error] = true
			d := dir
			if v.DirectoryFails {
				d = must[*hxjwt.Directory](t)(hxjwt.DirectoryFromFunc(failingLookup))
				defer d.Close()
			}
			var opts []hxjwt.EndpointOption
			if p := v.Policy; p != nil {
				if p.Leeway != nil {
					opts = append(opts, hxjwt.WithLeeway(time.Duration(*p.Leeway)*time.Second))
				}
				if p.MaxLifetime != nil {
					opts = append(opts, hxjwt.WithMaxLifetime(time.Duration(*p.MaxLifetime)*time.Second))
				}
				if p.Audiences != nil {
					opts = append(opts, hxjwt.WithAudience(p.Audiences...))
				}
				if p.MaxTokenLen != nil {
					opts = append(opts, hxjwt.WithMaxTokenLength(*p.MaxTokenLen))
				}
			}
			if v.Replay {
				opts = append(opts, hxjwt.WithReplayProtection())
			}
			ep := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(ids[v.Recipient], d, opts...))
			defer ep.Close()
			must[struct{}](t)(struct{}{}, ep.SetTime(time.Unix(v.Now, 0)))
			validate := func() (*hxjwt.Message, error) {
				switch v.Mode {
				case "shared":
					return ep.ValidateFrom(v.Token, string(v.SenderJWK))
				case "directory":
					return ep.Validate(v.Token)
				}
				t.Fatalf("unknown mode %q", v.Mode)
				return nil, nil
			}
			if v.Replay {
				if _, err := validate(); err != nil {
					t.Fatalf("the first validation: %v", err)
				}
			}
			m, err := validate()
			if m != nil || err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			var e *hxjwt.Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *hxjwt.Error: %T %v", err, err)
			}
			if e.Kind != v.Error || !errors.Is(err, sentinel(t, v.Error)) {
				t.Fatalf("got %v (kind %s, status %d), want %s", err, e.Kind, e.Status, v.Error)
			}
			if e.Message == "" || !strings.HasPrefix(err.Error(), v.Error+": ") {
				t.Errorf("the error says nothing: %q", err.Error())
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("the error message contains a private key")
				}
			}
			seen[v.Error] = true
		})
	}
	// Every kind of the vectors that ran was refused as that kind at least once.
	for kind := range ran {
		if !seen[kind] {
			t.Errorf("no negative vector of kind %s passed", kind)
		}
	}
}

type jwsVectors struct {
	Keys  map[string]json.RawMessage `json:"keys"`
	Valid []struct {
		Name       string          `json:"name"`
		Alg        string          `json:"alg"`
		Key        string          `json:"key"`
		Now        int64           `json:"now"`
		Token      string          `json:"token"`
		Claims     json.RawMessage `json:"claims"`
		Validation jwsValidation   `json:"validation"`
	} `json:"valid"`
	Invalid []struct {
		Name       string        `json:"name"`
		Key        string        `json:"key"`
		Now        int64         `json:"now"`
		Token      string        `json:"token"`
		Validation jwsValidation `json:"validation"`
		Error      string        `json:"error"`
	} `json:"invalid"`
}

type jwsValidation struct {
	Algorithms []string  `json:"algorithms"`
	Leeway     *int64    `json:"leeway"`
	Audience   []string  `json:"audience"`
	Issuer     []string  `json:"issuer"`
	Subject    *string   `json:"subject"`
	Required   *[]string `json:"required"`
	Typ        *string   `json:"typ"`
	MaxAge     *int64    `json:"max_age"`
	VerifyExp  *bool     `json:"verify_exp"`
	VerifyNbf  *bool     `json:"verify_nbf"`
	VerifyIat  *bool     `json:"verify_iat"`
	VerifyAud  *bool     `json:"verify_aud"`
}

// options is the ValidationOptions an entry's validation describes, with the clock at now.
func (j jwsValidation) options(now int64) hxjwt.ValidationOptions {
	o := hxjwt.ValidationOptions{
		Algorithms: j.Algorithms, Audience: j.Audience, Issuer: j.Issuer, Subject: deref(j.Subject),
		Typ: deref(j.Typ), Now: time.Unix(now, 0),
	}
	if j.Leeway != nil {
		o.Leeway = time.Duration(*j.Leeway) * time.Second
	}
	if j.MaxAge != nil {
		o.MaxAge = time.Duration(*j.MaxAge) * time.Second
	}
	if j.Required != nil {
		o.RequiredClaims = *j.Required
		o.NoRequiredClaims = len(*j.Required) == 0
	}
	off := func(b *bool) bool { return b != nil && !*b }
	o.SkipExp, o.SkipNbf, o.SkipIat, o.SkipAud = off(j.VerifyExp), off(j.VerifyNbf), off(j.VerifyIat), off(j.VerifyAud)
	return o
}

// jwsKeys loads the keys of jws.json: the signers and their verifiers (the public half, or the
// secret itself for "oct").
func jwsKeys(t *testing.T, vs *jwsVectors) (signers, verifiers map[string]*hxjwt.Key, secrets []string) {
	signers, verifiers = map[string]*hxjwt.Key{}, map[string]*hxjwt.Key{}
	for name, jwk := range vs.Keys {
		signer := must[*hxjwt.Key](t)(hxjwt.KeyFromJWK(string(jwk)))
		t.Cleanup(func() { signer.Close() })
		if !signer.IsPrivate() || signer.Kid() != name {
			t.Fatalf("key %s: private %v, kid %q", name, signer.IsPrivate(), signer.Kid())
		}
		var members map[string]any
		must[struct{}](t)(struct{}{}, json.Unmarshal(jwk, &members))
		verifier := signer
		if members["kty"] != "oct" {
			verifier = must[*hxjwt.Key](t)(signer.Public())
			t.Cleanup(func() { verifier.Close() })
			if verifier.IsPrivate() {
				t.Fatalf("the public half of %s is private", name)
			}
		}
		signers[name], verifiers[name] = signer, verifier
		for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
			if s, ok := members[m].(string); ok {
				secrets = append(secrets, s)
			}
		}
	}
	return signers, verifiers, secrets
}

func TestJWSValidVectors(t *testing.T) {
	var vs jwsVectors
	loadVectors(t, "jws.json", &vs)
	if len(vs.Valid) < 38 || len(vs.Invalid) < 174 {
		t.Fatalf("jws.json has %d valid and %d invalid entries", len(vs.Valid), len(vs.Invalid))
	}
	signers, verifiers, _ := jwsKeys(t, &vs)
	resigned := 0
	for _, v := range vs.Valid {
		v := v
		t.Run(v.Name, func(t *testing.T) {
			val := must[*hxjwt.Validation](t)(hxjwt.NewValidation(v.Validation.options(v.Now)))
			defer val.Close()
			claims, err := hxjwt.Verify(v.Token, verifiers[v.Key], val)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, claims, v.Claims) {
				t.Errorf("claims %s, want %s", claims, v.Claims)
			}
			// The claims are returned exactly as signed.
			parts := strings.Split(v.Token, ".")
			if want := b64url(t, parts[1]); string(claims) != string(want) {
				t.Errorf("claims %q, signed %q", claims, want)
			}
			var header map[string]any
			must[struct{}](t)(struct{}{}, json.Unmarshal(must[[]byte](t)(hxjwt.DecodeHeader(v.Token)), &header))
			if header["alg"] != v.Alg {
				t.Errorf("alg %v, want %s", header["alg"], v.Alg)
			}
			// Deterministic algorithms: signing the same header and payload gives the same token.
			plain := string(b64url(t, parts[0])) == `{"alg":"`+v.Alg+`","kid":"`+v.Key+`","typ":"JWT"}`
			if deterministic := !strings.HasPrefix(v.Alg, "ES") && !strings.HasPrefix(v.Alg, "PS"); plain && deterministic {
				again, err := hxjwt.Sign(b64url(t, parts[1]), signers[v.Key], v.Alg)
				if err != nil || again != v.Token {
					t.Errorf("signed again: %q, %v", again, err)
				}
				resigned++
			}
		})
	}
	if resigned < 10 {
		t.Errorf("only %d valid tokens were signed again", resigned)
	}
}

func TestJWSInvalidVectors(t *testing.T) {
	var vs jwsVectors
	loadVectors(t, "jws.json", &vs)
	_, verifiers, secrets := jwsKeys(t, &vs)
	for _, v := range vs.Invalid {
		v := v
		t.Run(v.Name, func(t *testing.T) {
			val := must[*hxjwt.Validation](t)(hxjwt.NewValidation(v.Validation.options(v.Now)))
			defer val.Close()
			claims, err := hxjwt.Verify(v.Token, verifiers[v.Key], val)
			if err == nil {
				t.Fatalf("accepted: %s", claims)
			}
			var e *hxjwt.Error
			if !errors.As(err, &e) || e.Kind != v.Error || !errors.Is(err, sentinel(t, v.Error)) {
				t.Fatalf("got %v, want %s", err, v.Error)
			}
			if claims != nil {
				t.Errorf("claims returned with an error: %q", claims)
			}
			if (v.Error == "MissingClaim" || v.Error == "InvalidClaim") && e.Claim == "" {
				t.Errorf("a %s error names no claim: %v", v.Error, err)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("the error message contains a private key member")
				}
			}
		})
	}
}
