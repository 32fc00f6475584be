package hxjwt_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"hxjwt.dev/hxjwt"
)

// The ECDH-1PU mode of the endpoints (WithProtocol, Message.Protocol): round trips, the
// arguments Create refuses, and hostile tokens.

func TestECDH1PURoundTrip(t *testing.T) {
	if hxjwt.ProtocolHX1 != "HX1" || hxjwt.ProtocolECDH1PU != "ECDH-1PU" {
		t.Fatal("the protocol names are the C library's")
	}
	a, b, aliceToken, bobToken := pair(t)
	now := time.Now().Truncate(time.Second)
	nbf := now.Add(-time.Minute)
	payload := []byte{0, 1, 2, 0xff, 0, 'x'} // binary, with NUL bytes
	token := must[string](t)(a.Create("bob.service", payload, 5*time.Minute, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU),
		hxjwt.WithNotBefore(nbf), hxjwt.WithJTI("id-1pu"), hxjwt.WithContentType("application/octet-stream")))
	if n := strings.Count(token, "."); n != 4 {
		t.Fatalf("%d segments: %q", n+1, token)
	}
	// A standard compact JWE: its header says so, and the encrypted-key segment is empty.
	var header map[string]any
	must[struct{}](t)(struct{}{}, json.Unmarshal(must[[]byte](t)(hxjwt.JWEDecodeHeader(token)), &header))
	if header["alg"] != "ECDH-1PU" || header["enc"] != "A256GCM" || header["skid"] != "alice.service" ||
		header["kid"] != "bob.service" || header["iss"] != "alice.service" || header["aud"] != "bob.service" {
		t.Errorf("header %v", header)
	}
	if strings.Split(token, ".")[1] != "" {
		t.Errorf("an encrypted key in %q", token)
	}
	for name, validate := range map[string]func() (*hxjwt.Message, error){
		"directory":     func() (*hxjwt.Message, error) { return b.Validate(token) },
		"machine token": func() (*hxjwt.Message, error) { return b.ValidateFrom(token, aliceToken) },
	} {
		m, err := validate()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Protocol != hxjwt.ProtocolECDH1PU {
			t.Errorf("%s: protocol %q", name, m.Protocol)
		}
		if string(m.Payload) != string(payload) || m.Issuer != "alice.service" || m.Audience != "bob.service" ||
			m.JTI != "id-1pu" || m.ContentType != "application/octet-stream" || !m.NotBefore.Equal(nbf) {
			t.Errorf("%s: %+v", name, m)
		}
		if got := m.ExpiresAt.Sub(m.IssuedAt); got != 5*time.Minute {
			t.Errorf("%s: lifetime %v", name, got)
		}
		if m.IssuedAt.Before(now.Add(-time.Minute)) || m.IssuedAt.After(now.Add(time.Minute)) {
			t.Errorf("%s: issued at %v, now %v", name, m.IssuedAt, now)
		}
	}
	// The default mode, and WithProtocol(ProtocolHX1), are HX1: three segments.
	for _, opts := range [][]hxjwt.CreateOption{nil, {hxjwt.WithProtocol(hxjwt.ProtocolHX1)}} {
		hx1 := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute, opts...))
		if strings.Count(hx1, ".") != 2 {
			t.Errorf("not HX1: %q", hx1)
		}
		if m := must[*hxjwt.Message](t)(b.Validate(hx1)); m.Protocol != hxjwt.ProtocolHX1 {
			t.Errorf("protocol %q", m.Protocol)
		}
	}
	// Without a directory, to a machine token; an empty payload.
	empty := must[string](t)(a.CreateFor(bobToken, nil, time.Minute, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU)))
	m := must[*hxjwt.Message](t)(b.ValidateFrom(empty, aliceToken))
	if m.Protocol != hxjwt.ProtocolECDH1PU || m.Payload == nil || len(m.Payload) != 0 || m.JTI != "" ||
		m.ContentType != "" || !m.NotBefore.IsZero() {
		t.Errorf("%+v", m)
	}
	// The last option wins.
	last := must[string](t)(a.Create("bob.service", nil, time.Minute, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU), hxjwt.WithProtocol(hxjwt.ProtocolHX1)))
	if strings.Count(last, ".") != 2 {
		t.Errorf("the last WithProtocol did not win: %q", last)
	}
	// From someone else; to someone else.
	_, err := b.ValidateFrom(token, bobToken)
	wantErr(t, "the wrong sender", err, hxjwt.ErrIssuerMismatch)
	_, err = a.Validate(token)
	wantErr(t, "alice validating bob's token", err, hxjwt.ErrWrongAudience)
	// Tampered: DecryptionFailed (no signature in this mode).
	parts := strings.Split(token, ".")
	parts[3] = flip(parts[3])
	_, err = b.Validate(strings.Join(parts, "."))
	wantErr(t, "a tampered ciphertext", err, hxjwt.ErrDecryptionFailed)
	// An unknown recipient.
	_, err = a.Create("carol.service", nil, time.Minute, hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU))
	wantErr(t, "to an unknown name", err, hxjwt.ErrUnknownIssuer)
}

// The token is a standard ECDH-1PU JWE: the JWE family decrypts it with the two identities' keys.
func TestECDH1PUTokenIsAStandardJWE(t *testing.T) {
	alice := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("alice.service"))
	defer alice.Close()
	bob := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("bob.service"))
	defer bob.Close()
	a := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(alice, nil))
	defer a.Close()
	token := must[string](t)(a.CreateFor(must[string](t)(bob.MachineToken()), []byte(`{"order":42}`), time.Minute,
		hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU)))
	bobKey := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(must[string](t)(bob.JWK())))
	defer bobKey.Close()
	aliceKey := must[*hxjwt.JWEKey](t)(hxjwt.JWEKeyFromJWK(must[string](t)(alice.MachineToken())))
	defer aliceKey.Close()
	if bobKey.Kty() != "OKP" || bobKey.Curve() != "X25519" || aliceKey.Kid() != "alice.service" {
		t.Errorf("identity keys: %q %q %q", bobKey.Kty(), bobKey.Curve(), aliceKey.Kid())
	}
	got := must[*hxjwt.JWEDecrypted](t)(hxjwt.JWEDecrypt1PU(token, bobKey, aliceKey, decryption(t, only("ECDH-1PU", "A256GCM"))))
	if string(got.Plaintext) != `{"order":42}` || got.Alg != "ECDH-1PU" || got.Enc != "A256GCM" {
		t.Errorf("%+v", got)
	}
	// Another sender's key does not decrypt it.
	mallory := jweKey(t, "X25519")
	_, err := hxjwt.JWEDecrypt1PU(token, bobKey, must[*hxjwt.JWEKey](t)(mallory.WithKid("alice.service")), decryption(t, only("ECDH-1PU", "A256GCM")))
	wantErr(t, "another sender", err, hxjwt.ErrDecryptionFailed)
}

func TestECDH1PUArgumentErrors(t *testing.T) {
	inv := hxjwt.ErrInvalidArgument
	a, _, _, bobToken := pair(t)
	pu := hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU)
	// As for Create in the HX1 mode.
	_, err := a.Create("bob.service", nil, 0, pu)
	wantKind(t, "a zero TTL", err, inv)
	_, err = a.Create("bob.service", nil, -time.Hour, pu)
	wantKind(t, "a negative TTL", err, inv)
	_, err = a.Create("bob.service", nil, time.Millisecond, pu)
	wantKind(t, "a TTL under a second", err, inv)
	_, err = a.Create("", nil, time.Minute, pu)
	wantKind(t, "an empty recipient", err, inv, hxjwt.ErrUnknownIssuer)
	_, err = a.Create("bob.service\x00evil", nil, time.Minute, pu)
	wantKind(t, "a recipient with NUL", err, inv)
	_, err = a.Create("bob\xff.service", nil, time.Minute, pu)
	wantKind(t, "a recipient of invalid UTF-8", err, inv, hxjwt.ErrUnknownIssuer)
	_, err = a.CreateFor(bobToken[:20], nil, time.Minute, pu)
	wantKind(t, "half a machine token", err, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = a.CreateFor(bobToken+"\x00", nil, time.Minute, pu)
	wantKind(t, "a machine token with NUL", err, inv)
	_, err = a.CreateFor("", nil, time.Minute, pu)
	wantKind(t, "an empty machine token", err, inv, hxjwt.ErrInvalidKey, hxjwt.ErrMalformed)
	_, err = a.Create("bob.service", nil, time.Minute, pu, hxjwt.WithJTI("a\x00b"))
	wantKind(t, "a jti with NUL", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, pu, hxjwt.WithJTI(strings.Repeat("j", 129)))
	wantKind(t, "a jti over 128 bytes", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, pu, hxjwt.WithContentType("\xff"))
	wantKind(t, "a cty of invalid UTF-8", err, inv)
	_, err = a.Create("bob.service", nil, time.Minute, pu, hxjwt.WithContentType(strings.Repeat("c", 256)))
	wantKind(t, "a cty over 255 bytes", err, inv)
	// Unknown protocols, before anything else is read.
	for _, p := range []hxjwt.Protocol{"", "hx1", "ecdh-1pu", "ECDH-1PU ", "ECDH-ES", "ECDH-1PU\x00", "\xff"} {
		_, err = a.Create("bob.service", nil, time.Minute, hxjwt.WithProtocol(p))
		wantKind(t, "protocol "+strings.ReplaceAll(string(p), "\x00", "NUL"), err, inv)
	}
	// A nil option is skipped; nil and closed endpoints.
	if _, err := a.Create("bob.service", nil, time.Minute, nil, pu); err != nil {
		t.Errorf("a nil option: %v", err)
	}
	var nilEp *hxjwt.Endpoint
	_, err = nilEp.Create("bob.service", nil, time.Minute, pu)
	wantKind(t, "a nil endpoint", err, inv)
	id := must[*hxjwt.Identity](t)(hxjwt.GenerateIdentity("x.service"))
	defer id.Close()
	closed := must[*hxjwt.Endpoint](t)(hxjwt.NewEndpoint(id, nil))
	closed.Close()
	_, err = closed.CreateFor(bobToken, nil, time.Minute, pu)
	wantKind(t, "a closed endpoint", err, inv)
}

func TestECDH1PUHostileTokens(t *testing.T) {
	a, b, aliceToken, _ := pair(t, hxjwt.WithReplayProtection())
	pu := hxjwt.WithProtocol(hxjwt.ProtocolECDH1PU)
	token := must[string](t)(a.Create("bob.service", []byte("x"), time.Minute, pu, hxjwt.WithJTI("once")))
	parts := strings.Split(token, ".")
	enc := base64.RawURLEncoding
	var header map[string]any
	must[struct{}](t)(struct{}{}, json.Unmarshal(must[[]byte](t)(enc.DecodeString(parts[0])), &header))
	reheader := func(change func(h map[string]any)) string {
		h := map[string]any{}
		for k, v := range header {
			h[k] = v
		}
		change(h)
		data := must[[]byte](t)(json.Marshal(h))
		return enc.EncodeToString(data) + "." + strings.Join(parts[1:], ".")
	}
	malformed := []string{
		token + ".", parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3], // 6 and 4 segments
		token[:len(token)-1], "....", ".a.b.c.d", "a..b.c.d", strings.Repeat("A", 70000) + ".a.b.c.d",
		"=" + token[1:], parts[0] + ".AAAA." + strings.Join(parts[2:], "."), // an encrypted key
		reheader(func(h map[string]any) { h["iat"] = "soon" }),
		reheader(func(h map[string]any) { h["skid"] = "bob.service" }), // skid is not iss
	}
	for i, bad := range malformed {
		_, err := b.Validate(bad)
		wantKind(t, "a malformed ECDH-1PU token "+string(rune('a'+i)), err, hxjwt.ErrMalformed)
	}
	_, err := b.Validate(reheader(func(h map[string]any) { h["alg"] = "ECDH-ES" }))
	wantKind(t, "alg ECDH-ES", err, hxjwt.ErrUnsupportedAlgorithm)
	_, err = b.Validate(reheader(func(h map[string]any) { h["enc"] = "A128GCM" }))
	wantKind(t, "enc A128GCM", err, hxjwt.ErrUnsupportedAlgorithm)
	_, err = b.Validate(reheader(func(h map[string]any) { h["zip"] = "DEF" }))
	wantKind(t, "zip", err, hxjwt.ErrUnknownHeader)
	_, err = b.Validate(reheader(func(h map[string]any) { h["x5u"] = "https://evil" }))
	wantKind(t, "an unknown member", err, hxjwt.ErrUnknownHeader)
	// A low-order epk (the all-zero point).
	_, err = b.Validate(reheader(func(h map[string]any) {
		h["epk"] = map[string]any{"kty": "OKP", "crv": "X25519", "x": enc.EncodeToString(make([]byte, 32))}
	}))
	wantKind(t, "a low-order epk", err, hxjwt.ErrInvalidKey, hxjwt.ErrDecryptionFailed)
	// The header re-encoded with the same members (indented): the AAD changed.
	indented := must[[]byte](t)(json.MarshalIndent(header, "", " "))
	_, err = b.Validate(enc.EncodeToString(indented) + "." + strings.Join(parts[1:], "."))
	wantKind(t, "a re-encoded header", err, hxjwt.ErrDecryptionFailed)
	// Invalid UTF-8 and NUL bytes.
	_, err = b.Validate(token[:10] + "\xff" + token[11:])
	wantKind(t, "invalid UTF-8", err, hxjwt.ErrInvalidArgument, hxjwt.ErrMalformed)
	_, err = b.Validate(token + "\x00")
	wantKind(t, "NUL", err, hxjwt.ErrInvalidArgument)
	// A 16 MiB five-segment token.
	huge := strings.Repeat("A", 16<<20)
	_, err = b.Validate(huge + "." + huge + "." + huge + "." + huge + "." + huge)
	wantKind(t, "16 MiB", err, hxjwt.ErrMalformed)
	// An ordinary JWE (not an HX token) is refused.
	x := jweKey(t, "X25519")
	jwe := must[string](t)(hxjwt.JWEEncrypt([]byte("x"), publicOf(t, x), "ECDH-ES", "A256GCM"))
	_, err = b.ValidateFrom(jwe, aliceToken)
	wantKind(t, "a plain JWE", err, hxjwt.ErrMalformed, hxjwt.ErrUnsupportedAlgorithm, hxjwt.ErrUnknownHeader)
	// The untouched token validates once, then is a replay.
	must[*hxjwt.Message](t)(b.Validate(token))
	_, err = b.Validate(token)
	wantKind(t, "a replayed token", err, hxjwt.ErrReplayed)
	// And the validation errors are still *Error values with a kind.
	var e *hxjwt.Error
	if !errors.As(err, &e) || e.Kind != "Replayed" {
		t.Errorf("%#v", err)
	}
}
